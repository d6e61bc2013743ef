import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { hashPassword, startServer } from '@restora/server';
import type { RunningServer } from '@restora/server';
import type { Page } from 'playwright-core';
import type { Browser } from './browser.js';

export const USER = 'admin';
export const PASSWORD = 'correct horse battery staple';
export const TOKEN_KEY = 'backrest-ui-authToken';

export type UiFixture = {
  dir: string;
  server: RunningServer;
  token: string;
  /** Calls a Backrest (or Authentication) method with Connect JSON, signed in; throws with the server's message. */
  rpc<T = unknown>(method: string, body?: unknown, service?: string): Promise<T>;
  close(): Promise<void>;
};

/** A real `restora serve` hosting `webDir`, with an instance name and one user already set up, signed in. */
export async function startUiFixture(webDir: string): Promise<UiFixture> {
  const dir = await mkdtemp(join(tmpdir(), 'restora-web-ui-'));
  const configFile = join(dir, 'config', 'config.json');
  await mkdir(dirname(configFile), { recursive: true });
  const config = {
    version: 6,
    instance: 'e2e-host',
    auth: { users: [{ name: USER, passwordBcrypt: await hashPassword(PASSWORD) }] },
  };
  await writeFile(configFile, JSON.stringify(config), { mode: 0o600 });
  const server = await startServer({
    host: '127.0.0.1',
    port: 0,
    configFile,
    dataDir: join(dir, 'data'),
    resticCommand: '/usr/bin/restic',
    logLevel: 'warn',
    webDir,
  });
  let token = '';
  const rpc = async <T>(method: string, body: unknown = {}, service = 'v1.Backrest'): Promise<T> => {
    const res = await fetch(`${server.url}/${service}/${method}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: JSON.stringify(body),
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`${method}: ${res.status} ${text}`);
    return (text ? JSON.parse(text) : {}) as T;
  };
  token = (await rpc<{ token: string }>('Login', { username: USER, password: PASSWORD }, 'v1.Authentication'))
    .token;
  return {
    dir,
    server,
    token,
    rpc,
    async close() {
      await server.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/**
 * A new page of `browser` signed in to `fx`: the token is stored on the origin from a page that loads no app, so
 * any one test of a file can run alone (-t).
 */
export async function signedInPage(browser: Browser, fx: UiFixture): Promise<Page> {
  const page = await browser.context.newPage();
  await page.goto(`${fx.server.url}/no-such-file.txt`);
  await page.evaluate(([k, t]) => localStorage.setItem(k!, t!), [TOKEN_KEY, fx.token]);
  return page;
}

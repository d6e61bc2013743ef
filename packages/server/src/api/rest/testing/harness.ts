// Test harness: a real `restora serve` (startServer) in a temp dir with one user, plus small HTTP helpers.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startServer, type RunningServer, type ServerOptions } from '../../../app.js';
import { hashPassword } from '../../../auth/passwords.js';

export const USER = 'admin';
export const PASSWORD = 'correct horse battery';

export interface Harness {
  dir: string;
  server: RunningServer;
  url: string;
  /** A session cookie header value from POST /api/v1/auth/login. */
  login(): Promise<string>;
  call(
    method: string,
    p: string,
    o?: { json?: unknown; raw?: string; headers?: Record<string, string>; cookie?: string },
  ): Promise<{ status: number; body: unknown; headers: Headers; text: string }>;
  /** A Backrest Connect call (JSON, Basic as the harness user) that must answer 200; its JSON body. */
  connect(method: string, body: unknown): Promise<Record<string, unknown>>;
  /** Stops the server and keeps `dir`, so a new harness can start over the same data (a restart). */
  stop(): Promise<void>;
  close(): Promise<void>;
}

export interface HarnessOptions {
  retryMinuteMs?: number;
  /** Reuse this directory (config and data) of a stopped harness instead of a fresh temp dir. */
  dir?: string;
  resticCommand?: string;
  /** Zerobyte's dev panel (POST /repositories/:id/exec). */
  devPanel?: boolean;
  zerobyteHealth?: ServerOptions['zerobyteHealth'];
}

export async function startHarness(prefix = 'rest', options: HarnessOptions = {}): Promise<Harness> {
  const { dir: reuse, ...serverOptions } = options;
  const dir = reuse ?? fs.mkdtempSync(path.join(os.tmpdir(), `restora-${prefix}-`));
  const configFile = path.join(dir, 'config', 'config.json');
  fs.mkdirSync(path.dirname(configFile), { recursive: true });
  if (!reuse)
    fs.writeFileSync(
      configFile,
      JSON.stringify({
        version: 6,
        instance: 'rest-test',
        auth: { users: [{ name: USER, passwordBcrypt: await hashPassword(PASSWORD) }] },
      }),
      { mode: 0o600 },
    );
  const server = await startServer({
    host: '127.0.0.1',
    port: 0,
    configFile,
    dataDir: path.join(dir, 'data'),
    resticCommand: '/usr/bin/restic',
    logLevel: 'silent',
    ...serverOptions,
  });
  const call: Harness['call'] = async (method, p, o = {}) => {
    const headers: Record<string, string> = { ...(o.headers ?? {}) };
    if (o.cookie) headers.cookie = o.cookie;
    let body: string | undefined;
    if (o.json !== undefined) {
      body = JSON.stringify(o.json);
      headers['content-type'] ??= 'application/json';
    } else if (o.raw !== undefined) {
      body = o.raw;
      headers['content-type'] ??= 'application/json';
    }
    const res = await fetch(`${server.url}${p}`, {
      method,
      headers,
      ...(body !== undefined ? { body } : {}),
    });
    const text = await res.text();
    let parsed: unknown = text;
    try {
      parsed = JSON.parse(text);
    } catch {
      // not JSON (tar, html, text)
    }
    return { status: res.status, body: parsed, headers: res.headers, text };
  };
  const basic = `Basic ${Buffer.from(`${USER}:${PASSWORD}`).toString('base64')}`;
  return {
    dir,
    server,
    url: server.url,
    call,
    async connect(method, body) {
      const r = await fetch(`${server.url}/v1.Backrest/${method}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: basic },
        body: JSON.stringify(body),
      });
      const text = await r.text();
      if (r.status !== 200) throw new Error(`${method}: ${r.status} ${text}`);
      return JSON.parse(text) as Record<string, unknown>;
    },
    async login() {
      const r = await fetch(`${server.url}/api/v1/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username: USER, password: PASSWORD }),
      });
      if (r.status !== 200) throw new Error(`login failed: ${r.status} ${await r.text()}`);
      const set = r.headers.get('set-cookie') ?? '';
      return set.split(';')[0] ?? '';
    },
    stop: () => server.close(),
    async close() {
      await server.close();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

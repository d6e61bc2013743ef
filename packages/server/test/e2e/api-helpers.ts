// Shared setup for the API e2e tests: a temp workspace, a running server and Connect clients.
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { createClient, type Client, type Interceptor } from '@connectrpc/connect';
import {
  createConnectTransport,
  createGrpcTransport,
  createGrpcWebTransport,
} from '@connectrpc/connect-node';
import { clone, create } from '@bufbuild/protobuf';
import {
  Authentication,
  Backrest,
  ConfigSchema,
  PlanSchema,
  RepoSchema,
  type Schedule,
} from '@restora/proto';
import { startServer, type RunningServer, type ServerOptions } from '../../src/app.js';
import { hashPassword } from '../../src/auth/passwords.js';

export const RESTIC = '/usr/bin/restic';
export const USER = 'admin';
export const PASS = 'hunter2-e2e';
export const REPO_PASSWORD = 'repo-secret-e2e';

export interface Workspace {
  dir: string;
  src: string;
  configFile: string;
  dataDir: string;
  cleanup(): void;
}

export function workspace(prefix: string): Workspace {
  const dir = mkdtempSync(join(tmpdir(), `restora-api-${prefix}-`));
  const src = join(dir, 'src');
  mkdirSync(src, { recursive: true });
  return {
    dir,
    src,
    configFile: join(dir, 'config', 'config.json'),
    dataDir: join(dir, 'data'),
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** A config with an instance id and one user (Backrest's base64 bcrypt form). */
export async function writeUserConfig(ws: Workspace, extra: Record<string, unknown> = {}): Promise<void> {
  mkdirSync(join(ws.configFile, '..'), { recursive: true });
  const config = {
    version: 6,
    instance: 'e2e-host',
    auth: { users: [{ name: USER, passwordBcrypt: await hashPassword(PASS) }] },
    ...extra,
  };
  writeFileSync(ws.configFile, JSON.stringify(config, null, 2), { mode: 0o600 });
}

export function serve(ws: Workspace, options: Partial<ServerOptions> = {}): Promise<RunningServer> {
  return startServer({
    host: '127.0.0.1',
    port: 0,
    configFile: ws.configFile,
    dataDir: ws.dataDir,
    resticCommand: RESTIC,
    logLevel: 'silent',
    ...options,
  });
}

export type Protocol = 'connect' | 'grpc-web' | 'grpc';

export interface Clients {
  backrest: Client<typeof Backrest>;
  auth: Client<typeof Authentication>;
}

export function basicHeader(user = USER, pass = PASS): string {
  return `Basic ${Buffer.from(`${user}:${pass}`).toString('base64')}`;
}

/** Connect clients; `authorization` is sent on every call when given. */
export function clients(
  baseUrl: string,
  o: { binary: boolean; authorization?: string; protocol?: Protocol; http2?: boolean },
): Clients {
  const interceptors: Interceptor[] = [];
  const authorization = o.authorization;
  if (authorization)
    interceptors.push((next) => (req) => {
      req.header.set('Authorization', authorization);
      return next(req);
    });
  const httpVersion = o.http2 || o.protocol === 'grpc' ? ('2' as const) : ('1.1' as const);
  const opts = { baseUrl, httpVersion, useBinaryFormat: o.binary, interceptors };
  const transport =
    o.protocol === 'grpc'
      ? createGrpcTransport({ baseUrl, useBinaryFormat: o.binary, interceptors })
      : o.protocol === 'grpc-web'
        ? createGrpcWebTransport(opts)
        : createConnectTransport(opts);
  return { backrest: createClient(Backrest, transport), auth: createClient(Authentication, transport) };
}

const execFileP = promisify(execFile);

/** Runs curl itself (the seed's documented command lines). */
export async function curl(args: string[]): Promise<{ status: number; body: string }> {
  const { stdout } = await execFileP('curl', ['-s', '-w', '\n%{http_code}', ...args], {
    maxBuffer: 64 * 1024 * 1024,
  });
  const i = stdout.lastIndexOf('\n');
  return { status: Number(stdout.slice(i + 1)), body: stdout.slice(0, i) };
}

export async function waitFor<T>(
  what: string,
  fn: () => Promise<T | undefined>,
  timeoutMs = 60_000,
): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** Adds repo `local` (a new restic repo in the workspace) and plan `home` backing up the workspace's src. */
export async function addLocalRepoAndPlan(
  c: Clients,
  ws: Workspace,
  schedule: Schedule['schedule'],
): Promise<void> {
  await c.backrest.addRepo({
    repo: create(RepoSchema, { id: 'local', uri: join(ws.dir, 'repo'), password: REPO_PASSWORD }),
  });
  const config = clone(ConfigSchema, await c.backrest.getConfig({}));
  config.plans.push(
    create(PlanSchema, { id: 'home', repo: 'local', paths: [ws.src], schedule: { schedule } }),
  );
  await c.backrest.setConfig(config);
}

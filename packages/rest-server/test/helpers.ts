// Test helpers: temp dirs, a server on 127.0.0.1 port 0, small HTTP clients (fetch and raw sockets).
import { execFileSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startRestServer } from '../src/index.js';
import type { RestServerOptions, RunningRestServer, Store } from '../src/index.js';

export const V2 = 'application/vnd.x.restic.rest.v2';
export const V1 = 'application/vnd.x.restic.rest.v1';
export const sha256 = (b: Buffer | string): string => createHash('sha256').update(b).digest('hex');
export const blob = (n = 1000): { body: Buffer; id: string } => {
  const body = randomBytes(n);
  return { body, id: sha256(body) };
};

const cleanups: (() => Promise<void> | void)[] = [];
export async function cleanup(): Promise<void> {
  while (cleanups.length) await cleanups.pop()?.();
}

export function tmp(prefix = 'restora-rs-'): string {
  const d = mkdtempSync(join(tmpdir(), prefix));
  cleanups.push(() => rmSync(d, { recursive: true, force: true }));
  return d;
}

export interface Resp {
  status: number;
  headers: Headers;
  body: Buffer;
  text: string;
}

export interface TestServer {
  server: RunningRestServer;
  path: string;
  logs: string[];
  req(
    method: string,
    path: string,
    init?: { body?: Buffer | string; headers?: Record<string, string> },
  ): Promise<Resp>;
}

export async function serve(opts: RestServerOptions = {}): Promise<TestServer> {
  const path = opts.path ?? tmp();
  const logs: string[] = [];
  const server = await startRestServer({
    noAuth: opts.htpasswdFile === undefined && opts.proxyAuthUsername === undefined,
    listen: '127.0.0.1:0',
    logger: (l) => logs.push(l),
    ...opts,
    path,
  });
  cleanups.push(() => server.close());
  const base = server.url.replace(/\/$/, '');
  return {
    server,
    path,
    logs,
    async req(method, p, init = {}) {
      const r = await fetch(base + p, {
        method,
        headers: init.headers,
        body:
          typeof init.body === 'string' || init.body === undefined ? init.body : new Uint8Array(init.body),
      });
      const body = Buffer.from(await r.arrayBuffer());
      return { status: r.status, headers: r.headers, body, text: body.toString() };
    },
  };
}

/** Sends raw bytes on a fresh TCP connection and returns whatever comes back before close or `waitMs`. */
export function raw(
  port: number,
  data: string | Buffer,
  opts: { end?: boolean; waitMs?: number } = {},
): Promise<string> {
  return new Promise((resolve) => {
    const s = connect(port, '127.0.0.1');
    let out = '';
    const timer = setTimeout(() => s.destroy(), opts.waitMs ?? 2000);
    s.on('data', (d) => (out += d.toString()));
    s.on('close', () => {
      clearTimeout(timer);
      resolve(out);
    });
    s.on('error', () => undefined);
    s.write(data);
    if (opts.end) s.end();
  });
}

export const basic = (user: string, pass: string): Record<string, string> => ({
  Authorization: 'Basic ' + Buffer.from(`${user}:${pass}`).toString('base64'),
});

/** A self-signed EC certificate for IP 127.0.0.1 at rest-server's defaults: private_key, public_key. */
export function selfSignedCert(dir = tmp()): { dir: string; key: string; cert: string; ca: Buffer } {
  const key = join(dir, 'private_key');
  const cert = join(dir, 'public_key');
  const subject = ['-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1'];
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1'];
  execFileSync(
    'openssl',
    ['req', '-x509', ...ec, '-nodes', '-days', '1', ...subject, '-keyout', key, '-out', cert],
    { stdio: 'ignore' },
  );
  return { dir, key, cert, ca: readFileSync(cert) };
}

/** Files below `dir` (recursively), for "nothing stored" checks. */
export const filesUnder = (dir: string): string[] =>
  readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => e.name);

/** Wraps store.write so a test can wait for the server to start an upload and then for its outcome. */
export function watchWrites(store: Store): {
  store: Store;
  nextWrite(): Promise<{ result: Promise<number> }>;
} {
  const waiters: ((w: { result: Promise<number> }) => void)[] = [];
  const watched = new Proxy(store, {
    get(target, prop, receiver) {
      const v = Reflect.get(target, prop, receiver) as unknown;
      if (prop !== 'write' || typeof v !== 'function') return v;
      return (...args: Parameters<Store['write']>) => {
        const result = target.write(...args);
        result.catch(() => undefined); // the test inspects it
        waiters.shift()?.({ result });
        return result;
      };
    },
  });
  return { store: watched, nextWrite: () => new Promise((r) => waiters.push(r)) };
}

/** A self-signed certificate and a `serve` that runs the server with --tls on it. */
export function tlsFixture(): {
  key: string;
  cert: string;
  ca: Buffer;
  serve: (opts?: RestServerOptions) => Promise<TestServer>;
} {
  const { cert, key, ca } = selfSignedCert();
  return { cert, key, ca, serve: (opts = {}) => serve({ tls: true, tlsCert: cert, tlsKey: key, ...opts }) };
}

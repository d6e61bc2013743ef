// Deny by default, proven from the route table: every spelling of every protected route (percent-encoding of any
// character, case, double slashes, dot segments, absolute-form targets; HTTP/1.1 and h2c) that reaches a handler
// with credentials is refused (401) without them, and the only routes open without credentials are the ones listed.
import { mkdirSync, writeFileSync } from 'node:fs';
import http2 from 'node:http2';
import net from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '../../src/app.js';
import { routeTable } from '../../src/auth/route-guard.js';
import { basicHeader, PASS, serve, USER, workspace, writeUserConfig, type Workspace } from './api-helpers.js';
import { pathVariants } from './path-variants.js';

interface Probe {
  status: number;
  type: string;
  /** The body of an error (to tell an unrouted or unparsable path from a handler's own error). */
  body?: string;
}

/**
 * Answers that come from no protected handler: unknown path, unparsable URL, a request line the HTTP parser refused,
 * the web UI route's plain answers to paths no file can have (its others are text/html), and /api/auth/*'s answer
 * for the better-auth endpoints Restora does not serve.
 */
const NOT_ROUTED =
  /Route [A-Z]+:? ?\S* not found|FST_ERR_BAD_URL|malformed HTTP\/1\.1 request|^not found$|^bad path$|is not served by Restora/;

/** One request on a fresh connection, exactly as written (no client-side normalisation); reads the head only. */
function rawRequest(
  port: number,
  method: string,
  target: string,
  headers: Record<string, string>,
): Promise<Probe> {
  return new Promise((resolve, reject) => {
    // no body and no content type: nothing for a body parser to refuse before routing, no RPC runs with creds
    const lines = [`${method} ${target} HTTP/1.1`, 'Host: 127.0.0.1', 'Connection: close'];
    for (const [k, v] of Object.entries(headers)) lines.push(`${k}: ${v}`);
    if (method !== 'GET') lines.push('Content-Length: 0');
    const socket = net.connect(port, '127.0.0.1', () => socket.write(`${lines.join('\r\n')}\r\n\r\n`));
    let text = '';
    let done = false;
    const finish = (all: boolean) => {
      const end = text.indexOf('\r\n\r\n');
      if (end < 0) return false;
      const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(text)?.[1] ?? 0);
      if (status >= 300 && !all) return false; // read an error to its end (the server closes)
      const type = /\r\ncontent-type: ([^\r]*)/i.exec(text.slice(0, end))?.[1] ?? '';
      done = true;
      socket.destroy();
      resolve({ status, type, ...(status >= 300 ? { body: text.slice(end + 4) } : {}) });
      return true;
    };
    socket.setTimeout(10_000, () => socket.destroy(new Error(`timeout: ${method} ${target}`)));
    socket.on('data', (chunk: Buffer) => {
      text += chunk.toString('latin1');
      finish(false);
    });
    socket.on('error', reject);
    socket.on('close', () => {
      if (!done && !finish(true)) reject(new Error(`no response head: ${method} ${target}`));
    });
  });
}

/** The same over h2c (prior knowledge, own session), `:path` as written; a protocol error refusing it is status 0. */
function h2Request(
  url: string,
  method: string,
  path: string,
  headers: Record<string, string>,
): Promise<Probe> {
  return new Promise((resolve) => {
    const session = http2.connect(url);
    const done = (p: Probe) => {
      session.destroy();
      resolve(p);
    };
    session.on('error', () => done({ status: 0, type: '' }));
    const stream = session.request({ ':method': method, ':path': path, ...headers });
    stream.on('response', (h) => {
      const status = Number(h[':status']);
      const type = String(h['content-type'] ?? '');
      if (status < 300) return done({ status, type });
      let body = '';
      stream.on('data', (c: Buffer) => (body += c.toString()));
      stream.on('end', () => done({ status, type, body }));
    });
    stream.on('error', () => done({ status: 0, type: '' }));
    stream.end();
  });
}

/** A credentialed probe got past routing to a handler: neither refused nor unrouted nor the web UI's fallback page. */
const reached = (p: Probe) =>
  p.status !== 0 && p.status !== 401 && !NOT_ROUTED.test(p.body ?? '') && !p.type.startsWith('text/html');

/** Path parameters filled in, so the pattern becomes a concrete path. */
const concrete = (url: string) => url.replace(/:[A-Za-z]+/g, 'x').replace(/\*$/, 'x');

/** Every route open without credentials, as the route table declares; a new one must be added here on purpose. */
const EXPECTED_OPEN = [
  'GET /*',
  'GET /api/healthcheck',
  'GET /api/v1/auth/status',
  'GET /api/v1/docs',
  'GET /api/v1/docs/scalar.js',
  'GET /api/v1/openapi.json',
  'GET /download/:token/*',
  'GET /healthz',
  'POST /api/auth/sign-in/email',
  'POST /api/auth/sign-in/username',
  // first run only: refused (403) once a user exists
  'POST /api/auth/sign-up/email',
  'POST /api/v1/auth/login',
  'POST /v1.Authentication/Login',
  'POST /v1sync.BackrestSyncService/Sync',
];

describe('route-based authentication (security sweep)', () => {
  let ws: Workspace;
  let server: RunningServer;
  let port: number;
  let cookie: string;
  /** Zerobyte's 'user' routes are probed with an API key, so that probing logout never ends the session. */
  let apiKey: string;

  beforeAll(async () => {
    ws = workspace('sweep');
    await writeUserConfig(ws);
    mkdirSync(join(ws.dir, 'web'), { recursive: true });
    writeFileSync(join(ws.dir, 'web', 'index.html'), '<html>restora</html>');
    server = await serve(ws, { webDir: join(ws.dir, 'web'), loginAttemptsPerMinute: 100_000 });
    port = Number(new URL(server.url).port);
    const r = await fetch(`${server.url}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: USER, password: PASS }),
    });
    cookie = (r.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
    expect(cookie).toMatch(/^zerobyte\.session=/);
    const k = await fetch(`${server.url}/api/v1/auth/api-keys`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', cookie },
      body: JSON.stringify({ name: 'sweep', password: PASS }),
    });
    apiKey = ((await k.json()) as { key: string }).key;
  });
  afterAll(async () => {
    await server?.close();
    ws?.cleanup();
  });

  it('declares access on every route, and opens only the listed ones', () => {
    const table = routeTable(server.app).filter((r) => r.method !== 'HEAD' && r.method !== 'OPTIONS');
    expect(table.length).toBeGreaterThan(60);
    expect(table.filter((r) => !r.auth).map((r) => `${r.method} ${r.url}`)).toEqual([]);
    // `/api/v1/*` and `/api/auth/*` (every method) only answer JSON 404s for unknown API paths
    const open = table
      .filter((r) => r.auth?.access === 'open' && r.url !== '/api/v1/*' && r.url !== '/api/auth/*')
      .map((r) => `${r.method} ${r.url}`);
    expect([...new Set(open)].sort()).toEqual([...EXPECTED_OPEN].sort());
  });

  it('refuses every spelling of every protected route that reaches a handler (HTTP/1.1, absolute-form, h2c)', async () => {
    const protectedRoutes = routeTable(server.app).filter(
      (r) => r.auth && r.auth.access !== 'open' && r.method !== 'HEAD' && r.method !== 'OPTIONS',
    );
    let probes = 0;
    let reachedVariants = 0;
    const leaks: string[] = [];
    for (const r of protectedRoutes) {
      const creds: Record<string, string> =
        r.auth?.face === 'backrest'
          ? { authorization: basicHeader(USER, PASS) }
          : r.auth?.access === 'session'
            ? { cookie }
            : { 'x-api-key': apiKey };
      let reachedHere = 0;
      for (const v of pathVariants(concrete(r.url))) {
        const [withCreds, without] = await Promise.all([
          rawRequest(port, r.method, v, creds),
          rawRequest(port, r.method, v, {}),
        ]);
        const [h2With, h2Without] = v.startsWith('/')
          ? await Promise.all([
              h2Request(server.url, r.method, v, creds),
              h2Request(server.url, r.method, v, {}),
            ])
          : [undefined, undefined];
        probes += h2With ? 4 : 2;
        for (const [w, wo, proto] of [
          [withCreds, without, 'h1'],
          [h2With, h2Without, 'h2c'],
        ] as const) {
          if (!w || !wo) continue;
          if (reached(w)) {
            reachedHere++;
            if (wo.status !== 401) leaks.push(`${proto} ${r.method} ${v}: ${wo.status} without credentials`);
          } else if (wo.status < 300 && !wo.type.startsWith('text/html')) {
            leaks.push(`${proto} ${r.method} ${v}: ${wo.status} ${wo.type} without credentials`);
          }
        }
      }
      // the plain path and its percent-encoded spellings must route: else this sweep proves nothing for r
      expect([r.method, r.url, reachedHere > 10]).toEqual([r.method, r.url, true]);
      reachedVariants += reachedHere;
    }
    expect(leaks).toEqual([]);
    expect(reachedVariants).toBeGreaterThan(1000);
    console.log(
      `auth sweep: ${probes} requests, ${reachedVariants} spellings reached a handler with credentials`,
    );
  }, 600_000);
});

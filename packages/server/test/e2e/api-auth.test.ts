// Auth, first run, redaction and malformed bodies over real HTTP (no restic needed for most of it).
import { mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { spawn } from 'node:child_process';
import http2 from 'node:http2';
import net from 'node:net';
import { join } from 'node:path';
import { clone, create, toBinary } from '@bufbuild/protobuf';
import { Code, ConnectError } from '@connectrpc/connect';
import { AuthSchema, Backrest, ConfigSchema, PlanSchema, UserSchema, type Config } from '@restora/proto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '../../src/app.js';
import {
  basicHeader,
  clients,
  curl,
  PASS,
  serve,
  USER,
  waitFor,
  workspace,
  type Workspace,
} from './api-helpers.js';

const codeOf = async (p: Promise<unknown>): Promise<Code | 'ok'> => {
  try {
    await p;
    return 'ok';
  } catch (e) {
    return ConnectError.from(e).code;
  }
};

/** Calls every method of v1.Backrest (from the descriptor) with an empty request; returns the codes. */
async function callEveryMethod(
  c: ReturnType<typeof clients>['backrest'],
): Promise<Record<string, Code | 'ok'>> {
  const out: Record<string, Code | 'ok'> = {};
  for (const m of Backrest.methods) {
    const fn = (c as unknown as Record<string, (req: object) => unknown>)[m.localName];
    if (!fn) throw new Error(`client has no ${m.localName}`);
    if (m.methodKind === 'server_streaming') {
      out[m.name] = await codeOf(
        (async () => {
          for await (const _ of fn.call(c, {}) as AsyncIterable<unknown>) break;
        })(),
      );
    } else out[m.name] = await codeOf(fn.call(c, {}) as Promise<unknown>);
  }
  return out;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer().listen(0, '127.0.0.1', () => {
      const port = (srv.address() as net.AddressInfo).port;
      srv.close(() => resolve(port));
    });
    srv.on('error', reject);
  });
}

const withChanges = (c: Config, changes: Partial<Config>): Config =>
  Object.assign(clone(ConfigSchema, c), changes);

describe('auth over HTTP', () => {
  let ws: Workspace;
  let server: RunningServer;

  beforeAll(async () => {
    ws = workspace('auth');
    // failed credentials are part of these tests: throttling has its own file (api-throttle.test.ts)
    server = await serve(ws, { loginAttemptsPerMinute: 1000 });
  });
  afterAll(async () => {
    await server?.close();
    ws?.cleanup();
  });

  it('first run: only GetConfig and SetConfig (adding a user) work without credentials', async () => {
    const { backrest, auth } = clients(server.url, { binary: true });
    const config = await backrest.getConfig({});
    expect(config.auth?.users ?? []).toHaveLength(0);
    // Backrest's network form: the identity as its key id only
    expect(config.multihost?.identity?.keyid).toMatch(/^ed25519\./);
    expect(config.multihost?.identity?.ed25519priv).toBe('');
    expect(await codeOf(backrest.getOperations({ selector: {} }))).toBe(Code.Unauthenticated);
    // Setup must add a user or disable auth explicitly (that choice: backrest-ui-compat.test.ts).
    const neither = withChanges(config, { instance: 'e2e-host', auth: create(AuthSchema, {}) });
    expect(await codeOf(backrest.setConfig(neither))).toBe(Code.PermissionDenied);
    const hash = (await auth.hashPassword({ value: PASS })).value;
    expect(Buffer.from(hash, 'base64').toString()).toMatch(/^\$2[aby]\$10\$/);
    const next = withChanges(config, {
      instance: 'e2e-host',
      auth: create(AuthSchema, {
        users: [create(UserSchema, { name: USER, password: { case: 'passwordBcrypt', value: hash } })],
      }),
    });
    const saved = await backrest.setConfig(next);
    expect(saved.modno).toBe(config.modno + 1);
    expect(saved.auth?.users[0]?.password.value).toBe('********');
    // The stored identity survived the {keyId} round trip.
    const onDisk = JSON.parse(readFileSync(ws.configFile, 'utf8')) as {
      sync: { identity: { ed25519priv: string } };
    };
    expect(onDisk.sync.identity.ed25519priv).toMatch(/^sealed:|^[A-Za-z0-9+/]{43}/);
    expect(await codeOf(backrest.setConfig(next))).toBe(Code.Unauthenticated);
  });

  it('every v1.Backrest RPC without credentials answers Unauthenticated (JSON, binary, gRPC-Web, gRPC, h2c)', async () => {
    for (const o of [
      { binary: false },
      { binary: true },
      { binary: true, protocol: 'grpc-web' as const },
      { binary: true, protocol: 'grpc' as const },
      { binary: false, http2: true },
      { binary: false, authorization: basicHeader(USER, 'wrong') },
      { binary: true, authorization: 'Bearer not-a-token' },
    ]) {
      const codes = await callEveryMethod(clients(server.url, o).backrest);
      expect(Object.keys(codes)).toHaveLength(Backrest.methods.length);
      for (const [name, code] of Object.entries(codes))
        expect([name, code]).toEqual([name, Code.Unauthenticated]);
    }
    const r = await curl([
      '-X',
      'POST',
      `${server.url}/v1.Backrest/GetConfig`,
      '-H',
      'Content-Type: application/json',
      '--data',
      '{}',
    ]);
    expect(r).toEqual({ status: 401, body: 'Unauthorized (No Authorization Header)' });
    expect((await fetch(`${server.url}/metrics`)).status).toBe(401);
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
  });

  it('Basic and Bearer (from Login) are accepted; HashPassword now needs credentials', async () => {
    const anon = clients(server.url, { binary: false });
    expect(await codeOf(anon.auth.login({ username: USER, password: 'nope' }))).toBe(Code.Unauthenticated);
    const { token } = await anon.auth.login({ username: USER, password: PASS });
    expect(token.split('.')).toHaveLength(3);
    for (const authorization of [basicHeader(), `Bearer ${token}`]) {
      const c = clients(server.url, { binary: true, authorization });
      expect((await c.backrest.getConfig({})).instance).toBe('e2e-host');
      expect((await c.auth.hashPassword({ value: 'x' })).value).not.toBe('');
    }
    expect(await codeOf(anon.auth.hashPassword({ value: 'x' }))).toBe(Code.Unauthenticated);
    const metrics = await fetch(`${server.url}/metrics`, { headers: { authorization: basicHeader() } });
    expect(await metrics.text()).toContain('restora_queue_depth');
    expect(statSync(join(ws.dataDir, 'jwt-secret')).mode & 0o777).toBe(0o600);
  });

  it('one identity for both APIs: a Zerobyte API key calls Connect, a Login token calls REST, cookies only REST', async () => {
    const login = await fetch(`${server.url}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: USER, password: PASS }),
    });
    const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
    const made = await fetch(`${server.url}/api/v1/auth/api-keys`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', cookie },
      body: JSON.stringify({ name: 'both', password: PASS }),
    });
    const { key } = (await made.json()) as { key: string };
    const viaKey = clients(server.url, { binary: false, authorization: `Bearer ${key}` });
    expect((await viaKey.backrest.getConfig({})).instance).toBe('e2e-host');
    const { token } = await clients(server.url, { binary: false }).auth.login({
      username: USER,
      password: PASS,
    });
    const session = await fetch(`${server.url}/api/v1/auth/session`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(await session.json()).toEqual({ user: { username: USER }, authSource: 'bearer-token' });
    // a session cookie is no credential for Connect (no CSRF defence there)
    const withCookie = await fetch(`${server.url}/v1.Backrest/GetConfig`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', cookie },
      body: '{}',
    });
    expect(withCookie.status).toBe(401);
  });

  it('GeneratePairingToken stores a redacted token and bumps modno', async () => {
    const { backrest } = clients(server.url, { binary: true, authorization: basicHeader() });
    const before = await backrest.getConfig({});
    const { token } = await backrest.generatePairingToken({ label: 'laptop', ttlSeconds: 3600n, maxUses: 1 });
    expect(token).toMatch(/^ed25519\.[^:]+:[0-9a-f]{64}#e2e-host$/);
    const after = await backrest.getConfig({});
    expect(after.modno).toBe(before.modno + 1);
    expect(after.multihost?.pairingTokens.map((t) => [t.label, t.secret])).toEqual([['laptop', '********']]);
    // the token's secret is stored, sealed (secrets/): never in plaintext on disk
    const onDisk = readFileSync(ws.configFile, 'utf8');
    expect(onDisk).not.toContain(token.slice(token.indexOf(':') + 1, token.indexOf('#')));
    expect(onDisk).toMatch(/"secret": "sealed:v1:/);
  });

  it('malformed bodies get InvalidArgument, never Internal, for every unary RPC', async () => {
    for (const m of Backrest.methods.filter((x) => x.methodKind === 'unary')) {
      for (const [type, body] of [
        ['application/json', '{not json'],
        ['application/json', '[1,2]'],
        ['application/proto', Buffer.from([0x0a, 0xff, 0xff, 0xff])],
      ] as const) {
        const res = await fetch(`${server.url}/v1.Backrest/${m.name}`, {
          method: 'POST',
          headers: { 'content-type': type, authorization: basicHeader() },
          body,
        });
        const json = (await res.json()) as { code: string; message: string };
        expect([m.name, type, res.status, json.code]).toEqual([m.name, type, 400, 'invalid_argument']);
        expect(json.message).not.toMatch(/\n\s+at /);
      }
    }
  });

  it('malformed gRPC-Web and gRPC bodies get InvalidArgument too', async () => {
    const garbage = Buffer.from([0, 0, 0, 0, 4, 0x0a, 0xff, 0xff, 0xff]);
    for (const m of Backrest.methods.filter((x) => x.methodKind === 'unary')) {
      const res = await fetch(`${server.url}/v1.Backrest/${m.name}`, {
        method: 'POST',
        headers: { 'content-type': 'application/grpc-web+proto', authorization: basicHeader() },
        body: garbage,
      });
      const body = Buffer.from(await res.arrayBuffer()).toString('latin1');
      const status = res.headers.get('grpc-status') ?? /grpc-status: (\d+)/.exec(body)?.[1];
      expect([m.name, status]).toEqual([m.name, String(Code.InvalidArgument)]);
    }
    const session = http2.connect(server.url);
    try {
      const trailers = await new Promise<http2.IncomingHttpHeaders>((resolve, reject) => {
        const req = session.request({
          ':method': 'POST',
          ':path': '/v1.Backrest/GetOperations',
          'content-type': 'application/grpc+proto',
          te: 'trailers',
          authorization: basicHeader(),
        });
        let headers: http2.IncomingHttpHeaders = {};
        req.on('response', (h) => (headers = h));
        req.on('trailers', (t) => resolve(t));
        req.on('end', () => resolve(headers));
        req.on('error', reject);
        req.resume();
        req.end(garbage);
      });
      expect(trailers['grpc-status']).toBe(String(Code.InvalidArgument));
    } finally {
      session.close();
    }
  });

  it('SetConfig: modno mismatch is FailedPrecondition; secrets stay redacted and survive the round trip', async () => {
    const { backrest } = clients(server.url, { binary: false, authorization: basicHeader() });
    const config = await backrest.getConfig({});
    const stale = withChanges(config, { modno: config.modno - 1 });
    const err = await backrest.setConfig(stale).catch((e: unknown) => ConnectError.from(e));
    expect(err).toMatchObject({ code: Code.FailedPrecondition });
    expect((err as ConnectError).rawMessage).toBe('config modno mismatch, reload and try again');
    const bad = withChanges(config, {
      plans: [create(PlanSchema, { id: 'p', repo: 'missing', paths: ['/x'] })],
    });
    expect(await codeOf(backrest.setConfig(bad))).toBe(Code.InvalidArgument);
    // Binary SetConfig with the placeholder keeps the stored hash (login still works).
    const raw = await fetch(`${server.url}/v1.Backrest/SetConfig`, {
      method: 'POST',
      headers: { 'content-type': 'application/proto', authorization: basicHeader() },
      body: toBinary(ConfigSchema, config),
    });
    expect(raw.status).toBe(200);
    const after = clients(server.url, { binary: true, authorization: basicHeader() });
    expect((await after.backrest.getConfig({})).modno).toBe(config.modno + 1);
  });
});

describe('locked-down install', () => {
  let ws: Workspace;
  let server: RunningServer;
  beforeAll(async () => {
    ws = workspace('locked');
    const { writeUserConfig } = await import('./api-helpers.js');
    await writeUserConfig(ws);
    mkdirSync(join(ws.dir, 'web', 'assets'), { recursive: true });
    writeFileSync(join(ws.dir, 'web', 'index.html'), '<html>restora</html>');
    writeFileSync(join(ws.dir, 'web', 'assets', 'app.js'), 'console.log(1)');
    server = await serve(ws, {
      features: { pathAutocomplete: false, runCommand: false, commandHooks: false },
      webDir: join(ws.dir, 'web'),
      loginAttemptsPerMinute: 3,
    });
  });
  afterAll(async () => {
    await server?.close();
    ws?.cleanup();
  });

  it('serves the web UI at / without credentials, never outside its directory', async () => {
    const index = await fetch(`${server.url}/`);
    expect([index.status, index.headers.get('content-type'), await index.text()]).toEqual([
      200,
      'text/html; charset=utf-8',
      '<html>restora</html>',
    ]);
    const js = await fetch(`${server.url}/assets/app.js`);
    expect(js.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(js.headers.get('cache-control')).toContain('immutable');
    expect((await fetch(`${server.url}/assets/missing.js`)).status).toBe(404);
    expect(await (await fetch(`${server.url}/settings`)).text()).toBe('<html>restora</html>');
    const escape = await curl(['--path-as-is', `${server.url}/../config/config.json`]);
    expect(escape.body).not.toContain('passwordBcrypt');
    const escaped = await curl(['--path-as-is', `${server.url}/%2e%2e/config/config.json`]);
    expect(escaped.body).not.toContain('passwordBcrypt');
  });

  it('refuses PathAutocomplete and RunCommand on a locked-down install', async () => {
    const { backrest } = clients(server.url, { binary: true, authorization: basicHeader() });
    expect(await codeOf(backrest.pathAutocomplete({ value: '/' }))).toBe(Code.PermissionDenied);
    expect(await codeOf(backrest.runCommand({ repoId: 'r', command: 'snapshots' }))).toBe(
      Code.PermissionDenied,
    );
  });

  it('SetupSftp creates a key pair and scans the host key into known_hosts (rclone serve sftp)', async () => {
    const { backrest } = clients(server.url, { binary: false, authorization: basicHeader() });
    const port = await freePort();
    const sftp = spawn(
      'rclone',
      [
        'serve',
        'sftp',
        join(ws.dir, 'sftp-root'),
        '--addr',
        `127.0.0.1:${port}`,
        '--user',
        'u',
        '--pass',
        'p',
      ],
      {
        env: {
          ...process.env,
          XDG_CACHE_HOME: join(ws.dir, 'cache'),
          RCLONE_CONFIG: join(ws.dir, 'rclone.conf'),
        },
        stdio: 'ignore',
      },
    );
    try {
      mkdirSync(join(ws.dir, 'sftp-root'), { recursive: true });
      const res = await waitFor(
        'sftp host key',
        async () => {
          const r = await backrest.setupSftp({ host: '127.0.0.1', port: String(port), username: 'u' });
          return r.error ? undefined : r;
        },
        15_000,
      );
      expect(res.publicKey).toMatch(/^ssh-ed25519 /);
      expect(res.keyPath).toBe(join(ws.configFile, '..', '.backrest-ssh', 'id_ed25519'));
      expect(statSync(res.keyPath).mode & 0o777).toBe(0o600);
      expect(readFileSync(res.knownHostsPath, 'utf8')).toContain(`[127.0.0.1]:${port} ssh-ed25519 `);
    } finally {
      sftp.kill();
    }
    const closed = await backrest.setupSftp({ host: '127.0.0.1', port: String(await freePort()) });
    expect(closed.publicKey).toMatch(/^ssh-ed25519 /);
    expect(closed.error).toMatch(/host key scan of 127\.0\.0\.1:\d+ failed/);
    expect(await codeOf(backrest.setupSftp({ host: '-oProxyCommand=x' }))).toBe(Code.InvalidArgument);
  });

  it('answers 429 after repeated failed credentials from one client, even for good ones', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++) {
      const res = await fetch(`${server.url}/metrics`, {
        headers: { authorization: basicHeader(USER, 'bad') },
      });
      statuses.push(res.status);
    }
    expect(statuses).toEqual([401, 401, 401, 429, 429]);
    const good = await fetch(`${server.url}/metrics`, { headers: { authorization: basicHeader() } });
    expect(good.status).toBe(429);
    expect(Number(good.headers.get('retry-after'))).toBeGreaterThan(0);
  });
});

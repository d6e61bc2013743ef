// Table-driven checks over EVERY route of the OpenAPI document, against a real `restora serve`:
// no credentials → 401, malformed JSON / wrong types → 400 naming the field, unknown ids → 404, never a 500.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashPassword } from '../../auth/passwords.js';
import { openApiDocument } from './spec.js';
import { PASSWORD, startHarness, type Harness } from './testing/harness.js';

type Op = { operationId: string; requestBody?: unknown; security?: unknown[] };
const doc = openApiDocument() as { paths: Record<string, Record<string, Op>> };
const routes = Object.entries(doc.paths).flatMap(([p, ops]) =>
  Object.entries(ops).map(([method, op]) => ({ method: method.toUpperCase(), path: p, op })),
);
const PUBLIC = new Set([
  'getAuthStatus',
  'login',
  'betterAuthSignUpEmail',
  'betterAuthSignInUsername',
  'betterAuthSignInEmail',
]);
const UNKNOWN: Record<string, string> = {
  shortId: 'nope1234',
  snapshotId: 'deadbeef',
  taskId: 'no-such-task',
  id: '999999',
  keyId: 'no-such-key',
  mirrorShortId: 'nope5678',
};
const fill = (p: string) => p.replace(/\{(\w+)\}/g, (_m, k: string) => UNKNOWN[k] ?? 'x');
const label = (r: (typeof routes)[number]) => `${r.method} ${r.path}`;

describe('REST conventions over every route', () => {
  let h: Harness;
  let cookie: string;
  beforeAll(async () => {
    h = await startHarness('routes');
    cookie = await h.login();
  });
  afterAll(async () => h?.close());

  it('covers the whole API (sanity: the table is not empty)', () => {
    expect(routes.length).toBeGreaterThanOrEqual(45);
  });

  it.each(routes.filter((r) => !PUBLIC.has(r.op.operationId)).map((r) => [label(r), r] as const))(
    '%s without credentials → 401',
    async (_l, r) => {
      const res = await h.call(r.method, fill(r.path), r.op.requestBody ? { json: {} } : {});
      expect(res.status).toBe(401);
      expect(res.body).toEqual({ message: expect.any(String) });
    },
  );

  it.each(routes.filter((r) => !PUBLIC.has(r.op.operationId)).map((r) => [label(r), r] as const))(
    '%s with a bad API key → 401',
    async (_l, r) => {
      const res = await h.call(r.method, fill(r.path), { headers: { 'x-api-key': 'zb_not-a-key' } });
      expect(res.status).toBe(401);
    },
  );

  it.each(routes.filter((r) => r.op.requestBody).map((r) => [label(r), r] as const))(
    '%s with malformed JSON → 400',
    async (_l, r) => {
      const res = await h.call(r.method, fill(r.path), { cookie, raw: '{"name": "x",' });
      expect(res.status).toBe(400);
      expect((res.body as { message: string }).message).toMatch(/Malformed JSON body/);
    },
  );

  it.each(
    routes
      .filter((r) => r.op.requestBody && !PUBLIC.has(r.op.operationId))
      .map((r) => [label(r), r] as const),
  )('%s with a body of the wrong type → 400 naming it', async (_l, r) => {
    const res = await h.call(r.method, fill(r.path), { cookie, raw: '[1, 2, 3]' });
    expect(res.status).toBe(400);
    expect((res.body as { message: string }).message).toMatch(/^Invalid body: /);
  });

  it.each(
    routes
      .filter((r) => /\{(shortId|snapshotId|taskId|id|keyId|mirrorShortId)\}/.test(r.path))
      .filter((r) => !r.op.requestBody)
      .map((r) => [label(r), r] as const),
  )('%s with an unknown id → 404', async (_l, r) => {
    const res = await h.call(r.method, fill(r.path), { cookie });
    expect(res.status).toBe(404);
    expect(res.body).toEqual({ message: expect.stringMatching(/not found|No doctor/i) });
  });

  it('checks the id before the query: unknown repository → 404, a known one without a pattern → 400 naming it', async () => {
    const r = await h.call('POST', '/api/v1/repositories', {
      cookie,
      json: { name: 'Search', config: { backend: 'local', path: path.join(h.dir, 'search-repo') } },
    });
    expect(r.status).toBe(201);
    const { shortId } = (r.body as { repository: { shortId: string } }).repository;
    const unknown = await h.call('GET', '/api/v1/repositories/nope1234/snapshots/search?pattern=', {
      cookie,
    });
    expect([unknown.status, unknown.body]).toEqual([404, { message: expect.stringMatching(/not found/) }]);
    for (const q of ['', '?pattern=', `?pattern=${'x'.repeat(1025)}`]) {
      const res = await h.call('GET', `/api/v1/repositories/${shortId}/snapshots/search${q}`, { cookie });
      expect([q.slice(0, 12), res.status]).toEqual([q.slice(0, 12), 400]);
      expect((res.body as { message: string }).message).toMatch(/^Invalid query: pattern/);
    }
    const ok = await h.call('GET', `/api/v1/repositories/${shortId}/snapshots/search?pattern=*.txt`, {
      cookie,
    });
    expect(ok.status).toBe(200);
    expect(await h.call('DELETE', `/api/v1/repositories/${shortId}`, { cookie })).toMatchObject({
      status: 200,
    });
  });

  it.each([
    [
      'POST',
      '/api/v1/repositories',
      { name: 42, config: { type: 'local', path: 7 } },
      ['name', 'config.path'],
    ],
    ['POST', '/api/v1/repositories', { name: 'x', config: { type: 'ftp' } }, ['config.backend']],
    [
      'POST',
      '/api/v1/repositories',
      { name: 'x', compressionMode: 'fast', config: { type: 'local', path: '/x' } },
      ['compressionMode'],
    ],
    [
      'POST',
      '/api/v1/repositories',
      { name: 'x', config: { type: 's3', bucket: 'b', accessKeyId: 'k' } },
      ['config.secretAccessKey'],
    ],
    ['POST', '/api/v1/backups', { name: 'n', repositoryId: 'r', cronExpression: 5 }, ['cronExpression']],
    [
      'POST',
      '/api/v1/backups',
      { name: 'n', repositoryId: 'r', cronExpression: '', retentionPolicy: { keepLast: -1 } },
      ['retentionPolicy.keepLast'],
    ],
    [
      'POST',
      '/api/v1/notifications/destinations',
      { name: 'n', config: { type: 'slack', webhookUrl: 'not a url' } },
      ['config.webhookUrl'],
    ],
    ['POST', '/api/v1/auth/login', { username: 'admin' }, ['password']],
    ['PATCH', '/api/v1/repositories/nope1234', { name: '' }, ['name']],
    ['PATCH', '/api/v1/repositories/nope1234', { bogus: true }, ['bogus']],
  ] as const)('%s %s %j → 400 naming %j', async (method, p, json, fields) => {
    const res = await h.call(method, p, { cookie, json });
    expect(res.status).toBe(400);
    for (const f of fields) expect((res.body as { message: string }).message).toContain(f);
  });

  it.each([
    ['/api/v1/tasks/history?page=0', 'page'],
    ['/api/v1/tasks/history?outcome=maybe', 'outcome'],
    ['/api/v1/tasks?resourceType=volume', 'resourceType'],
  ])('GET %s → 400 naming %s', async (p, field) => {
    const res = await h.call('GET', p, { cookie });
    expect(res.status).toBe(400);
    expect((res.body as { message: string }).message).toContain(field);
  });

  it('accepts bodies up to 10 MiB (validated, not refused for size)', async () => {
    const big = JSON.stringify({ name: 'x'.repeat(3 * 1024 * 1024), config: { type: 'local', path: 7 } });
    const res = await h.call('POST', '/api/v1/repositories', { cookie, raw: big });
    expect(res.status).toBe(400);
    expect((res.body as { message: string }).message).toContain('config.path');
  });

  it('refuses a body over 10 MiB with 413', async () => {
    const big = JSON.stringify({
      name: 'x'.repeat(11 * 1024 * 1024),
      config: { type: 'local', path: '/tmp/x' },
    });
    const res = await h.call('POST', '/api/v1/repositories', { cookie, raw: big });
    expect(res.status).toBe(413);
    expect(res.body).toEqual({ message: 'Request body too large' });
  });

  it('answers unknown /api/v1 routes with a JSON 404', async () => {
    const res = await h.call('GET', '/api/v1/volumes-nope', { cookie });
    expect(res.status).toBe(404);
    expect(res.body).toEqual({ message: expect.stringContaining('not found') });
  });

  it('logs in with an httpOnly SameSite cookie, rejects bad passwords, logs out', async () => {
    const bad = await h.call('POST', '/api/v1/auth/login', {
      json: { username: 'admin', password: 'wrong' },
    });
    expect(bad.status).toBe(401);
    const ok = await fetch(`${h.url}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'admin', password: PASSWORD }),
    });
    const setCookie = ok.headers.get('set-cookie') ?? '';
    expect(setCookie).toMatch(/^zerobyte\.session=[\w-]{20,}; Path=\/; HttpOnly; SameSite=Lax/);
    const c = setCookie.split(';')[0]!;
    expect((await h.call('GET', '/api/v1/auth/session', { cookie: c })).body).toEqual({
      user: { username: 'admin' },
      authSource: 'browser-session',
    });
    expect((await h.call('POST', '/api/v1/auth/logout', { cookie: c })).status).toBe(200);
    expect((await h.call('GET', '/api/v1/repositories', { cookie: c })).status).toBe(401);
    expect((await h.call('GET', '/api/v1/auth/status')).body).toEqual({ hasUsers: true });
  });

  it('creates an API key once (hashed at rest), accepts it as x-api-key and Bearer, revokes it', async () => {
    const wrongPw = await h.call('POST', '/api/v1/auth/api-keys', {
      cookie,
      json: { name: 'ci', password: 'nope' },
    });
    expect(wrongPw.status).toBe(401);
    const created = await h.call('POST', '/api/v1/auth/api-keys', {
      cookie,
      json: { name: 'ci', password: PASSWORD },
    });
    expect(created.status).toBe(201);
    const { key, id } = created.body as { key: string; id: string };
    expect(key).toMatch(/^zb_/);
    const db = fs.readFileSync(path.join(h.dir, 'data', 'rest-api.sqlite'));
    expect(db.includes(Buffer.from(key))).toBe(false);
    const list = await h.call('GET', '/api/v1/auth/api-keys', { cookie });
    expect(JSON.stringify(list.body)).not.toContain(key);
    expect((list.body as { apiKeys: { id: string }[] }).apiKeys.map((k) => k.id)).toEqual([id]);

    expect((await h.call('GET', '/api/v1/repositories', { headers: { 'x-api-key': key } })).status).toBe(200);
    expect(
      (await h.call('GET', '/api/v1/repositories', { headers: { authorization: `Bearer ${key}` } })).status,
    ).toBe(200);
    const viaKey = await h.call('GET', '/api/v1/auth/api-keys', { headers: { 'x-api-key': key } });
    expect(viaKey).toMatchObject({ status: 401, body: { message: 'Browser session required' } });

    expect((await h.call('DELETE', `/api/v1/auth/api-keys/${id}`, { cookie })).status).toBe(200);
    expect((await h.call('GET', '/api/v1/repositories', { headers: { 'x-api-key': key } })).status).toBe(401);
  });

  it('serves the committed OpenAPI document and a Scalar reference page with its own script', async () => {
    const spec = await h.call('GET', '/api/v1/openapi.json');
    expect(spec.status).toBe(200);
    const file = path.resolve(
      path.dirname(fileURLToPath(import.meta.url)),
      '../../../openapi/zerobyte-api.json',
    );
    expect(spec.body).toEqual(JSON.parse(fs.readFileSync(file, 'utf8')));
    const docs = await h.call('GET', '/api/v1/docs');
    expect(docs.status).toBe(200);
    expect(docs.headers.get('content-type')).toContain('text/html');
    expect(docs.text).toContain('data-url="/api/v1/openapi.json"');
    // the script comes from this server (offline machines): no external URL anywhere on the page
    expect(docs.text).not.toMatch(/https?:\/\//);
    const srcs = [...docs.text.matchAll(/<script[^>]*\ssrc="([^"]+)"/g)].map((m) => m[1] ?? '');
    expect(srcs).toEqual([expect.stringMatching(/^\/api\/v1\/docs\/scalar\.js\?v=[0-9a-f]+$/)]);

    // public like the page; fetch asks for gzip and inflates it
    const js = await h.call('GET', srcs[0] ?? '');
    expect(js.status).toBe(200);
    expect(js.headers.get('content-type')).toMatch(/^application\/javascript/);
    expect(js.headers.get('cache-control')).toMatch(/max-age=31536000/);
    expect(js.headers.get('content-encoding')).toBe('gzip');
    expect(js.text.length).toBeGreaterThan(100_000);
    expect(js.text).toContain('@scalar/api-reference');
    const plain = await h.call('GET', '/api/v1/docs/scalar.js', {
      headers: { 'accept-encoding': 'identity' },
    });
    expect(plain.status).toBe(200);
    expect(plain.headers.get('content-encoding')).toBeNull();
    expect(plain.text).toBe(js.text);
  });

  it('ends the sessions and API keys of a user removed from the config (Connect SetConfig)', async () => {
    const basic = `Basic ${Buffer.from(`admin:${PASSWORD}`).toString('base64')}`;
    const rpc = async (method: string, body: unknown) => {
      const r = await fetch(`${h.url}/v1.Backrest/${method}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: basic },
        body: JSON.stringify(body),
      });
      expect(r.status, await r.clone().text()).toBe(200);
      return (await r.json()) as { auth: { users: { name: string }[] } };
    };
    const cfg = await rpc('GetConfig', {});
    cfg.auth.users.push({ name: 'bob', passwordBcrypt: await hashPassword('bob-password-1') } as {
      name: string;
    });
    await rpc('SetConfig', cfg);
    const login = await fetch(`${h.url}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'bob', password: 'bob-password-1' }),
    });
    const bob = (login.headers.get('set-cookie') ?? '').split(';')[0]!;
    const key = (
      (
        await h.call('POST', '/api/v1/auth/api-keys', {
          cookie: bob,
          json: { name: 'b', password: 'bob-password-1' },
        })
      ).body as { key: string }
    ).key;
    expect((await h.call('GET', '/api/v1/repositories', { headers: { 'x-api-key': key } })).status).toBe(200);
    const next = await rpc('GetConfig', {});
    next.auth.users = next.auth.users.filter((u) => u.name !== 'bob');
    await rpc('SetConfig', next);
    expect((await h.call('GET', '/api/v1/repositories', { cookie: bob })).status).toBe(401);
    expect((await h.call('GET', '/api/v1/repositories', { headers: { 'x-api-key': key } })).status).toBe(401);
    expect((await h.call('GET', '/api/v1/repositories', { cookie })).status).toBe(200);
  });

  // last: it exhausts the login budget of 127.0.0.1
  it('limits login attempts per client with 429 and Retry-After', async () => {
    let last = 0;
    let retry: string | null = null;
    for (let i = 0; i < 12 && last !== 429; i++) {
      const r = await h.call('POST', '/api/v1/auth/login', {
        json: { username: 'admin', password: 'wrong' },
      });
      last = r.status;
      retry = r.headers.get('retry-after');
    }
    expect(last).toBe(429);
    expect(Number(retry)).toBeGreaterThan(0);
  });
});

import { chmodSync, existsSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { V1, V2, blob, cleanup, raw, serve } from '../../test/helpers.js';
import type { TestServer } from '../../test/helpers.js';

let s: TestServer;
beforeAll(async () => {
  s = await serve();
  expect((await s.req('POST', '/repo/?create=true')).status).toBe(200);
});
afterAll(cleanup);

describe('paths and routing', () => {
  it('/foo is 404, /foo/ is the repo handler, depth > 2 is 404, root repo works', async () => {
    expect((await s.req('GET', '/foo')).status).toBe(404);
    const r = await s.req('GET', '/foo/');
    expect(r.status).toBe(405);
    expect(r.headers.get('allow')).toBe('POST');
    expect((await s.req('DELETE', '/repo/')).status).toBe(405);
    expect((await s.req('GET', '/a/b/c/config')).status).toBe(404);
    expect((await s.req('POST', '/?create=true')).status).toBe(200);
    expect((await s.req('POST', '/config', { body: 'root' })).status).toBe(200);
    expect((await s.req('GET', '/config')).text).toBe('root');
    expect((await s.req('POST', '/a/b/?create=true')).status).toBe(200);
    expect(existsSync(join(s.path, 'a', 'b', 'data', '7f'))).toBe(true);
  });

  it.each([
    '/../config',
    '/./config',
    '//config',
    '/%2e%2e/config',
    '/%2E%2E/%2E%2E/etc/passwd',
    '/..%2f..%2fetc/config',
    '/a%00b/config',
    '/repo/%2e%2e/config',
    '/.htpasswd',
    '/private_key',
    '/repo/data/../../config',
    '/%zz/config',
  ])('never reaches outside --path: %s → 404', async (p) => {
    // Raw request: fetch would normalise dot segments before sending.
    const r = await raw(s.server.port ?? 0, `GET ${p} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`);
    expect(r.split('\r\n')[0]).toBe('HTTP/1.1 404 Not Found');
    expect(r.endsWith('Not Found\n')).toBe(true);
  });

  it('reserved names cannot be repositories', async () => {
    expect((await s.req('POST', '/data/?create=true')).status).toBe(405); // the root repo's data list
    expect(existsSync(join(s.path, 'data', 'data'))).toBe(false);
    expect((await s.req('POST', '/keys/sub/?create=true')).status).toBe(404);
  });

  it('error bodies look like Go http.Error', async () => {
    const r = await s.req('GET', '/nope');
    expect(r.headers.get('content-type')).toBe('text/plain; charset=utf-8');
    expect(r.headers.get('x-content-type-options')).toBe('nosniff');
  });
});

describe('repository lifecycle', () => {
  it('create is idempotent, needs create=true, makes data/00..ff', async () => {
    expect((await s.req('POST', '/life/?create=true')).status).toBe(200);
    expect((await s.req('POST', '/life/?create=true')).status).toBe(200);
    expect((await s.req('POST', '/life2/')).status).toBe(400);
    expect(readdirSync(join(s.path, 'life', 'data'))).toHaveLength(256);
  });

  it('config: 404 before, 500 into a missing repo, 403 twice, delete idempotent', async () => {
    expect((await s.req('HEAD', '/cfg/config')).status).toBe(404);
    expect((await s.req('GET', '/cfg/config')).status).toBe(404);
    expect((await s.req('POST', '/cfg/config', { body: 'x' })).status).toBe(500);
    await s.req('POST', '/cfg/?create=true');
    expect((await s.req('POST', '/cfg/config', { body: 'config-bytes' })).status).toBe(200);
    expect((await s.req('POST', '/cfg/config', { body: 'other' })).status).toBe(403);
    const head = await s.req('HEAD', '/cfg/config');
    expect(head.status).toBe(200);
    expect(head.headers.get('content-length')).toBe('12');
    const get = await s.req('GET', '/cfg/config', { headers: { Range: 'bytes=0-1' } });
    expect([get.status, get.text]).toEqual([200, 'config-bytes']); // config ignores Range
    expect((await s.req('PUT', '/cfg/config')).headers.get('allow')).toBe('HEAD, GET, POST, DELETE');
    expect((await s.req('DELETE', '/cfg/config')).status).toBe(200);
    expect((await s.req('DELETE', '/cfg/config')).status).toBe(200);
    expect((await s.req('HEAD', '/cfg/config')).status).toBe(404);
  });

  it('TestResticErrorHandler: a config that cannot be read (a directory here) → 500, unknown repo → 404', async () => {
    const { mkdirSync } = await import('node:fs');
    await s.req('POST', '/weird/?create=true');
    mkdirSync(join(s.path, 'weird', 'config'));
    expect((await s.req('GET', '/weird/config')).status).toBe(500);
    expect((await s.req('HEAD', '/weird/config')).status).toBe(500);
    expect((await s.req('GET', '/unknown/config')).status).toBe(404);
  });

  it.skipIf(process.getuid?.() === 0)(
    'unreadable config → 500 (skipped as root: root reads anything)',
    async () => {
      await s.req('POST', '/unread/?create=true');
      await s.req('POST', '/unread/config', { body: 'x' });
      chmodSync(join(s.path, 'unread', 'config'), 0);
      expect((await s.req('GET', '/unread/config')).status).toBe(500);
    },
  );
});

describe('objects', () => {
  it('TestResticHandler: POST 200 → GET → DELETE 200 → GET 404 → DELETE 200', async () => {
    const { body, id } = blob(5000);
    expect((await s.req('POST', `/repo/data/${id}`, { body })).status).toBe(200);
    const get = await s.req('GET', `/repo/data/${id}`);
    expect(get.body.equals(body)).toBe(true);
    expect(get.headers.get('last-modified')).toBeNull();
    expect((await s.req('DELETE', `/repo/data/${id}`)).status).toBe(200);
    expect((await s.req('GET', `/repo/data/${id}`)).status).toBe(404);
    expect((await s.req('HEAD', `/repo/data/${id}`)).status).toBe(404);
    expect((await s.req('DELETE', `/repo/data/${id}`)).status).toBe(200);
  });

  it.each(['data', 'keys', 'locks', 'snapshots', 'index'])(
    'verifies the hash of %s uploads',
    async (type) => {
      const { body, id } = blob(100);
      const wrong = blob(1).id;
      const r = await s.req('POST', `/repo/${type}/${wrong}`, { body });
      expect(r.status).toBe(400);
      expect((await s.req('HEAD', `/repo/${type}/${wrong}`)).status).toBe(404);
      expect((await s.req('POST', `/repo/${type}/${id}`, { body })).status).toBe(200);
      expect((await s.req('POST', `/repo/${type}/${id}`, { body })).status).toBe(403);
    },
  );

  it('verifies streamed uploads (hashed off the event loop) and leaves no temp file on a mismatch', async () => {
    const { body, id } = blob(3_000_000); // above the small-body limit: the streamed path
    const wrong = blob(1).id;
    expect((await s.req('POST', `/repo/data/${wrong}`, { body })).status).toBe(400);
    expect(readdirSync(join(s.path, 'repo', 'data', wrong.slice(0, 2)))).toEqual([]);
    const uploads = [blob(2_000_000), blob(1_500_000), { body, id }];
    const statuses = await Promise.all(
      uploads.map((u) => s.req('POST', `/repo/data/${u.id}`, { body: u.body })),
    );
    expect(statuses.map((r) => r.status)).toEqual([200, 200, 200]);
    for (const u of uploads)
      expect((await s.req('GET', `/repo/data/${u.id}`)).body.equals(u.body)).toBe(true);
  });

  it('uploads into a repo whose data/xx or whole directory is missing', async () => {
    const { body, id } = blob();
    expect((await s.req('POST', `/never-created/data/${id}`, { body })).status).toBe(200);
    expect(existsSync(join(s.path, 'never-created', 'data', id.slice(0, 2), id))).toBe(true);
  });

  it('HEAD length, ranges 206 with exact lengths, 416', async () => {
    const { body, id } = blob(10_000);
    await s.req('POST', `/repo/data/${id}`, { body });
    const head = await s.req('HEAD', `/repo/data/${id}`);
    expect(head.headers.get('content-length')).toBe('10000');
    const open = await s.req('GET', `/repo/data/${id}`, { headers: { Range: 'bytes=9000-' } });
    expect(open.status).toBe(206);
    expect(open.headers.get('content-length')).toBe('1000');
    expect(open.headers.get('content-range')).toBe('bytes 9000-9999/10000');
    expect(open.body.equals(body.subarray(9000))).toBe(true);
    const mid = await s.req('GET', `/repo/data/${id}`, { headers: { Range: 'bytes=10-19' } });
    expect([mid.status, mid.body.length]).toEqual([206, 10]);
    expect(mid.body.equals(body.subarray(10, 20))).toBe(true);
    const bad = await s.req('GET', `/repo/data/${id}`, { headers: { Range: 'bytes=10000-' } });
    expect(bad.status).toBe(416);
    expect(bad.headers.get('content-range')).toBe('bytes */10000');
  });

  it('non-hex, upper-case and 63-char ids are 404; wrong methods 405 with Allow', async () => {
    for (const id of ['A'.repeat(64), 'a'.repeat(63), 'z'.repeat(64), 'a'.repeat(65)]) {
      expect((await s.req('GET', `/repo/data/${id}`)).status).toBe(404);
    }
    const r = await s.req('PUT', `/repo/data/${'a'.repeat(64)}`, { body: 'x' });
    expect([r.status, r.headers.get('allow')]).toEqual([405, 'HEAD, GET, POST, DELETE']);
    const l = await s.req('POST', '/repo/data/');
    expect([l.status, l.headers.get('allow')]).toEqual([405, 'GET']);
  });
});

describe('listing', () => {
  it('TestEmptyList: v1 and v2 of empty data/ are []', async () => {
    await s.req('POST', '/empty/?create=true');
    const v1 = await s.req('GET', '/empty/data/');
    expect([v1.text, v1.headers.get('content-type')]).toEqual(['[]', V1]);
    const v2 = await s.req('GET', '/empty/data/', { headers: { Accept: V2 } });
    expect([v2.text, v2.headers.get('content-type')]).toEqual(['[]', V2]);
  });

  it('v2 gives {name,size}, other Accept gives names; stray files ignored', async () => {
    await s.req('POST', '/list/?create=true');
    const a = blob(10);
    const b = blob(20);
    await s.req('POST', `/list/data/${a.id}`, { body: a.body });
    await s.req('POST', `/list/data/${b.id}`, { body: b.body });
    writeFileSync(join(s.path, 'list', 'data', 'stray'), 'x');
    const v2 = JSON.parse((await s.req('GET', '/list/data/', { headers: { Accept: V2 } })).text) as unknown[];
    expect(v2).toHaveLength(2);
    expect(v2).toContainEqual({ name: a.id, size: 10 });
    const v1 = await s.req('GET', '/list/data/', { headers: { Accept: 'application/json' } });
    expect((JSON.parse(v1.text) as string[]).sort()).toEqual([a.id, b.id].sort());
    expect(v1.headers.get('content-type')).toBe(V1);
  });

  it('missing type folder of an existing repo lists as [] (restic 0.14 would retry a 404); unknown repo 404', async () => {
    await s.req('POST', '/nolocks/?create=true');
    const { rmSync } = await import('node:fs');
    rmSync(join(s.path, 'nolocks', 'locks'), { recursive: true });
    expect((await s.req('GET', '/nolocks/locks/')).text).toBe('[]');
    expect((await s.req('GET', '/unknown-repo/locks/')).status).toBe(404);
  });

  it('streams a big listing completely', async () => {
    await s.req('POST', '/big/?create=true');
    const ids: string[] = [];
    for (let i = 0; i < 3000; i++) {
      const { body, id } = blob(8);
      ids.push(id);
      writeFileSync(join(s.path, 'big', 'data', id.slice(0, 2), id), body);
    }
    const r = await s.req('GET', '/big/data/', { headers: { Accept: V2 } });
    const names = (JSON.parse(r.text) as { name: string }[]).map((e) => e.name).sort();
    expect(names).toEqual(ids.sort());
  });
});

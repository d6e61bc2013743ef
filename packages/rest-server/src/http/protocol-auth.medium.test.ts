import { createHash } from 'node:crypto';
import { utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import bcrypt from 'bcryptjs';
import { afterAll, describe, expect, it } from 'vitest';
import { basic, blob, cleanup, serve, tmp } from '../../test/helpers.js';
import { startRestServer } from '../server.js';

afterAll(cleanup);
const sha = (p: string): string => '{SHA}' + createHash('sha1').update(p).digest('base64');

function htpasswd(lines: string[]): string {
  const f = join(tmp(), '.htpasswd');
  writeFileSync(f, lines.join('\n') + '\n');
  return f;
}

describe('basic authentication', () => {
  it('401 Unauthorized\\n without or with wrong credentials; bcrypt, {SHA} and apr1 users get in', async () => {
    const file = htpasswd([
      `bob:${bcrypt.hashSync('bobpw', 5).replace('$2b$', '$2y$')}`,
      `sue:${sha('suepw')}`,
      'ann:$apr1$abcdefgh$h9FWgUz3n9YxylKLlR5SQ/',
    ]);
    const s = await serve({ htpasswdFile: file });
    const none = await s.req('POST', '/r/?create=true');
    expect([none.status, none.text]).toEqual([401, 'Unauthorized\n']);
    expect((await s.req('POST', '/r/?create=true', { headers: basic('bob', 'nope') })).status).toBe(401);
    expect((await s.req('POST', '/r/?create=true', { headers: basic('nobody', 'x') })).status).toBe(401);
    for (const [u, p] of [
      ['bob', 'bobpw'],
      ['sue', 'suepw'],
      ['ann', 'secret'],
    ] as const) {
      expect((await s.req('POST', '/r/?create=true', { headers: basic(u, p) })).status).toBe(200);
    }
    expect(s.logs).toContain(`Loaded htpasswd file ${file}`);
  });

  it('missing htpasswd refuses to start, unless --no-auth or proxy auth; default <path>/.htpasswd', async () => {
    const path = tmp();
    await expect(startRestServer({ path, logger: () => undefined })).rejects.toThrow(
      `cannot load ${join(path, '.htpasswd')} (use --no-auth to disable)`,
    );
    writeFileSync(join(path, '.htpasswd'), `u:${sha('p')}\n`);
    const s = await serve({ path, htpasswdFile: undefined, noAuth: false });
    expect((await s.req('POST', '/x/?create=true', { headers: basic('u', 'p') })).status).toBe(200);
    await serve({ path: tmp(), proxyAuthUsername: 'X-Forwarded-User' });
  });

  it('picks up htpasswd changes and SIGHUP-style reloads', async () => {
    const file = htpasswd([`a:${sha('1')}`]);
    const s = await serve({ htpasswdFile: file, htpasswdCheckIntervalMs: 0 });
    expect((await s.req('POST', '/r/?create=true', { headers: basic('a', '1') })).status).toBe(200);
    writeFileSync(file, `a:${sha('2')}\n`);
    utimesSync(file, new Date(), new Date(Date.now() + 10_000));
    expect((await s.req('POST', '/r/?create=true', { headers: basic('a', '1') })).status).toBe(401);
    expect((await s.req('POST', '/r/?create=true', { headers: basic('a', '2') })).status).toBe(200);
    const slow = await serve({ htpasswdFile: file });
    writeFileSync(file, `a:${sha('3')}\n`);
    expect((await slow.req('POST', '/r/?create=true', { headers: basic('a', '3') })).status).toBe(401);
    slow.server.reloadHtpasswd();
    expect((await slow.req('POST', '/r/?create=true', { headers: basic('a', '3') })).status).toBe(200);
  });
});

describe('proxy authentication (TestCheckAuth)', () => {
  it('trusts the header, 401 when empty or missing; Basic is not used', async () => {
    const s = await serve({ proxyAuthUsername: 'X-Forwarded-User', privateRepos: true });
    expect(
      (await s.req('POST', '/alice/?create=true', { headers: { 'X-Forwarded-User': 'alice' } })).status,
    ).toBe(200);
    expect((await s.req('POST', '/alice/?create=true', { headers: { 'X-Forwarded-User': '' } })).status).toBe(
      401,
    );
    expect((await s.req('POST', '/alice/?create=true', { headers: basic('alice', 'x') })).status).toBe(401);
    expect(
      (await s.req('POST', '/alice/?create=true', { headers: { 'X-Forwarded-User': 'bob' } })).status,
    ).toBe(401);
  });

  it('a proxy header sent while proxy auth is off is ignored', async () => {
    const s = await serve({ htpasswdFile: htpasswd([`u:${sha('p')}`]) });
    expect((await s.req('POST', '/u/?create=true', { headers: { 'X-Forwarded-User': 'u' } })).status).toBe(
      401,
    );
  });
});

describe('private repositories', () => {
  it('user foo may use /foo/ and /foo/sub/; /, /bar/, /foobar/ → 401', async () => {
    const s = await serve({ htpasswdFile: htpasswd([`foo:${sha('pw')}`]), privateRepos: true });
    const h = basic('foo', 'pw');
    expect((await s.req('POST', '/foo/?create=true', { headers: h })).status).toBe(200);
    expect((await s.req('POST', '/foo/sub/?create=true', { headers: h })).status).toBe(200);
    for (const p of ['/?create=true', '/bar/?create=true', '/foobar/?create=true']) {
      expect((await s.req('POST', p, { headers: h })).status).toBe(401);
    }
    expect((await s.req('GET', '/config', { headers: h })).status).toBe(401);
  });

  it('--no-auth + --private-repos: no restriction', async () => {
    const s = await serve({ noAuth: true, privateRepos: true });
    expect((await s.req('POST', '/anyone/?create=true')).status).toBe(200);
  });
});

describe('metrics', () => {
  const line = (text: string, metric: string, labels: string): number => {
    const m = new RegExp(`^${metric}\\{${labels}\\} (\\d+)$`, 'm').exec(text);
    return m ? Number(m[1]) : 0;
  };

  it('/metrics is 404 without --prometheus', async () => {
    const s = await serve();
    expect((await s.req('GET', '/metrics')).status).toBe(404);
  });

  it('counts writes, reads and deletes per user/repo/type; config is not counted', async () => {
    const s = await serve({ prometheus: true, prometheusNoAuth: true });
    await s.req('POST', '/a/b/?create=true');
    await s.req('POST', '/a/b/config', { body: 'cfg' });
    const { body, id } = blob(1234);
    await s.req('POST', `/a/b/data/${id}`, { body });
    await s.req('GET', `/a/b/data/${id}`);
    await s.req('GET', `/a/b/data/${id}`, { headers: { Range: 'bytes=0-99' } });
    await s.req('DELETE', `/a/b/data/${id}`);
    const text = (await s.req('GET', '/metrics')).text;
    const l = 'user="",repo="a/b",type="data"';
    expect(line(text, 'rest_server_blob_write_total', l)).toBe(1);
    expect(line(text, 'rest_server_blob_write_bytes_total', l)).toBe(1234);
    expect(line(text, 'rest_server_blob_read_total', l)).toBe(2);
    expect(line(text, 'rest_server_blob_read_bytes_total', l)).toBe(1334);
    expect(line(text, 'rest_server_blob_delete_total', l)).toBe(1);
    expect(line(text, 'rest_server_blob_delete_bytes_total', l)).toBe(1234);
    expect(text).not.toContain('type="config"');
  });

  it('needs auth unless --prometheus-no-auth; with --private-repos only user metrics', async () => {
    const file = htpasswd([`metrics:${sha('m')}`, `foo:${sha('f')}`]);
    const s = await serve({ htpasswdFile: file, prometheus: true });
    expect((await s.req('GET', '/metrics')).status).toBe(401);
    expect((await s.req('GET', '/metrics', { headers: basic('foo', 'f') })).status).toBe(200);
    const p = await serve({ htpasswdFile: file, prometheus: true, privateRepos: true });
    expect((await p.req('GET', '/metrics', { headers: basic('foo', 'f') })).status).toBe(401);
    expect((await p.req('GET', '/metrics', { headers: basic('metrics', 'm') })).status).toBe(200);
    const n = await serve({ noAuth: true, prometheus: true, privateRepos: true });
    expect((await n.req('GET', '/metrics')).status).toBe(401);
  });
});

// --tls over HTTP/2 (ALPN h2): the REST protocol through node:http2's compat API, on 127.0.0.1 port 0.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { h2Connect, h2Request } from '../test/tls-clients.js';
import {
  V2,
  basic,
  blob,
  cleanup,
  filesUnder,
  tlsFixture,
  sha256,
  tmp,
  watchWrites,
} from '../test/helpers.js';
import { FsStore } from './storage/fs-store.js';
import { IncompleteBodyError } from './storage/errors.js';

afterAll(cleanup);
const { ca, serve: tlsServe } = tlsFixture();

describe('--tls serves HTTP/2 (ALPN h2)', () => {
  it('create, upload 200, re-upload 403, wrong hash 400, Range 206, HEAD, v2 list, DELETE, metrics', async () => {
    const log = join(tmp(), 'access.log');
    const s = await tlsServe({ log, prometheus: true, prometheusNoAuth: true });
    const h2 = await h2Connect(s.server.url, { ca });
    expect(h2.alpnProtocol).toBe('h2');
    const req = (m: string, p: string, init?: Parameters<typeof h2Request>[3]) => h2Request(h2, m, p, init);

    expect((await req('POST', '/r/?create=true')).status).toBe(200);
    const big = blob(400_000); // above the small-body limit: the streaming upload path
    const small = blob(1000);
    for (const b of [big, small]) {
      expect((await req('POST', `/r/data/${b.id}`, { body: b.body })).status).toBe(200);
      expect((await req('POST', `/r/data/${b.id}`, { body: b.body })).status).toBe(403);
    }
    for (const n of [1000, 400_000]) {
      const wrongId = sha256(`not the body ${n}`);
      const wrong = await req('POST', `/r/data/${wrongId}`, { body: blob(n).body });
      expect([wrong.status, wrong.text]).toEqual([400, 'Bad Request\n']);
    }
    expect(filesUnder(join(s.path, 'r', 'data')).sort()).toEqual([big.id, small.id].sort());

    const part = await req('GET', `/r/data/${big.id}`, { headers: { range: 'bytes=100-199' } });
    expect([part.status, part.headers['content-range']]).toEqual([206, 'bytes 100-199/400000']);
    expect(part.body.equals(big.body.subarray(100, 200))).toBe(true);
    expect((await req('GET', `/r/data/${big.id}`)).body.equals(big.body)).toBe(true);
    const head = await req('HEAD', `/r/data/${small.id}`);
    expect([head.status, head.headers['content-length'], head.body.length]).toEqual([200, '1000', 0]);

    const list = await req('GET', '/r/data/', { headers: { accept: V2 } });
    expect(list.headers['content-type']).toBe(V2);
    expect(JSON.parse(list.text)).toEqual(
      expect.arrayContaining([
        { name: big.id, size: 400_000 },
        { name: small.id, size: 1000 },
      ]),
    );
    expect((await req('DELETE', `/r/data/${small.id}`)).status).toBe(200);
    expect((await req('GET', `/r/data/${small.id}`)).status).toBe(404);
    expect((await req('GET', '/metrics')).text).toMatch(/^rest_server_blob_write_total\{.*\} 2$/m);

    h2.close();
    await s.server.close();
    const lines = readFileSync(log, 'utf8').trim().split('\n');
    expect(lines).toHaveLength(14);
    for (const line of lines)
      expect(line).toMatch(/^127\.0\.0\.1 - - \[[^\]]+\] "[A-Z]+ \/\S* HTTP\/2\.0" \d{3} \d+ /);
  });

  it('basic auth with htpasswd: 401 without or with wrong credentials, then in', async () => {
    const file = join(tmp(), '.htpasswd');
    writeFileSync(file, `alice:{SHA}${createHash('sha1').update('alice-pw').digest('base64')}\n`);
    const s = await tlsServe({ htpasswdFile: file });
    const h2 = await h2Connect(s.server.url, { ca });
    const create = (headers?: Record<string, string>) =>
      h2Request(h2, 'POST', '/a/?create=true', { headers });
    const none = await create();
    expect([none.status, none.text]).toEqual([401, 'Unauthorized\n']);
    expect((await create(basic('alice', 'wrong'))).status).toBe(401);
    expect((await create(basic('alice', 'alice-pw'))).status).toBe(200);
    const { body, id } = blob();
    const auth = { headers: basic('alice', 'alice-pw') };
    expect((await h2Request(h2, 'POST', `/a/keys/${id}`, { body, ...auth })).status).toBe(200);
    expect((await h2Request(h2, 'GET', `/a/keys/${id}`)).status).toBe(401);
    expect((await h2Request(h2, 'GET', `/a/keys/${id}`, auth)).body.equals(body)).toBe(true);
    h2.close();
  });

  it('announces Go-like HTTP/2 limits and serves parallel uploads and downloads on one connection', async () => {
    const s = await tlsServe();
    const h2 = await h2Connect(s.server.url, { ca });
    expect((await h2Request(h2, 'POST', '/p/?create=true')).status).toBe(200);
    expect(h2.remoteSettings).toMatchObject({ maxConcurrentStreams: 250, initialWindowSize: 1 << 20 });
    expect(h2.state.remoteWindowSize).toBe(8 << 20); // the connection window, beyond HTTP/2's 64 KiB default
    const blobs = Array.from({ length: 6 }, () => blob(3_000_000));
    const ups = await Promise.all(
      blobs.map((b) => h2Request(h2, 'POST', `/p/data/${b.id}`, { body: b.body })),
    );
    expect(ups.map((r) => r.status)).toEqual(blobs.map(() => 200));
    const downs = await Promise.all(blobs.map((b) => h2Request(h2, 'GET', `/p/data/${b.id}`)));
    expect(downs.map((r, i) => r.body.equals(blobs[i]?.body ?? Buffer.alloc(0)))).toEqual(
      blobs.map(() => true),
    );
    h2.close();
  });

  it('an HTTP/2 upload reset before its end stores nothing, logs nothing, and the connection goes on', async () => {
    const path = tmp();
    const log = join(tmp(), 'access.log');
    // No hash check and no Content-Length: only the reset tells the server that the body is incomplete.
    const w = watchWrites(new FsStore(path));
    const s = await tlsServe({ path, store: w.store, noVerifyUpload: true, log });
    const h2 = await h2Connect(s.server.url, { ca });
    expect((await h2Request(h2, 'POST', '/r/?create=true')).status).toBe(200);
    const { body, id } = blob(600_000);
    for (const target of ['/r/config', `/r/data/${id}`]) {
      const started = w.nextWrite();
      const stream = h2.request({ ':method': 'POST', ':path': target });
      stream.on('error', () => undefined);
      stream.write(body.subarray(0, 300_000));
      const write = await started;
      stream.destroy(); // RST_STREAM (CANCEL) without END_STREAM, like a cancelled Go request
      await expect(write.result).rejects.toBeInstanceOf(IncompleteBodyError);
    }
    expect(existsSync(join(path, 'r', 'config'))).toBe(false);
    expect(filesUnder(join(path, 'r', 'data'))).toEqual([]);
    expect((await h2Request(h2, 'POST', `/r/data/${id}`, { body })).status).toBe(200);
    h2.close();
    await s.server.close();
    const lines = readFileSync(log, 'utf8').trim().split('\n');
    expect(lines.map((l) => / "(\w+ \S+)/.exec(l)?.[1])).toEqual([
      'POST /r/?create=true',
      `POST /r/data/${id}`,
    ]);
  });
});

import { readdirSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import type { Socket } from 'node:net';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { blob, cleanup, raw, serve, sha256, tmp } from '../../test/helpers.js';
import { MemoryStore } from '../storage/memory-store.js';

afterAll(cleanup);

const tempFiles = (dir: string): string[] => readdirSync(dir).filter((n) => n.includes('rest-server-temp'));
async function until(cond: () => boolean): Promise<void> {
  for (let i = 0; i < 100 && !cond(); i++) await new Promise((r) => setTimeout(r, 20));
}

describe('append-only (TestResticAppendOnlyHandler)', () => {
  it.each(['/', '/parent1/sub1/', '/parent1/', '/parent2/'])('repo %s', async (repo) => {
    const s = await serve({ appendOnly: true });
    expect((await s.req('POST', `${repo}?create=true`)).status).toBe(200);
    const { body, id } = blob(200);
    for (const p of [`${repo}config`, `${repo}data/${id}`]) {
      expect((await s.req('GET', p)).status).toBe(404);
      if (p.includes('/data/')) expect((await s.req('POST', p, { body: 'broken' })).status).toBe(400);
      expect((await s.req('POST', p, { body })).status).toBe(200);
      expect((await s.req('GET', p)).body.equals(body)).toBe(true);
      expect((await s.req('POST', p, { body })).status).toBe(403);
      expect((await s.req('DELETE', p)).status).toBe(403);
      expect((await s.req('GET', p)).body.equals(body)).toBe(true);
    }
    const lock = blob(50);
    expect((await s.req('POST', `${repo}locks/${lock.id}`, { body: lock.body })).status).toBe(200);
    expect((await s.req('DELETE', `${repo}locks/${lock.id}`)).status).toBe(200);
    expect((await s.req('GET', `${repo}locks/${lock.id}`)).status).toBe(404);
  });
});

describe('uploads that go wrong', () => {
  // A streamed upload (larger than SMALL_BODY_MAX) has its temp file while the body arrives, as in rest-server.
  it('TestAbortedRequest: stalled A, successful B, A fails → B intact, no temp files', async () => {
    const s = await serve();
    await s.req('POST', '/r/?create=true');
    const { body, id } = blob(300_000);
    const dir = join(s.path, 'r', 'data', id.slice(0, 2));
    const a = await stalledUpload(s.server.port ?? 0, id, body);
    await until(() => tempFiles(dir).length === 1);
    expect(tempFiles(dir)).toHaveLength(1);
    expect(readdirSync(dir).includes(id)).toBe(false); // nothing visible while A is in flight
    expect((await s.req('POST', `/r/data/${id}`, { body })).status).toBe(200);
    a.destroy();
    await until(() => tempFiles(dir).length === 0);
    expect(tempFiles(dir)).toEqual([]);
    expect((await s.req('GET', `/r/data/${id}`)).body.equals(body)).toBe(true);
  });

  // A small upload is read into memory first and committed in one step: while it stalls, nothing is on disk.
  it('TestAbortedRequest with a small object: nothing on disk while A stalls, B intact', async () => {
    const s = await serve();
    await s.req('POST', '/r/?create=true');
    const { body, id } = blob(100_000);
    const dir = join(s.path, 'r', 'data', id.slice(0, 2));
    const a = await stalledUpload(s.server.port ?? 0, id, body);
    expect((await s.req('HEAD', `/r/data/${id}`)).status).toBe(404); // A's headers and part are in
    expect(readdirSync(dir)).toEqual([]);
    expect((await s.req('POST', `/r/data/${id}`, { body })).status).toBe(200);
    a.destroy();
    await new Promise((r) => a.once('close', r));
    expect(readdirSync(dir)).toEqual([id]);
    expect((await s.req('GET', `/r/data/${id}`)).body.equals(body)).toBe(true);
  });

  it('truncated body (Content-Length larger than body) → 400 or cut, nothing stored', async () => {
    const s = await serve();
    await s.req('POST', '/r/?create=true');
    const { body, id } = blob(1000);
    const out = await raw(
      s.server.port ?? 0,
      Buffer.concat([
        Buffer.from(`POST /r/data/${id} HTTP/1.1\r\nHost: x\r\nContent-Length: 2000\r\n\r\n`),
        body,
      ]),
      { end: true },
    );
    expect(out === '' || out.startsWith('HTTP/1.1 400')).toBe(true);
    const dir = join(s.path, 'r', 'data', id.slice(0, 2));
    await until(() => tempFiles(dir).length === 0);
    expect(readdirSync(dir)).toEqual([]);
    expect((await s.req('HEAD', `/r/data/${id}`)).status).toBe(404);
  });

  it('bad Content-Length → 400', async () => {
    const s = await serve();
    const id = 'a'.repeat(64);
    const out = await raw(
      s.server.port ?? 0,
      `POST /r/data/${id} HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n`,
    );
    expect(out.startsWith('HTTP/1.1 400')).toBe(true);
  });

  it('--no-verify-upload stores a body whose name does not match', async () => {
    const s = await serve({ noVerifyUpload: true });
    await s.req('POST', '/r/?create=true');
    const id = sha256('something else');
    expect((await s.req('POST', `/r/keys/${id}`, { body: 'content' })).status).toBe(200);
    expect((await s.req('GET', `/r/keys/${id}`)).text).toBe('content');
  });

  it('a full device (ENOSPC) → 507 and nothing stored', async () => {
    const s = await serve({ store: new MemoryStore({ capacity: 1000 }) });
    await s.req('POST', '/r/?create=true');
    const { body, id } = blob(2000);
    expect((await s.req('POST', `/r/data/${id}`, { body })).status).toBe(507);
    expect((await s.req('HEAD', `/r/data/${id}`)).status).toBe(404);
  });
});

describe('quota (--max-size)', () => {
  it('sums existing files, refuses by Content-Length (507), needs a length (411), frees on delete and failure', async () => {
    const path = tmp();
    writeFileSync(join(path, 'existing'), Buffer.alloc(1000));
    const s = await serve({ path, maxSize: 5000 });
    expect(s.logs).toContain('Quota initialized, currently using 0.00 GiB');
    expect(s.server.quota?.usage).toBe(1000);
    await s.req('POST', '/q/?create=true');
    const big = blob(4001);
    expect((await s.req('POST', `/q/data/${big.id}`, { body: big.body })).status).toBe(507);
    expect((await s.req('HEAD', `/q/data/${big.id}`)).status).toBe(404);
    const wrong = blob(100);
    expect((await s.req('POST', `/q/data/${blob(1).id}`, { body: wrong.body })).status).toBe(400);
    expect(s.server.quota?.usage).toBe(1000);
    const ok = blob(3000);
    expect((await s.req('POST', `/q/data/${ok.id}`, { body: ok.body })).status).toBe(200);
    expect(s.server.quota?.usage).toBe(4000);
    const more = blob(1500);
    expect((await s.req('POST', `/q/data/${more.id}`, { body: more.body })).status).toBe(507);
    expect((await s.req('DELETE', `/q/data/${ok.id}`)).status).toBe(200);
    expect(s.server.quota?.usage).toBe(1000);
    expect((await s.req('POST', `/q/data/${more.id}`, { body: more.body })).status).toBe(200);
    const chunked = await raw(
      s.server.port ?? 0,
      `POST /q/data/${sha256('c')} HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n1\r\nc\r\n0\r\n\r\n`,
    );
    expect(chunked.startsWith('HTTP/1.1 411')).toBe(true);
  });
});

/** Opens a raw upload of `body` to data/`id` and sends only its first 30,000 bytes. */
async function stalledUpload(port: number, id: string, body: Buffer): Promise<Socket> {
  const a = connect(port, '127.0.0.1');
  await new Promise((r) => a.once('connect', r));
  a.write(`POST /r/data/${id} HTTP/1.1\r\nHost: x\r\nContent-Length: ${body.length}\r\n\r\n`);
  a.write(body.subarray(0, 30_000));
  return a;
}

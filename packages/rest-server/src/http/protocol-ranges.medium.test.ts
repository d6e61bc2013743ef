// GET with Range like Go's http.ServeContent (rest-server's getBlob): multipart/byteranges, 416s, metrics.
import { randomBytes } from 'node:crypto';
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MemoryStore } from '../storage/memory-store.js';
import { cleanup, raw, serve, sha256 } from '../../test/helpers.js';
import type { Resp, TestServer } from '../../test/helpers.js';

interface Part {
  headers: Record<string, string>;
  data: Buffer;
}

/** Strict multipart/byteranges reader: each part's length comes from its Content-Range, never from scanning. */
function parseByteranges(r: Resp): Part[] {
  const m = /^multipart\/byteranges; boundary=([0-9a-f]{60})$/.exec(r.headers.get('content-type') ?? '');
  if (!m) throw new Error(`not multipart: ${r.headers.get('content-type')}`);
  const delim = `--${m[1]}`;
  const b = r.body;
  const parts: Part[] = [];
  let pos = 0;
  for (;;) {
    const lead = parts.length === 0 ? '' : '\r\n';
    expect(b.toString('latin1', pos, pos + lead.length + delim.length)).toBe(lead + delim);
    pos += lead.length + delim.length;
    if (b.toString('latin1', pos, pos + 4) === '--\r\n') {
      expect(pos + 4).toBe(b.length);
      return parts;
    }
    expect(b.toString('latin1', pos, pos + 2)).toBe('\r\n');
    const headEnd = b.indexOf('\r\n\r\n', pos);
    const headers: Record<string, string> = {};
    for (const line of b.toString('latin1', pos + 2, headEnd).split('\r\n')) {
      const i = line.indexOf(': ');
      headers[line.slice(0, i)] = line.slice(i + 2);
    }
    const cr = /^bytes (\d+)-(\d+)\/\d+$/.exec(headers['Content-Range'] ?? '');
    if (!cr) throw new Error(`bad part Content-Range ${headers['Content-Range']}`);
    const len = Number(cr[2]) - Number(cr[1]) + 1;
    pos = headEnd + 4;
    parts.push({ headers, data: b.subarray(pos, pos + len) });
    pos += len;
  }
}

const part = (start: number, end: number, size: number): Record<string, string> => ({
  'Content-Range': `bytes ${start}-${end}/${size}`,
  'Content-Type': 'application/octet-stream',
});

afterAll(cleanup);

describe.each([
  ['FsStore', () => serve()],
  ['MemoryStore', () => serve({ store: new MemoryStore() })],
])('multiple ranges (%s)', (_name, start) => {
  let s: TestServer;
  const body = randomBytes(3 * 1024 * 1024); // parts span several 1 MiB read chunks
  const url = `/repo/data/${sha256(body)}`;
  beforeAll(async () => {
    s = await start();
    await s.req('POST', '/repo/?create=true');
    expect((await s.req('POST', url, { body })).status).toBe(200);
  });

  it('2 ranges: 206 multipart/byteranges, each part with its Content-Range and Content-Type', async () => {
    const r = await s.req('GET', url, { headers: { Range: 'bytes=0-99,3000000-3000199' } });
    expect(r.status).toBe(206);
    expect(r.headers.get('accept-ranges')).toBe('bytes');
    expect(r.headers.get('content-range')).toBeNull();
    expect(Number(r.headers.get('content-length'))).toBe(r.body.length);
    const parts = parseByteranges(r);
    expect(parts.map((p) => p.headers)).toEqual([
      part(0, 99, body.length),
      part(3000000, 3000199, body.length),
    ]);
    expect(parts[0]?.data.equals(body.subarray(0, 100))).toBe(true);
    expect(parts[1]?.data.equals(body.subarray(3000000, 3000200))).toBe(true);
  });

  it('3 ranges: open, overlapping and suffix, in request order, each streamed whole', async () => {
    const size = body.length;
    const r = await s.req('GET', url, { headers: { Range: 'bytes=2000000-, 0-1100000 ,-5' } });
    expect(r.status).toBe(206);
    expect(Number(r.headers.get('content-length'))).toBe(r.body.length);
    const parts = parseByteranges(r);
    expect(parts.map((p) => p.headers)).toEqual([
      part(2000000, size - 1, size),
      part(0, 1100000, size),
      part(size - 5, size - 1, size),
    ]);
    expect(parts[0]?.data.equals(body.subarray(2000000))).toBe(true);
    expect(parts[1]?.data.equals(body.subarray(0, 1100001))).toBe(true);
    expect(parts[2]?.data.equals(body.subarray(size - 5))).toBe(true);
  });

  it('every response gets a fresh random boundary', async () => {
    const h = { Range: 'bytes=0-0,1-1' };
    const a = (await s.req('GET', url, { headers: h })).headers.get('content-type');
    const b = (await s.req('GET', url, { headers: h })).headers.get('content-type');
    expect(a).not.toBe(b);
  });
});

describe('Go ServeContent rules around multiple ranges', () => {
  let s: TestServer;
  const body = randomBytes(10_000);
  const url = `/repo/data/${sha256(body)}`;
  const empty = `/repo/data/${sha256('')}`;
  beforeAll(async () => {
    s = await serve({ prometheus: true, prometheusNoAuth: true });
    await s.req('POST', '/repo/?create=true');
    await s.req('POST', url, { body });
    await s.req('POST', empty, { body: '' });
  });
  const get = (range: string, path = url): Promise<Resp> => s.req('GET', path, { headers: { Range: range } });

  it('ranges summing past the size: 200 with the whole object', async () => {
    for (const range of ['bytes=0-,0-', 'bytes=0-5999,4000-9999']) {
      const r = await get(range);
      expect([r.status, r.headers.get('content-range'), r.headers.get('accept-ranges')]).toEqual([
        200,
        null,
        'bytes',
      ]);
      expect(r.body.equals(body)).toBe(true);
    }
    expect((await get('bytes=0-4999,5000-9999')).status).toBe(206); // a sum equal to the size is served
  });

  it('one satisfiable range among ones past the end: a plain 206, not multipart', async () => {
    const r = await get('bytes=50000-,10-19');
    expect([r.status, r.headers.get('content-range'), r.headers.get('content-type')]).toEqual([
      206,
      'bytes 10-19/10000',
      'application/octet-stream',
    ]);
    expect(r.body.equals(body.subarray(10, 20))).toBe(true);
    const two = await get('bytes=50000-,10-19,30-39');
    expect(parseByteranges(two).map((p) => p.data.length)).toEqual([10, 10]);
  });

  it('416: nothing overlaps → Content-Range bytes */size; a syntax error anywhere → no Content-Range', async () => {
    const none = await get('bytes=10000-,20000-x');
    expect([none.status, none.headers.get('content-range'), none.text]).toEqual([
      416,
      'bytes */10000',
      'invalid range: failed to overlap\n',
    ]);
    expect(none.headers.get('content-type')).toBe('text/plain; charset=utf-8');
    const bad = await get('bytes=0-1,x');
    expect([bad.status, bad.headers.get('content-range'), bad.text]).toEqual([416, null, 'invalid range\n']);
    expect((await get('bytes=5-6,3-2')).status).toBe(416);
  });

  it('an empty object ignores ranges that overlap nothing (200), like Go since 1.20', async () => {
    const r = await get('bytes=0-1,5-6', empty);
    expect([r.status, r.headers.get('content-length'), r.body.length]).toEqual([200, '0', 0]);
  });

  it('only the first of repeated Range headers counts', async () => {
    const port = s.server.port ?? 0;
    const res = await raw(
      port,
      `GET ${url} HTTP/1.1\r\nHost: x\r\nRange: bytes=0-1\r\nRange: bytes=5-6,8-9\r\nConnection: close\r\n\r\n`,
    );
    expect(res.split('\r\n')[0]).toBe('HTTP/1.1 206 Partial Content');
    expect(res).toContain('Content-Range: bytes 0-1/10000');
  });

  it('HEAD ignores Range like rest-server’s checkBlob: 200, the object size, no body', async () => {
    const r = await s.req('HEAD', url, { headers: { Range: 'bytes=0-1,5-6' } });
    expect([r.status, r.headers.get('content-length'), r.headers.get('content-type'), r.body.length]).toEqual(
      [200, '10000', null, 0], // checked against rest-server 0.14: Go sniffs a type only from a body it writes
    );
  });

  it('Content-Type as Go sniffs it: objects are binary, an empty object is text, an empty config has none', async () => {
    const types = (path: string): Promise<(string | null)[]> =>
      Promise.all(['GET', 'HEAD'].map(async (m) => (await s.req(m, path)).headers.get('content-type')));
    await s.req('POST', '/empty-config/?create=true');
    await s.req('POST', '/empty-config/config', { body: '' });
    expect(await types(url)).toEqual(['application/octet-stream', null]);
    expect(await types(empty)).toEqual(['text/plain; charset=utf-8', null]);
    expect(await types('/empty-config/config')).toEqual([null, null]);
  });

  it("the 'read' metric counts every answer and the body bytes actually sent", async () => {
    const metric = async (name: string): Promise<number> => {
      const text = (await s.req('GET', '/metrics')).text;
      const m = new RegExp(`^${name}\\{user="",repo="repo",type="data"\\} (\\d+)$`, 'm').exec(text);
      return m ? Number(m[1]) : 0;
    };
    const count0 = await metric('rest_server_blob_read_total');
    const bytes0 = await metric('rest_server_blob_read_bytes_total');
    const answers = [
      await get('bytes=0-99,200-299,9990-'),
      await get('bytes=0-0,9999-9999'),
      await get('bytes=20000-'),
      await get('bytes=x'),
      await get('bytes=10-19'),
      await get('bytes=0-,0-'),
      await get('bytes=0-1', empty),
    ];
    expect(answers.map((a) => a.status)).toEqual([206, 206, 416, 416, 206, 200, 200]);
    const received = answers.reduce((n, a) => n + a.body.length, 0);
    expect(await metric('rest_server_blob_read_total')).toBe(count0 + answers.length);
    expect(await metric('rest_server_blob_read_bytes_total')).toBe(bytes0 + received);
  });

  it('a client leaving mid-multipart: the metric gets only the bytes sent and the server serves on', async () => {
    const big = randomBytes(16 * 1024 * 1024);
    const bigUrl = `/repo/data/${sha256(big)}`;
    await s.req('POST', bigUrl, { body: big });
    const reads = async (): Promise<number[]> => {
      const text = (await s.req('GET', '/metrics')).text;
      const l = 'user="",repo="repo",type="data"';
      return ['total', 'bytes_total'].map((k) =>
        Number(new RegExp(`^rest_server_blob_read_${k}\\{${l}\\} (\\d+)$`, 'm').exec(text)?.[1] ?? 0),
      );
    };
    const [count0 = 0, bytes0 = 0] = await reads();
    await new Promise<void>((resolve) => {
      const sock = connect(s.server.port ?? 0, '127.0.0.1');
      sock.write(`GET ${bigUrl} HTTP/1.1\r\nHost: x\r\nRange: bytes=0-8388607,8388608-\r\n\r\n`);
      sock.once('data', () => sock.destroy());
      sock.on('close', () => resolve());
    });
    let [count, bytes] = await reads();
    // The handler records the read once the aborted stream is wound up: wait for it (bounded, not timed).
    for (let i = 0; i < 500 && count === count0; i++) {
      await new Promise((r) => setTimeout(r, 10));
      [count, bytes] = await reads();
    }
    expect(count).toBe(count0 + 1);
    expect((bytes ?? 0) - bytes0).toBeLessThan(big.length);
    const after = await get('bytes=0-0,1-1');
    expect(parseByteranges(after).map((p) => p.data[0])).toEqual([body[0], body[1]]);
  });
});

describe('conditional GET like Go ServeContent with the epoch as mod time and no ETag', () => {
  let s: TestServer;
  const body = randomBytes(5000);
  const url = `/repo/data/${sha256(body)}`;
  const EPOCH = 'Thu, 01 Jan 1970 00:00:00 GMT';
  beforeAll(async () => {
    s = await serve({ prometheus: true, prometheusNoAuth: true });
    await s.req('POST', '/repo/?create=true');
    await s.req('POST', url, { body });
    await s.req('POST', '/repo/config', { body: 'cfg' });
  });
  const get = (headers: Record<string, string>, path = url): Promise<Resp> => s.req('GET', path, { headers });
  const summary = (r: Resp): unknown[] => [
    r.status,
    r.headers.get('content-length'),
    r.headers.get('content-type'),
    r.headers.get('accept-ranges'),
    r.body.length,
  ];

  it('If-Match other than *: 412 with an empty body; with *: the object', async () => {
    expect(summary(await get({ 'If-Match': '"abc"' }))).toEqual([412, '0', null, null, 0]);
    expect(summary(await get({ 'If-Match': 'W/"x", *' }))).toEqual([
      200,
      '5000',
      'application/octet-stream',
      'bytes',
      5000,
    ]);
  });

  it('If-None-Match: * gives 304 without a body; a tag gives the object', async () => {
    const r = await get({ 'If-None-Match': '*' });
    expect(summary(r)).toEqual([304, null, null, null, 0]);
    expect((await get({ 'If-None-Match': '"abc"' })).body.equals(body)).toBe(true);
  });

  it('If-Range keeps the Range only for the epoch; a tag or another date gets the whole object', async () => {
    const range = { Range: 'bytes=10-19' };
    const kept = await get({ ...range, 'If-Range': EPOCH });
    expect([kept.status, kept.headers.get('content-range')]).toEqual([206, 'bytes 10-19/5000']);
    expect(kept.body.equals(body.subarray(10, 20))).toBe(true);
    for (const ifRange of ['"abc"', 'Wed, 21 Oct 2015 07:28:00 GMT', 'garbage']) {
      const r = await get({ ...range, 'If-Range': ifRange });
      expect([r.status, r.headers.get('content-range')]).toEqual([200, null]);
      expect(r.body.equals(body)).toBe(true);
    }
  });

  it('If-Modified-Since and If-Unmodified-Since are ignored, as Go ignores them for the epoch', async () => {
    expect((await get({ 'If-Modified-Since': 'Wed, 21 Oct 2065 07:28:00 GMT' })).status).toBe(200);
    expect((await get({ 'If-Unmodified-Since': EPOCH })).status).toBe(200);
    expect((await get({})).headers.get('last-modified')).toBeNull();
  });

  it('config GET, object HEAD and a missing object do not look at preconditions', async () => {
    expect((await get({ 'If-Match': '"abc"' }, '/repo/config')).text).toBe('cfg');
    const head = await s.req('HEAD', url, { headers: { 'If-Match': '"abc"' } });
    expect([head.status, head.headers.get('content-length')]).toEqual([200, '5000']);
    expect((await get({ 'If-Match': '"abc"' }, `/repo/data/${sha256('missing')}`)).status).toBe(404);
  });

  it('object GET answers carry X-Runtime, as rest-server’s response counter adds it; config and 404 do not', async () => {
    const answers = await Promise.all([
      get({}),
      get({ Range: 'bytes=0-9' }),
      get({ Range: 'bytes=0-0,5-5' }),
      get({ Range: 'bytes=9000-' }),
      get({ 'If-None-Match': '*' }),
      get({ 'If-Match': '"abc"' }),
    ]);
    expect(answers.map((r) => r.status)).toEqual([200, 206, 206, 416, 304, 412]);
    for (const r of answers) expect(r.headers.get('x-runtime')).toMatch(/^\d+\.\d{6}$/);
    expect((await get({}, '/repo/config')).headers.get('x-runtime')).toBeNull();
    expect((await get({}, `/repo/data/${sha256('missing')}`)).headers.get('x-runtime')).toBeNull();
  });

  it('a 304 or 412 counts as a read of 0 bytes, as rest-server counts every ServeContent answer', async () => {
    const reads = async (): Promise<number[]> => {
      const text = (await s.req('GET', '/metrics')).text;
      const l = 'user="",repo="repo",type="data"';
      return ['total', 'bytes_total'].map((k) =>
        Number(new RegExp(`^rest_server_blob_read_${k}\\{${l}\\} (\\d+)$`, 'm').exec(text)?.[1] ?? 0),
      );
    };
    const [count0, bytes0] = await reads();
    await get({ 'If-Match': '"abc"' });
    await get({ 'If-None-Match': '*' });
    expect(await reads()).toEqual([(count0 ?? 0) + 2, bytes0]);
  });
});

// Downloads from the filesystem store over plain HTTP/1.1, which go through sendfile(2) when the native addon is
// loaded: whole objects, ranges, keep-alive after a download, and a client that goes away mid-body.
import { randomBytes } from 'node:crypto';
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cleanup, serve, sha256 } from '../../test/helpers.js';
import type { TestServer } from '../../test/helpers.js';

let s: TestServer;
const big = randomBytes(24 * 1024 * 1024 + 123);
const bigUrl = `/repo/data/${sha256(big)}`;
const small = randomBytes(5000);

beforeAll(async () => {
  s = await serve();
  expect((await s.req('POST', '/repo/?create=true')).status).toBe(200);
  expect((await s.req('POST', bigUrl, { body: big })).status).toBe(200);
  expect((await s.req('POST', `/repo/keys/${sha256(small)}`, { body: small })).status).toBe(200);
});
afterAll(cleanup);

describe('downloads from the filesystem store', () => {
  it('sends whole objects byte for byte, with Go’s headers', async () => {
    const r = await s.req('GET', bigUrl);
    expect(r.status).toBe(200);
    expect(r.headers.get('content-length')).toBe(String(big.length));
    expect(r.headers.get('content-type')).toBe('application/octet-stream');
    expect(r.body.equals(big)).toBe(true);
    expect((await s.req('GET', `/repo/keys/${sha256(small)}`)).body.equals(small)).toBe(true);
  });

  it('sends single and multiple ranges', async () => {
    const one = await s.req('GET', bigUrl, { headers: { Range: 'bytes=10000000-10999999' } });
    expect(one.status).toBe(206);
    expect(one.body.equals(big.subarray(10_000_000, 11_000_000))).toBe(true);
    const two = await s.req('GET', bigUrl, { headers: { Range: 'bytes=0-9,-5' } });
    expect(two.status).toBe(206);
    expect(two.body.includes(big.subarray(0, 10))).toBe(true);
    expect(two.body.includes(big.subarray(big.length - 5))).toBe(true);
  });

  it('keeps serving on the same connection after a download, and after a client left mid-body', async () => {
    // Two GETs pipelined on one connection: the second answer follows the first body exactly.
    const both = await new Promise<Buffer>((resolve) => {
      const sock = connect(s.server.port ?? 0, '127.0.0.1');
      const chunks: Buffer[] = [];
      sock.on('data', (d: Buffer) => chunks.push(d));
      sock.on('close', () => resolve(Buffer.concat(chunks)));
      sock.write(
        `GET ${bigUrl} HTTP/1.1\r\nHost: x\r\n\r\nGET /repo/keys/${sha256(small)} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`,
      );
    });
    const firstBody = both.indexOf('\r\n\r\n') + 4;
    expect(both.subarray(firstBody, firstBody + big.length).equals(big)).toBe(true);
    const second = both.subarray(firstBody + big.length);
    expect(second.toString('latin1', 0, 15)).toBe('HTTP/1.1 200 OK');
    expect(second.subarray(second.indexOf('\r\n\r\n') + 4).equals(small)).toBe(true);

    // A client that reads a little and goes away: the server winds the transfer up and answers the next one.
    for (let i = 0; i < 3; i++)
      await new Promise<void>((resolve) => {
        const sock = connect(s.server.port ?? 0, '127.0.0.1');
        sock.write(`GET ${bigUrl} HTTP/1.1\r\nHost: x\r\n\r\n`);
        sock.once('data', () => sock.destroy());
        sock.on('close', () => resolve());
      });
    expect((await s.req('GET', bigUrl)).body.equals(big)).toBe(true);
  });
});

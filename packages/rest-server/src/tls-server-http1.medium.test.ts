// --tls keeps HTTP/1.1 next to HTTP/2 on one port, and close() winds both down; 127.0.0.1 port 0.
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { Agent } from 'node:https';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { h1, h2Connect, h2Request } from '../test/tls-clients.js';
import { blob, cleanup, tlsFixture, tmp, watchWrites } from '../test/helpers.js';
import { FsStore } from './storage/fs-store.js';
import { createTlsServer } from './tls-server.js';

afterAll(cleanup);
const { key, ca, serve: tlsServe } = tlsFixture();

describe('--tls still serves HTTP/1.1', () => {
  it('to clients offering ALPN http/1.1 or no ALPN at all, on the same port and store as HTTP/2', async () => {
    const log = join(tmp(), 'access.log');
    const s = await tlsServe({ log });
    const url = s.server.url;
    const created = await h1(`${url}r/?create=true`, 'POST', { ca, alpn: ['http/1.1'] });
    expect([created.status, created.version, created.socket.alpnProtocol]).toEqual([200, '1.1', 'http/1.1']);
    const { body, id } = blob(300_000);
    const up = await h1(`${url}r/data/${id}`, 'POST', {
      ca,
      body,
      headers: { 'Content-Length': body.length },
    });
    expect([up.status, up.version, up.socket.alpnProtocol]).toEqual([200, '1.1', false]);
    const h2 = await h2Connect(url, { ca });
    expect((await h2Request(h2, 'GET', `/r/data/${id}`)).body.equals(body)).toBe(true);
    h2.close();
    const back = await h1(`${url}r/data/${id}`, 'GET', { ca, headers: { Range: 'bytes=0-9' } });
    expect([back.status, back.body.equals(body.subarray(0, 10))]).toEqual([206, true]);
    await s.server.close();
    const versions = readFileSync(log, 'utf8')
      .trim()
      .split('\n')
      .map((l) => / (HTTP\/[\d.]+)" /.exec(l)?.[1]);
    expect(versions).toEqual(['HTTP/1.1', 'HTTP/1.1', 'HTTP/2.0', 'HTTP/1.1']);
  });

  it("keeps the plain server's HTTP/1.1 timeouts (Node presets 5 min per request over TLS)", () => {
    const timeouts = { requestTimeout: 0, keepAliveTimeout: 120_000, headersTimeout: 60_000 };
    const { server } = createTlsServer({ key: readFileSync(key), cert: ca }, timeouts, () => undefined);
    expect(server).toMatchObject(timeouts);
  });

  it('--tls-min-ver 1.3 refuses TLS 1.2 for HTTP/2 and HTTP/1.1 clients alike', async () => {
    const s = await tlsServe({ tlsMinVer: '1.3' });
    const url = s.server.url;
    await expect(h2Connect(url, { ca, maxVersion: 'TLSv1.2' })).rejects.toThrow(/version|alert/i);
    await expect(h1(`${url}x/?create=true`, 'POST', { ca, maxVersion: 'TLSv1.2' })).rejects.toThrow(
      /version|alert/i,
    );
    const h2 = await h2Connect(url, { ca, minVersion: 'TLSv1.3' });
    expect((await h2Request(h2, 'POST', '/x/?create=true')).status).toBe(200);
    h2.close();
  });
});

describe('close() with HTTP/2 connections', () => {
  it('lets an in-flight HTTP/2 upload finish, closes idle HTTP/2 and HTTP/1.1 connections, refuses new ones', async () => {
    const path = tmp();
    const w = watchWrites(new FsStore(path));
    const s = await tlsServe({ path, store: w.store });
    const url = s.server.url;
    const busy = await h2Connect(url, { ca });
    const idle = await h2Connect(url, { ca });
    expect((await h2Request(idle, 'POST', '/r/?create=true')).status).toBe(200);
    const agent = new Agent({ keepAlive: true, ca });
    const kept = await h1(`${url}r/keys/`, 'GET', { ca, agent });
    expect(kept.status).toBe(200);

    const { body, id } = blob(600_000);
    const started = w.nextWrite();
    const upload = busy.request({
      ':method': 'POST',
      ':path': `/r/data/${id}`,
      'content-length': body.length,
    });
    const status = once(upload, 'response').then(([h]) => Number((h as Record<string, unknown>)[':status']));
    upload.write(body.subarray(0, 300_000));
    await started;
    const goaway = once(busy, 'goaway');
    let closed = false;
    const closing = s.server.close().then(() => (closed = true));
    await Promise.all([once(idle, 'close'), once(kept.socket, 'close'), goaway]);
    expect(closed).toBe(false); // the busy connection keeps the server open
    await expect(h2Connect(url, { ca })).rejects.toThrow(/ECONNREFUSED/);
    upload.end(body.subarray(300_000));
    expect(await status).toBe(200);
    await closing;
    expect(readFileSync(join(path, 'r', 'data', id.slice(0, 2), id)).equals(body)).toBe(true);
    agent.destroy();
    busy.close();
  });
});

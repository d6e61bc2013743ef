import { existsSync, readFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { connect } from 'node:net';
import { join } from 'node:path';
import { connect as tlsConnect } from 'node:tls';
import { afterAll, describe, expect, it } from 'vitest';
import { blob, cleanup, selfSignedCert, tmp } from '../test/helpers.js';
import { startRestServer } from './server.js';

afterAll(cleanup);
const quiet = (): undefined => undefined;

// agent: false: a pooled keep-alive socket to a server that was closed in between would fail the next request.
function unixReq(socketPath: string, method: string, path: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const r = httpRequest({ socketPath, method, path, agent: false }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    r.on('error', reject);
    r.end(method === 'POST' && path.endsWith('config') ? 'cfg' : undefined);
  });
}

describe('listening', () => {
  it('TestHttpListen: ephemeral port, then a fixed port twice with clean shutdown', async () => {
    const path = tmp();
    const first = await startRestServer({ path, noAuth: true, listen: '127.0.0.1:0', logger: quiet });
    const port = first.port ?? 0;
    expect(port).toBeGreaterThan(0);
    await first.close();
    for (let i = 0; i < 2; i++) {
      const lines: string[] = [];
      const s = await startRestServer({
        path,
        noAuth: true,
        listen: `127.0.0.1:${port}`,
        logger: (l) => lines.push(l),
      });
      expect(lines).toContain(`start server on 127.0.0.1:${port}`);
      const base = `http://127.0.0.1:${port}`;
      const req = (method: string, p: string): Promise<number> =>
        new Promise((resolve, reject) => {
          const r = httpRequest(`${base}${p}`, { method, agent: false }, (res) => {
            res.resume();
            res.on('end', () => resolve(res.statusCode ?? 0));
          });
          r.on('error', reject);
          r.end(p.endsWith('config') && method === 'POST' ? 'c' : undefined);
        });
      if (i === 0) {
        expect(await req('POST', '/repo1/?create=true')).toBe(200);
        expect(await req('POST', '/repo1/config')).toBe(200);
      }
      expect(await req('GET', '/repo1/')).toBe(405);
      expect(await req('GET', '/repo1/config')).toBe(200);
      expect(await req('GET', '/repo2/config')).toBe(404);
      await s.close();
    }
  });

  it('TestUnixSocket: same requests over unix: twice, socket removed on shutdown', async () => {
    const path = tmp();
    const sock = join(tmp(), 'rest.sock');
    for (let i = 0; i < 2; i++) {
      const lines: string[] = [];
      const s = await startRestServer({
        path,
        noAuth: true,
        listen: `unix:${sock}`,
        logger: (l) => lines.push(l),
      });
      expect(lines).toContain(`start server on ${sock}`);
      if (i === 0) {
        expect(await unixReq(sock, 'POST', '/repo1/?create=true')).toBe(200);
        expect(await unixReq(sock, 'POST', '/repo1/config')).toBe(200);
      }
      expect(await unixReq(sock, 'GET', '/repo1/')).toBe(405);
      expect(await unixReq(sock, 'GET', '/repo1/config')).toBe(200);
      expect(await unixReq(sock, 'GET', '/repo2/config')).toBe(404);
      await s.close();
      expect(existsSync(sock)).toBe(false);
    }
  });
});

describe('TLS', () => {
  const { dir: path, ca } = selfSignedCert();

  it('serves HTTPS with the default key paths under --path', async () => {
    const s = await startRestServer({ path, noAuth: true, tls: true, logger: quiet });
    expect(s.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+\/$/);
    const status = await new Promise<number>((resolve, reject) => {
      const r = httpsRequest(`${s.url}tlsrepo/?create=true`, { method: 'POST', ca }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      r.on('error', reject);
      r.end();
    });
    expect(status).toBe(200);
    await s.close();
  });

  it('--tls-min-ver 1.3 refuses a TLS 1.2 client; explicit --tls-cert/--tls-key work', async () => {
    const s = await startRestServer({
      path: tmp(),
      noAuth: true,
      tls: true,
      tlsCert: join(path, 'public_key'),
      tlsKey: join(path, 'private_key'),
      tlsMinVer: '1.3',
      logger: quiet,
    });
    const outcome = await new Promise<string>((resolve) => {
      const c = tlsConnect({ port: s.port ?? 0, host: '127.0.0.1', ca, maxVersion: 'TLSv1.2' }, () => {
        resolve('connected');
        c.destroy();
      });
      c.on('error', () => resolve('refused'));
    });
    expect(outcome).toBe('refused');
    await s.close();
  });

  it('rejects bad TLS flag combinations', async () => {
    await expect(startRestServer({ path, tlsCert: 'x', noAuth: true, logger: quiet })).rejects.toThrow(
      'requires enabled TLS',
    );
    await expect(startRestServer({ path, tlsMinVer: '1.0', noAuth: true, logger: quiet })).rejects.toThrow(
      /Unsupported TLS min version/,
    );
  });
});

describe('logging and shutdown', () => {
  it('writes a combined-format access log and --debug lines', async () => {
    const path = tmp();
    const log = join(tmp(), 'access.log');
    const lines: string[] = [];
    const s = await startRestServer({ path, noAuth: true, log, debug: true, logger: (l) => lines.push(l) });
    await fetch(`${s.url}r/?create=true`, { method: 'POST', headers: { 'User-Agent': 'ua-test' } });
    await fetch(`${s.url}nope`);
    await s.close();
    const text = readFileSync(log, 'utf8');
    expect(text).toMatch(
      /^127\.0\.0\.1 - - \[\d{2}\/\w{3}\/\d{4}:\d{2}:\d{2}:\d{2} [+-]\d{4}\] "POST \/r\/\?create=true HTTP\/1\.1" 200 0 "" "ua-test"$/m,
    );
    expect(text).toMatch(/"GET \/nope HTTP\/1\.1" 404 10 /);
    expect(lines).toContain('POST /r/?create=true');
  });

  it('close() lets an in-flight upload finish', async () => {
    const path = tmp();
    const s = await startRestServer({ path, noAuth: true, logger: quiet });
    await fetch(`${s.url}r/?create=true`, { method: 'POST' });
    const { body, id } = blob(200_000);
    const sock = connect(s.port ?? 0, '127.0.0.1');
    await new Promise((r) => sock.once('connect', r));
    let reply = '';
    sock.on('data', (d) => (reply += d.toString()));
    sock.write(`POST /r/data/${id} HTTP/1.1\r\nHost: x\r\nContent-Length: ${body.length}\r\n\r\n`);
    sock.write(body.subarray(0, 100_000));
    await new Promise((r) => setTimeout(r, 100));
    let closed = false;
    const closing = s.close().then(() => (closed = true));
    await new Promise((r) => setTimeout(r, 100));
    expect(closed).toBe(false);
    sock.write(body.subarray(100_000)); // no half-close: Node aborts requests on a client FIN
    await closing;
    await new Promise((r) => setTimeout(r, 50));
    expect(reply).toMatch(/^HTTP\/1\.1 200/);
    sock.destroy();
    expect(readFileSync(join(path, 'r', 'data', id.slice(0, 2), id)).equals(body)).toBe(true);
  });
});

// sendHttp against real receivers on 127.0.0.1:0: redirects, per-request TLS checks, timeouts, headers.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { selfSignedCert, startReceiver } from '../test-receiver.js';
import { sendHttp } from './http.js';

type Receiver = Awaited<ReturnType<typeof startReceiver>>;
let target: Receiver;
let jumper: Receiver;
let tls: Receiver;

beforeAll(async () => {
  target = await startReceiver((r) => (r.url.startsWith('/slow') ? { delayMs: 5000 } : {}));
  jumper = await startReceiver((r) => ({
    status: Number(r.url.split('/')[1]),
    headers: { location: `${target.url}/landed` },
    body: 'moved',
  }));
  tls = await startReceiver(() => ({}), { tls: selfSignedCert() });
});
afterAll(async () => {
  await Promise.all([target?.close(), jumper?.close(), tls?.close()]);
});

const ctx = (timeoutMs = 5000) => ({ signal: new AbortController().signal, timeoutMs });

describe('sendHttp', () => {
  it('does not follow a redirect when told so: the 3xx is the error, the target never hears', async () => {
    const before = target.requests.length;
    await expect(
      sendHttp({ label: 'pre hook', url: `${jumper.url}/302`, body: '{}', followRedirects: false }, ctx()),
    ).rejects.toThrow('pre hook: unexpected HTTP status 302 (redirects are not followed): moved');
    expect(target.requests.length).toBe(before);
  });

  it('follows redirects by default like fetch: 302 after POST becomes GET, 307 keeps the body', async () => {
    const before = target.requests.length;
    await sendHttp(
      { label: 'hook', url: `${jumper.url}/302`, body: 'x', headers: { authorization: 'Bearer t' } },
      ctx(),
    );
    await sendHttp({ label: 'hook', url: `${jumper.url}/307`, body: 'kept' }, ctx());
    const [a, b] = target.requests.slice(before);
    expect(a).toMatchObject({ method: 'GET', url: '/landed', body: '' });
    expect(a!.headers.authorization).toBeUndefined(); // another origin: the credential stays behind
    expect(b).toMatchObject({ method: 'POST', url: '/landed', body: 'kept' });
  });

  it('skips certificate checks only for the request that asks', async () => {
    const req = { label: 'tls hook', url: `${tls.url}/x`, body: 'hi' };
    await expect(sendHttp(req, ctx())).rejects.toThrow(/tls hook: request failed: .*self.signed/i);
    await sendHttp({ ...req, insecureTls: true }, ctx());
    expect(tls.requests.at(-1)).toMatchObject({ method: 'POST', url: '/x', body: 'hi' });
    await expect(sendHttp(req, ctx())).rejects.toThrow(/self.signed/i);
    expect(tls.requests).toHaveLength(1);
  });

  it('sends headers as given, no content type when asked, and can keep the response out of errors', async () => {
    await sendHttp(
      {
        label: 'hook',
        url: `${target.url}/h`,
        body: 'raw',
        contentType: null,
        headers: { 'X-Token': 'abc', 'User-Agent': 'mine' },
      },
      ctx(),
    );
    const got = target.requests.at(-1)!;
    expect(got.headers['content-type']).toBeUndefined();
    expect(got.headers['x-token']).toBe('abc');
    expect(got.headers['user-agent']).toBe('mine');
    expect(got.headers['content-length']).toBe('3');
    await expect(
      sendHttp({ label: 'hook', url: `${jumper.url}/500`, quoteResponse: false }, ctx()),
    ).rejects.toThrow(/^hook: unexpected HTTP status 500$/);
  });

  it('gives up after the timeout, naming the target but not its URL', async () => {
    const started = Date.now();
    const err = await sendHttp(
      { label: 'slow hook', url: `${target.url}/slow?token=SECRET` },
      ctx(300),
    ).catch((e: Error) => e);
    expect((err as Error).message).toBe('slow hook: no response within 300 ms');
    expect(Date.now() - started).toBeLessThan(3000);
  });
});

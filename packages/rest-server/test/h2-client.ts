// A small HTTP/2 client over TLS (ALPN h2) for tests: one session, each request a stream.
import { connect } from 'node:http2';
import type { ClientHttp2Session, IncomingHttpHeaders, SecureClientSessionOptions } from 'node:http2';

export interface H2Resp {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
  text: string;
}

/** Resolves once the TLS handshake and the HTTP/2 preface are done; rejects on a refused handshake. */
export function h2Connect(url: string, opts: SecureClientSessionOptions): Promise<ClientHttp2Session> {
  return new Promise((resolve, reject) => {
    const session = connect(url, opts);
    session.once('connect', () => {
      session.off('error', reject);
      session.on('error', () => undefined); // a server GOAWAY/close in a test is not a test failure
      resolve(session);
    });
    session.once('error', reject);
  });
}

export function h2Request(
  session: ClientHttp2Session,
  method: string,
  path: string,
  init: { body?: Buffer | string; headers?: Record<string, string | number> } = {},
): Promise<H2Resp> {
  const body = typeof init.body === 'string' ? Buffer.from(init.body) : init.body;
  const stream = session.request(
    {
      ':method': method,
      ':path': path,
      ...(body ? { 'content-length': body.length } : {}),
      ...init.headers,
    },
    { endStream: body === undefined },
  );
  if (body) stream.end(body);
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let headers: IncomingHttpHeaders = {};
    stream.on('response', (h) => (headers = h));
    stream.on('data', (c: Buffer) => chunks.push(c));
    stream.on('end', () => {
      const buf = Buffer.concat(chunks);
      resolve({ status: Number(headers[':status']), headers, body: buf, text: buf.toString() });
    });
    stream.on('error', reject);
  });
}

// Small TLS clients for tests: HTTP/2 (ALPN h2, one session, each request a stream) and HTTPS/1.1.
import { connect } from 'node:http2';
import type { ClientHttp2Session, IncomingHttpHeaders, SecureClientSessionOptions } from 'node:http2';
import { request as httpsRequest } from 'node:https';
import type { RequestOptions } from 'node:https';
import type { ConnectionOptions, TLSSocket } from 'node:tls';

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

/** An HTTPS/1.1 request; `alpn` offers protocols like a client would (Node's default offers none). */
export function h1(
  url: string,
  method: string,
  opts: RequestOptions & { alpn?: string[]; body?: Buffer } = {},
): Promise<{ status: number; version: string; body: Buffer; socket: TLSSocket }> {
  const { alpn, body, ...rest } = opts;
  const options: RequestOptions & Pick<ConnectionOptions, 'ALPNProtocols'> = {
    method,
    agent: false,
    ALPNProtocols: alpn,
    ...rest,
  };
  return new Promise((resolve, reject) => {
    const r = httpsRequest(url, options, (res) => {
      const chunks: Buffer[] = [];
      const socket = res.socket as TLSSocket;
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () =>
        resolve({
          status: res.statusCode ?? 0,
          version: res.httpVersion,
          body: Buffer.concat(chunks),
          socket,
        }),
      );
    });
    r.on('error', reject);
    r.end(body);
  });
}

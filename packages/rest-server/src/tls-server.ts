import { createSecureServer } from 'node:http2';
import type { Http2ServerRequest, Http2ServerResponse, ServerHttp2Session } from 'node:http2';
import type { Server } from 'node:net';
import type { SecureContextOptions } from 'node:tls';
import type { RequestListener } from './http/handler.js';

// Go's HTTP/2 limits: 250 streams, 1 MiB receive window per stream (a paused upload buffers no more than over
// HTTP/1.1); a larger connection window lets restic's parallel uploads on one connection all flow.
const MAX_STREAMS = 250;
const STREAM_WINDOW = 1 << 20;
const SESSION_WINDOW = 8 << 20;

export interface Http1Timeouts {
  requestTimeout: number;
  keepAliveTimeout: number;
  headersTimeout: number;
}

export interface TlsServer {
  /** closeIdleConnections (HTTP/1.1 connections) exists at runtime; @types/node lacks it. */
  server: Server & { closeIdleConnections(): void };
  /** Sends GOAWAY on every HTTP/2 connection: running streams finish, then the connection closes. */
  closeSessions(): void;
}

/** HTTPS that negotiates HTTP/2 via ALPN (`h2`) and still serves HTTP/1.1 clients, like Go's net/http. */
export function createTlsServer(
  tls: SecureContextOptions,
  timeouts: Http1Timeouts,
  listener: RequestListener,
): TlsServer {
  const server = createSecureServer({
    ...tls,
    allowHTTP1: true,
    noDelay: true,
    settings: { maxConcurrentStreams: MAX_STREAMS, initialWindowSize: STREAM_WINDOW },
  });
  // Not constructor options here: Node presets 5 min requests and no idle limit for HTTP/1.1 over TLS.
  Object.assign(server, timeouts);
  // The compat request/response mirror IncomingMessage/ServerResponse closely enough for the handler.
  const handle = listener as unknown as (req: Http2ServerRequest, res: Http2ServerResponse) => void;
  server.on('request', (req, res) => {
    // A reset stream can still end its compat request like a whole body: destroy it so readers see the abort.
    if (req.httpVersionMajor === 2) req.once('aborted', () => req.destroy());
    handle(req, res);
  });

  const sessions = new Set<ServerHttp2Session>();
  let closing = false;
  server.on('session', (session) => {
    if (closing) return session.close();
    sessions.add(session);
    session.once('close', () => sessions.delete(session));
    session.setLocalWindowSize(SESSION_WINDOW);
  });
  return {
    server: server as unknown as TlsServer['server'],
    closeSessions: () => {
      closing = true;
      for (const s of sessions) s.close();
    },
  };
}

// HTTP/1.1 and h2c (HTTP/2 with prior knowledge, needed by the gRPC protocol) on one port: the first bytes of a
// connection pick the protocol, like Backrest's h2c handler.
import http from 'node:http';
import http2 from 'node:http2';
import net from 'node:net';

const PREFACE = Buffer.from('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n');

type Handler = (req: http.IncomingMessage, res: http.ServerResponse) => void;

/** A net.Server Fastify can listen with (serverFactory) that serves both protocols through one handler. */
export function createDualServer(handler: Handler): http.Server {
  const h1 = http.createServer(handler);
  // Connection tracking (idle close, request timeouts) starts on 'listening'; h1 gets sockets from the net server.
  h1.emit('listening');
  const h2 = http2.createServer(
    {},
    handler as unknown as (r: http2.Http2ServerRequest, s: http2.Http2ServerResponse) => void,
  );
  const sessions = new Set<http2.ServerHttp2Session>();
  h2.on('session', (s) => {
    sessions.add(s);
    s.once('close', () => sessions.delete(s));
  });
  const server = net.createServer((socket) => {
    socket.once('data', (first: Buffer) => {
      socket.pause();
      socket.unshift(first);
      const isH2 =
        first.length >= 3 &&
        PREFACE.subarray(0, Math.min(first.length, PREFACE.length)).equals(
          first.subarray(0, Math.min(first.length, PREFACE.length)),
        );
      (isH2 ? h2 : h1).emit('connection', socket);
      process.nextTick(() => socket.resume());
    });
    socket.on('error', () => socket.destroy());
  });
  const dual = server as unknown as http.Server;
  const close = server.close.bind(server);
  Object.assign(dual, {
    close(cb?: (err?: Error) => void) {
      // Idle HTTP/2 clients keep sessions open: GOAWAY now, and cut what is left after a short grace.
      for (const s of sessions) s.close();
      setTimeout(() => {
        for (const s of sessions) s.destroy();
      }, 200).unref();
      h1.close(() => {});
      return close(cb);
    },
    closeIdleConnections: () => h1.closeIdleConnections(),
    closeAllConnections: () => {
      h1.closeAllConnections();
      for (const s of sessions) s.destroy();
    },
  });
  // Fastify sets timeouts on the server it listens with; forward them to the HTTP/1 server.
  for (const key of [
    'keepAliveTimeout',
    'requestTimeout',
    'headersTimeout',
    'maxRequestsPerSocket',
  ] as const) {
    Object.defineProperty(dual, key, {
      get: () => h1[key],
      set: (v: number) => {
        (h1 as unknown as Record<string, number>)[key] = v;
      },
    });
  }
  // A request line or header the parser rejects: a plain 400 (as Node does by default), never a silent hang-up.
  h1.on('clientError', (_e, socket) => {
    if (socket.writable && !(socket as net.Socket & { _httpMessage?: unknown })._httpMessage)
      socket.end(
        'HTTP/1.1 400 Bad Request\r\nConnection: close\r\nContent-Type: text/plain\r\nContent-Length: 27\r\n\r\n' +
          'malformed HTTP/1.1 request\n',
      );
    else socket.destroy();
  });
  return dual;
}

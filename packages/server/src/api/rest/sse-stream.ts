// One Server-Sent Events response (Zerobyte's framing): `connected`, initial events, what `subscribe` pushes,
// `heartbeat` every `heartbeatMs`; ended on server shutdown through `open`.
import type { FastifyReply } from 'fastify';

export type SseSend = (event: string, data: unknown) => void;

export function openSse(
  reply: FastifyReply,
  heartbeatMs: number,
  open: Set<() => Promise<void>>,
  initial: { event: string; data: unknown }[],
  subscribe: (send: SseSend) => () => void,
): FastifyReply {
  reply.hijack();
  const res = reply.raw;
  res.writeHead(200, {
    'Content-Type': 'text/event-stream; charset=utf-8',
    'Cache-Control': 'no-cache, no-transform',
    'X-Accel-Buffering': 'no',
    // a stream's connection is never reused: ending it (shutdown) closes the socket
    Connection: 'close',
  });
  const send: SseSend = (event, data) => {
    if (!res.writableEnded) res.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
  };
  send('connected', { type: 'connected', timestamp: Date.now() });
  for (const e of initial) send(e.event, e.data);
  const off = subscribe(send);
  const beat = setInterval(() => send('heartbeat', { timestamp: Date.now() }), heartbeatMs);
  const close = () => {
    clearInterval(beat);
    off();
    open.delete(end);
  };
  // server shutdown ends the stream (an open SSE response would otherwise hold app.close())
  const end = () =>
    new Promise<void>((resolve) => {
      close();
      // an aborted client may not have been noticed yet: never wait on a dead socket
      if (res.destroyed || res.writableEnded) return resolve();
      res.once('close', () => resolve());
      res.end(() => resolve());
      setTimeout(resolve, 1000).unref();
    });
  open.add(end);
  // the response's close (not the request's: that fires once a GET is read) means the client went away
  res.once('close', close);
  return reply;
}

// One Server-Sent Events response (Zerobyte's framing): `connected`, initial events, what `subscribe` pushes,
// `heartbeat` every `heartbeatMs`; ended by the subscriber (`finish`) or on server shutdown through `open`.
import type { FastifyReply } from 'fastify';

export type SseSend = (event: string, data: unknown) => void;

/** Starts pushing events; returns the unsubscribe function. `finish` ends the response (a bounded stream). */
export type SseSubscribe = (send: SseSend, finish: () => void) => () => void;

/** Opens an SSE response on a reply: the one set-up every stream route shares. */
export type SseOpener = (
  reply: FastifyReply,
  initial: { event: string; data: unknown }[],
  subscribe: SseSubscribe,
) => FastifyReply;

/** The opener of one API instance: its heartbeat interval, and the set of live streams ended on shutdown. */
export const sseOpener =
  (heartbeatMs: number, open: Set<() => Promise<void>>): SseOpener =>
  (reply, initial, subscribe) =>
    openSse(reply, heartbeatMs, open, initial, subscribe);

export function openSse(
  reply: FastifyReply,
  heartbeatMs: number,
  open: Set<() => Promise<void>>,
  initial: { event: string; data: unknown }[],
  subscribe: SseSubscribe,
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
  let off: () => void = () => {};
  let beat: NodeJS.Timeout | undefined;
  const close = () => {
    clearInterval(beat);
    off();
    open.delete(end);
  };
  // server shutdown (or the subscriber) ends the stream (an open SSE response would otherwise hold app.close())
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
  send('connected', { type: 'connected', timestamp: Date.now() });
  for (const e of initial) send(e.event, e.data);
  beat = setInterval(() => send('heartbeat', { timestamp: Date.now() }), heartbeatMs);
  off = subscribe(send, () => void end());
  if (!open.has(end)) off(); // finished (or the client left) while subscribing
  return reply;
}

import { close, read } from 'node:fs';
import { ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { Writable } from 'node:stream';
import { native } from './native-addon.js';

// Reused read buffers: no per-chunk allocation (a fresh 1 MiB buffer costs ~256 page faults).
const CHUNK = 1024 * 1024;
const MAX_POOLED = 16;
// An idle pool is let go (16 MiB), so memory held for downloads does not add to the peak of a later backup.
const IDLE_MS = 3000;
const pool: Buffer[] = [];
let lastAcquired = 0;
let idleCheck: NodeJS.Timeout | undefined;

function dropPoolWhenIdle(): void {
  idleCheck = undefined;
  if (Date.now() - lastAcquired >= IDLE_MS) pool.length = 0;
  else watchIdle();
}

function watchIdle(): void {
  idleCheck ??= setTimeout(dropPoolWhenIdle, IDLE_MS).unref();
}

function acquire(): Buffer {
  lastAcquired = Date.now();
  return pool.pop() ?? Buffer.allocUnsafeSlow(CHUNK);
}

function release(buf: Buffer): void {
  if (pool.length < MAX_POOLED) pool.push(buf);
  watchIdle();
}

/**
 * Sends bytes [start, end] of `fd` to `dest`: with sendfile(2) when `dest` is an HTTP/1 response on a plain
 * socket and the native addon is loaded (as Go's net/http can: restic's check and restore used twice Go's
 * server CPU reading each MiB into a buffer and writing it to the socket), else through buffers.
 */
export function sendFdRange(
  fd: number,
  dest: Writable,
  start: number,
  end: number,
  keepOpen = false,
): Promise<number> {
  const socketFd = plainSocketFd(dest);
  if (socketFd === undefined || !native || sendfilesRunning >= MAX_SENDFILES)
    return sendThroughBuffers(fd, dest, start, end, keepOpen);
  sendfilesRunning++;
  const sendFile = native.addon.sendFile;
  const res = dest as ServerResponse;
  const socket = res.socket as Socket;
  return new Promise((resolve) => {
    const cancel = new Int32Array(1);
    const onClose = (): void => {
      cancel[0] = 1; // the pool thread stops within 200 ms
    };
    socket.on('close', onClose);
    const done = (errno: number, sent: number): void => {
      sendfilesRunning--;
      socket.off('close', onClose);
      if (!keepOpen) close(fd, () => undefined);
      if (errno !== 0 && !socket.destroyed) socket.destroy(); // cut the response: the client sees it short
      resolve(sent);
    };
    // The headers go first: this empty write's callback runs once they (and anything before) are in the kernel.
    res.flushHeaders();
    socket.write(EMPTY, (err) => {
      if (err || socket.destroyed) return done(err ? 1 : 0, 0);
      sendFile(socketFd, fd, start, end - start + 1, cancel, done);
    });
  });
}

const EMPTY = Buffer.alloc(0);
// A sendfile job holds a pool thread while its client reads (slow clients: for long): past this many at once,
// downloads take the buffered path, so uploads' fsyncs always find pool threads (at most a quarter of the pool:
// 16 of the CLI's 64, 1 of libuv's default 4 when embedded).
const MAX_SENDFILES = Math.min(16, Math.floor(threadPoolSize() / 4));

function threadPoolSize(): number {
  const size = Number.parseInt(process.env.UV_THREADPOOL_SIZE ?? '', 10);
  return Number.isFinite(size) && size > 0 ? size : 4;
}
let sendfilesRunning = 0;

/** The fd of a plain (not TLS) socket under an HTTP/1 response, or undefined. */
function plainSocketFd(dest: Writable): number | undefined {
  if (!(dest instanceof ServerResponse)) return undefined; // HTTP/2 answers are Http2ServerResponse
  const socket = dest.socket as (Socket & { encrypted?: boolean; _handle?: { fd?: number } }) | null;
  if (!socket || socket.encrypted || socket.destroyed) return undefined;
  const fd = socket._handle?.fd;
  return typeof fd === 'number' && fd >= 0 ? fd : undefined;
}

/**
 * Sends bytes [start, end] of `fd` to `dest` with two buffers in flight (read one while the other is written)
 * and closes the fd unless `keepOpen`. Resolves with the bytes the destination accepted; memory per request is
 * 2 × CHUNK.
 */
function sendThroughBuffers(
  fd: number,
  dest: Writable,
  start: number,
  end: number,
  keepOpen: boolean,
): Promise<number> {
  return new Promise((resolve) => {
    const free: Buffer[] = [acquire(), acquire()];
    let pos = start;
    let sent = 0;
    let inflight = 0;
    let reading = false;
    let done = false;

    const finish = (ok: boolean): void => {
      if (done) return;
      done = true;
      dest.off('close', onClose);
      if (!keepOpen) close(fd, () => undefined);
      // On failure a buffer may still be referenced by a cancelled socket write: let GC take them.
      if (ok) for (const b of free) release(b);
      if (!ok && !dest.destroyed) dest.destroy();
      resolve(sent);
    };
    const onClose = (): void => {
      if (pos <= end || inflight > 0) finish(false);
    };

    const pump = (): void => {
      if (done) return;
      if (pos > end) {
        if (inflight === 0 && !reading) finish(true);
        return;
      }
      if (reading) return;
      const buf = free.pop();
      if (!buf) return;
      reading = true;
      read(fd, buf, 0, Math.min(buf.length, end - pos + 1), pos, (err, n) => {
        reading = false;
        if (done) return;
        if (err || n === 0) return finish(false); // file shrank or I/O error: cut the response
        pos += n;
        inflight++;
        dest.write(n === buf.length ? buf : buf.subarray(0, n), (werr) => {
          inflight--;
          if (werr) return finish(false);
          sent += n;
          free.push(buf);
          pump();
        });
        pump();
      });
    };
    dest.on('close', onClose);
    pump();
  });
}

import { close, read } from 'node:fs';
import type { Writable } from 'node:stream';

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
 * Sends bytes [start, end] of `fd` to `dest` with two buffers in flight (read one while the other is written)
 * and closes the fd unless `keepOpen`. Resolves with the bytes the destination accepted; memory per request is
 * 2 × CHUNK.
 */
export function sendFdRange(
  fd: number,
  dest: Writable,
  start: number,
  end: number,
  keepOpen = false,
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

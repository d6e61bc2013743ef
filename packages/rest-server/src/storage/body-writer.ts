import { createHash } from 'node:crypto';
import { writev } from 'node:fs';
import type { Readable } from 'node:stream';
import { HashMismatchError, IncompleteBodyError } from './errors.js';

// Bytes buffered before the body is paused: bounds memory per request while writes are in flight.
const MAX_PENDING = 1024 * 1024;

interface BodyListeners {
  data(chunk: Buffer): void;
  end(): void;
  error(err: Error): void;
  close(): void;
}

/** Attaches the listeners and returns the function that detaches them all. */
function listen(body: Readable, l: BodyListeners): () => void {
  body.on('data', l.data);
  body.on('end', l.end);
  body.on('error', l.error);
  body.on('close', l.close);
  return () => {
    body.off('data', l.data);
    body.off('end', l.end);
    body.off('error', l.error);
    body.off('close', l.close);
  };
}

/** The size check of a complete body: the error to answer with, or undefined when it is good. */
function sizeProblem(size: number, expectedSize: number | undefined): Error | undefined {
  if (expectedSize !== undefined && size !== expectedSize)
    return new IncompleteBodyError(`body has ${size} bytes, expected ${expectedSize}`);
  return undefined;
}

const aborted = (err: Error) => new IncompleteBodyError(`upload aborted: ${err.message}`);

/**
 * The one-shot end of a body reader: detaches the listeners, drains on error (so a keep-alive connection can
 * carry the error response), checks size and hash, then settles with `value()`.
 */
function bodyEnd<T>(
  body: Readable,
  check: () => Error | undefined,
  value: () => T,
  resolve: (v: T) => void,
  reject: (e: Error) => void,
): { attach(l: BodyListeners): void; finish(err: Error | undefined): void; readonly done: boolean } {
  let done = false;
  let detach = (): void => undefined;
  return {
    attach(l) {
      detach = listen(body, l);
    },
    get done() {
      return done;
    },
    finish(err) {
      if (done) return;
      done = true;
      detach();
      if (err) body.resume();
      const problem = err ?? check();
      if (problem) reject(problem);
      else resolve(value());
    },
  };
}

/**
 * Streams `body` into `fd` with positional writev calls and resolves with the byte count. Each batch goes to
 * `onWritten` once it is written (which may take the chunks' memory: they are not read again).
 * Memory per call stays below MAX_PENDING plus one socket chunk.
 */
export function writeBodyToFd(
  body: Readable,
  fd: number,
  expectedSize: number | undefined,
  onWritten?: (chunks: Buffer[]) => void,
): Promise<number> {
  return new Promise<number>((resolve, reject) => {
    let pending: Buffer[] = [];
    let pendingBytes = 0;
    let position = 0;
    let writing = false;
    let ended = false;
    const end = bodyEnd(
      body,
      () => sizeProblem(position, expectedSize),
      () => position,
      resolve,
      reject,
    );
    const finish = end.finish;

    const flush = (): void => {
      if (writing || end.done) return;
      if (pending.length === 0) {
        if (ended) finish(undefined);
        return;
      }
      writing = true;
      const bufs = pending;
      const total = pendingBytes;
      pending = [];
      pendingBytes = 0;
      if (body.isPaused() && !ended) body.resume();
      writeAll(fd, bufs, total, position, (err) => {
        writing = false;
        if (err) return finish(err);
        position += total;
        onWritten?.(bufs);
        flush();
      });
    };

    const onData = (chunk: Buffer): void => {
      pending.push(chunk);
      pendingBytes += chunk.length;
      if (pendingBytes >= MAX_PENDING) body.pause();
      flush();
    };
    const onEnd = (): void => {
      ended = true;
      flush();
    };
    end.attach({
      data: onData,
      end: onEnd,
      error: (err) => finish(aborted(err)),
      close: () => {
        if (!ended) finish(new IncompleteBodyError('upload aborted by the client'));
      },
    });
    // The client may have gone away while the temp file was being opened: its events are already past.
    if (body.destroyed && !body.readableEnded)
      finish(new IncompleteBodyError('upload aborted by the client'));
  });
}

function writeAll(
  fd: number,
  bufs: Buffer[],
  total: number,
  position: number,
  cb: (err: Error | null) => void,
): void {
  writev(fd, bufs, position, (err, written) => {
    if (err) return cb(err);
    if (written === total) return cb(null);
    // Short write (rare, e.g. near ENOSPC): retry the rest, which then reports the real error.
    const rest = Buffer.concat(bufs).subarray(written);
    writeAll(fd, [rest], total - written, position + written, cb);
  });
}

/**
 * Collects a body (announced size known and bounded by the caller, or at most `limit` bytes) in memory, hashing
 * on the way, and resolves with its chunks once size and hash are verified: a bad body is never written.
 */
export function readSmallBody(
  body: Readable,
  expectedSize: number | undefined,
  expectedSha256: string | undefined,
  limit = expectedSize ?? 0,
): Promise<Buffer[]> {
  const hash = expectedSha256 === undefined ? undefined : createHash('sha256');
  return new Promise<Buffer[]>((resolve, reject) => {
    const chunks: Buffer[] = [];
    let received = 0;
    const { attach, finish } = bodyEnd(
      body,
      () =>
        sizeProblem(received, expectedSize) ??
        (hash && hash.digest('hex') !== expectedSha256 ? new HashMismatchError() : undefined),
      () => chunks,
      resolve,
      reject,
    );
    const onData = (chunk: Buffer): void => {
      received += chunk.length;
      if (received > (expectedSize ?? limit)) {
        finish(new IncompleteBodyError(`body is longer than ${expectedSize ?? limit} bytes`));
        return;
      }
      hash?.update(chunk);
      chunks.push(chunk);
    };
    attach({
      data: onData,
      end: () => finish(undefined),
      error: (err) => finish(aborted(err)),
      close: () => finish(new IncompleteBodyError('upload aborted by the client')),
    });
    if (body.readableEnded) finish(undefined);
    else if (body.destroyed) finish(new IncompleteBodyError('upload aborted by the client'));
  });
}

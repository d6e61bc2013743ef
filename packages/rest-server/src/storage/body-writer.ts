import { createHash } from 'node:crypto';
import { writev } from 'node:fs';
import type { Readable } from 'node:stream';
import { HashMismatchError, IncompleteBodyError } from './errors.js';

// Bytes buffered before the body is paused: bounds memory per request while writes are in flight.
const MAX_PENDING = 1024 * 1024;

/**
 * Streams `body` into `fd` with positional writev calls, hashing on the way, and resolves with the byte count.
 * Memory per call stays below MAX_PENDING plus one socket chunk.
 */
export function writeBodyToFd(
  body: Readable,
  fd: number,
  expectedSize: number | undefined,
  expectedSha256: string | undefined,
): Promise<number> {
  const hash = expectedSha256 === undefined ? undefined : createHash('sha256');
  return new Promise<number>((resolve, reject) => {
    let pending: Buffer[] = [];
    let pendingBytes = 0;
    let position = 0;
    let writing = false;
    let ended = false;
    let done = false;

    const finish = (err: Error | undefined): void => {
      if (done) return;
      done = true;
      body.off('data', onData);
      body.off('end', onEnd);
      body.off('error', onError);
      body.off('close', onClose);
      if (err) {
        body.resume(); // drain so a keep-alive connection can carry the error response
        reject(err);
        return;
      }
      if (expectedSize !== undefined && position !== expectedSize) {
        reject(new IncompleteBodyError(`body has ${position} bytes, expected ${expectedSize}`));
        return;
      }
      if (hash && hash.digest('hex') !== expectedSha256) {
        reject(new HashMismatchError('content does not match its SHA-256 name'));
        return;
      }
      resolve(position);
    };

    const flush = (): void => {
      if (writing || done) return;
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
        flush();
      });
    };

    const onData = (chunk: Buffer): void => {
      hash?.update(chunk);
      pending.push(chunk);
      pendingBytes += chunk.length;
      if (pendingBytes >= MAX_PENDING) body.pause();
      flush();
    };
    const onEnd = (): void => {
      ended = true;
      flush();
    };
    const onError = (err: Error): void => finish(new IncompleteBodyError(`upload aborted: ${err.message}`));
    const onClose = (): void => {
      if (!ended) finish(new IncompleteBodyError('upload aborted by the client'));
    };
    body.on('data', onData);
    body.on('end', onEnd);
    body.on('error', onError);
    body.on('close', onClose);
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
 * Collects a small body (announced size known and bounded by the caller) in memory, hashing on the way, and
 * resolves with its chunks once size and hash are verified: a bad body is never written.
 */
export function readSmallBody(
  body: Readable,
  expectedSize: number,
  expectedSha256: string | undefined,
): Promise<Buffer[]> {
  const hash = expectedSha256 === undefined ? undefined : createHash('sha256');
  return new Promise<Buffer[]>((resolve, reject) => {
    const chunks: Buffer[] = [];
    let received = 0;
    let done = false;
    const finish = (err: Error | undefined): void => {
      if (done) return;
      done = true;
      body.off('data', onData);
      body.off('end', onEnd);
      body.off('error', onError);
      body.off('close', onClose);
      if (err) {
        body.resume(); // drain so a keep-alive connection can carry the error response
        reject(err);
        return;
      }
      if (received !== expectedSize) {
        reject(new IncompleteBodyError(`body has ${received} bytes, expected ${expectedSize}`));
        return;
      }
      if (hash && hash.digest('hex') !== expectedSha256) {
        reject(new HashMismatchError('content does not match its SHA-256 name'));
        return;
      }
      resolve(chunks);
    };
    const onData = (chunk: Buffer): void => {
      received += chunk.length;
      if (received > expectedSize) {
        finish(new IncompleteBodyError(`body is longer than ${expectedSize} bytes`));
        return;
      }
      hash?.update(chunk);
      chunks.push(chunk);
    };
    const onEnd = (): void => finish(undefined);
    const onError = (err: Error): void => finish(new IncompleteBodyError(`upload aborted: ${err.message}`));
    const onClose = (): void => finish(new IncompleteBodyError('upload aborted by the client'));
    body.on('data', onData);
    body.on('end', onEnd);
    body.on('error', onError);
    body.on('close', onClose);
    if (body.readableEnded) finish(undefined);
    else if (body.destroyed) finish(new IncompleteBodyError('upload aborted by the client'));
  });
}

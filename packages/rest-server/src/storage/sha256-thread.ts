import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';
import type * as WorkerThreads from 'node:worker_threads';
import { nativeAddonPath, releaseBuffers } from './native-commit.js';

// SHA-256 of streamed uploads runs on one worker thread. On the event loop it took about 7 ms of every 8 MiB
// upload and held 8 concurrent uploads to 0.75x of rest-server, which hashes on all cores; here the digest
// is computed while the body arrives and comes back while the file is being fsynced (bench/versus.ts).
// Plain JavaScript in a string: the same code runs from dist/ and from the TypeScript sources under Vitest.
const THREAD_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const { createHash } = require('node:crypto');
let release; // the native addon's: frees hashed chunks here and now
try {
  if (workerData.addon) release = require(workerData.addon).release;
} catch {}
const hashes = new Map();
parentPort.on('message', ({ id, chunks, op }) => {
  if (op === 'drop') return void hashes.delete(id);
  let hash = hashes.get(id);
  if (!hash) hashes.set(id, (hash = createHash('sha256')));
  for (const chunk of chunks) hash.update(new Uint8Array(chunk));
  if (op === 'digest') hashes.delete(id);
  const hex = op === 'digest' ? hash.digest('hex') : undefined;
  if (release) {
    release(chunks);
    if (hex !== undefined) parentPort.postMessage({ id, hex });
    return;
  }
  // Without the addon, hashed chunks go back to be freed by the main thread's frequent GCs: this thread's small
  // heap would hold their memory until its rare GCs (measured: +90 MB peak RSS).
  parentPort.postMessage({ id, hex, chunks }, chunks);
});`;

// Chunks are handed over in batches of about this size: one message per batch, not per socket read. Chunks in
// flight count towards peak RSS (1 MiB batches: 146 MB in the benchmark, 256 KiB: 139 MB but about 6 % slower).
const BATCH_BYTES = 512 * 1024;

interface Pending {
  resolve(hex: string): void;
  reject(err: Error): void;
}

interface HashThread {
  worker: WorkerThreads.Worker;
  alive: boolean;
  waiting: Map<number, Pending>;
}

let current: HashThread | undefined;
let nextId = 0;

function hashThread(): HashThread {
  if (current?.alive) return current;
  // worker_threads loads with the first thread (most servers never start one), synchronously as this runs.
  const threads = createRequire(import.meta.url)('node:worker_threads') as typeof WorkerThreads;
  const worker = new threads.Worker(THREAD_SOURCE, { eval: true, workerData: { addon: nativeAddonPath } });
  const thread: HashThread = { worker, alive: true, waiting: new Map() };
  worker.unref(); // only a pending digest keeps the process alive
  worker.on('message', ({ id, hex }: { id: number; hex?: string }) => {
    if (hex === undefined) return; // only returned chunks, dropped here
    const pending = thread.waiting.get(id);
    thread.waiting.delete(id);
    if (thread.waiting.size === 0) worker.unref();
    pending?.resolve(hex);
  });
  const fail = (err: Error): void => {
    thread.alive = false;
    for (const pending of thread.waiting.values()) pending.reject(err);
    thread.waiting.clear();
  };
  worker.on('error', (err) => fail(new Error(`hash thread failed: ${err.message}`)));
  worker.on('exit', (code) => fail(new Error(`hash thread exited with code ${code}`)));
  current = thread;
  return thread;
}

/** Ends the hash thread; hashes begun on it fail, and the next hash starts a new thread (used by tests). */
export async function stopHashThread(): Promise<void> {
  const thread = current;
  current = undefined;
  await thread?.worker.terminate();
}

/**
 * The chunk's memory as an ArrayBuffer to move to the thread: the chunk's own when the caller gave it away and
 * it spans all of it, otherwise a copy of exactly these bytes.
 */
function movable(chunk: Buffer, take: boolean): ArrayBuffer {
  const whole = chunk.buffer;
  if (take && whole instanceof ArrayBuffer && chunk.byteOffset === 0 && chunk.byteLength === whole.byteLength)
    return whole;
  return new Uint8Array(chunk).buffer;
}

export interface OffThreadSha256 {
  /** Adds chunks to the hash (with takeChunks, their memory moves away: they must not be read again). */
  update(chunks: Buffer[]): void;
  /** The hex digest of everything added; rejects when the hash thread died meanwhile. */
  digest(): Promise<string>;
  /** Forgets the hash (failed upload); a no-op after digest(). */
  discard(): void;
}

/**
 * A SHA-256 over chunks that are hashed on the shared hash thread, in the order they were added. With
 * takeChunks the chunks' memory is moved there instead of copied: only for chunks nothing else refers to.
 */
export function offThreadSha256(takeChunks: boolean): OffThreadSha256 {
  const thread = hashThread();
  const id = nextId++;
  let batch: ArrayBuffer[] = [];
  let batchBytes = 0;
  let finished = false;
  const post = (op: 'update' | 'digest' | 'drop'): void => {
    const chunks = batch;
    batch = [];
    batchBytes = 0;
    thread.worker.postMessage({ id, chunks, op }, chunks);
  };
  return {
    update(chunks) {
      if (!thread.alive) return; // digest() will fail the upload
      for (const chunk of chunks) {
        batch.push(movable(chunk, takeChunks));
        batchBytes += chunk.byteLength;
      }
      if (batchBytes >= BATCH_BYTES) post('update');
    },
    digest() {
      finished = true;
      if (!thread.alive) return Promise.reject(new Error('hash thread is gone'));
      return new Promise<string>((resolve, reject) => {
        thread.waiting.set(id, { resolve, reject });
        thread.worker.ref();
        post('digest');
      });
    },
    discard() {
      if (finished) return;
      finished = true;
      batch = [];
      if (thread.alive) post('drop'); // the thread may hold a partial hash (a drop of an unknown id is a no-op)
    },
  };
}

/**
 * The same interface hashing on the event loop, for when the hash thread is not worth its start. With takeChunks,
 * hashed chunks are freed at once (they are on disk and read no more), as the hash thread does.
 */
export function inlineSha256(takeChunks = false): OffThreadSha256 {
  const hash = createHash('sha256');
  return {
    update(chunks) {
      for (const chunk of chunks) hash.update(chunk);
      if (takeChunks) releaseBuffers(chunks);
    },
    digest: () => Promise.resolve(hash.digest('hex')),
    discard: () => undefined,
  };
}

// Starting the hash thread costs about 0.4 s of CPU (a second Node environment) and 10-20 MB of RSS; it pays off
// only with many uploads at once (8 in bench/versus.ts). restic 0.14 sends few large uploads at a time (measured in
// bench/restic.ts): those hash here, on the event loop (about 1 ms per MiB).
const OFFLOAD_AT = Number(process.env.RESTORA_HASH_THREAD_AT ?? 4);
let inFlight = 0;

/** The hash of one streamed upload: on the event loop while few are in flight, on the hash thread past that. */
export function uploadSha256(takeChunks: boolean): OffThreadSha256 {
  const hash = inFlight >= OFFLOAD_AT ? offThreadSha256(takeChunks) : inlineSha256(takeChunks);
  inFlight++;
  let counted = true;
  const done = (): void => {
    if (counted) inFlight--;
    counted = false;
  };
  return {
    update: (chunks) => hash.update(chunks),
    digest: () => {
      done();
      return hash.digest();
    },
    discard: () => {
      done();
      hash.discard();
    },
  };
}

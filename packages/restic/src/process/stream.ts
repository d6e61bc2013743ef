import { AsyncQueue } from './queue.js';

/** Messages as they arrive, plus the final result. Breaking out of the loop cancels restic. */
export interface MessageStream<T, R> extends AsyncIterable<T> {
  /** Settles when restic has finished (rejects with the ResticError, if any). */
  readonly result: Promise<R>;
}

export type Emit<T> = (message: T) => Promise<void> | void;

/**
 * Runs `run` and exposes what it emits as an async iterable. Waiting for queue space gives backpressure
 * to stdout readers; `droppable` messages (progress) are discarded first if a consumer lags far behind.
 */
export function messageStream<T, R>(
  run: (emit: Emit<T>, signal: AbortSignal) => Promise<R>,
  signal: AbortSignal | undefined,
  droppable: (m: T) => boolean,
): MessageStream<T, R> {
  const ac = new AbortController();
  const combined = signal ? AbortSignal.any([signal, ac.signal]) : ac.signal;
  const queue = new AsyncQueue<T>(256, 4096, droppable);
  let started: Promise<R> | undefined;
  const start = (): Promise<R> => {
    started ??= run((m) => {
      queue.push(m);
      return queue.waitForSpace();
    }, combined).then(
      (r) => {
        queue.end();
        return r;
      },
      (e: unknown) => {
        queue.end(e);
        throw e;
      },
    );
    return started;
  };
  const result = Promise.resolve().then(start);
  // The error is also delivered through the iterator; avoid an unhandled rejection when only iterating.
  result.catch(() => undefined);
  return {
    result,
    [Symbol.asyncIterator](): AsyncIterator<T> {
      void start();
      return {
        next: () => queue.next(),
        return: async () => {
          // Release a producer waiting for queue space, so restic's output keeps draining while it exits.
          queue.end();
          ac.abort();
          await result.catch(() => undefined);
          return { value: undefined, done: true };
        },
      };
    },
  };
}

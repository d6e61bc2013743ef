interface Waiter<T> {
  resolve: (r: IteratorResult<T>) => void;
  reject: (e: unknown) => void;
}

/**
 * Async queue feeding an async iterator from push-based sources. Bounded: producers that can wait
 * call `waitForSpace()`; beyond `hardLimit` the oldest droppable item (e.g. a progress status) is dropped.
 */
export class AsyncQueue<T> {
  private items: T[] = [];
  private waiters: Waiter<T>[] = [];
  private spaceWaiters: (() => void)[] = [];
  private ended = false;
  private error: unknown;
  /** Items discarded because the consumer was too slow. */
  dropped = 0;

  constructor(
    private readonly highWater = 256,
    private readonly hardLimit = 4096,
    private readonly droppable: (item: T) => boolean = () => false,
  ) {}

  push(item: T): void {
    if (this.ended) return;
    const w = this.waiters.shift();
    if (w) return w.resolve({ value: item, done: false });
    if (this.items.length >= this.hardLimit) {
      this.dropped++;
      const idx = this.items.findIndex(this.droppable);
      if (idx >= 0) this.items.splice(idx, 1);
      else return;
    }
    this.items.push(item);
  }

  end(error?: unknown): void {
    if (this.ended) return;
    this.ended = true;
    this.error = error;
    if (this.items.length === 0) {
      for (const w of this.waiters.splice(0)) {
        if (error !== undefined) w.reject(error);
        else w.resolve({ value: undefined, done: true });
      }
      if (error !== undefined) this.error = undefined;
    }
    this.releaseSpace();
  }

  /** Resolves once the consumer has caught up (undefined when there is room already). */
  waitForSpace(): Promise<void> | undefined {
    if (this.items.length < this.highWater || this.ended) return undefined;
    return new Promise((resolve) => this.spaceWaiters.push(resolve));
  }

  next(): Promise<IteratorResult<T>> {
    if (this.items.length > 0) {
      const item = this.items.shift() as T;
      if (this.items.length < this.highWater) this.releaseSpace();
      return Promise.resolve({ value: item, done: false });
    }
    if (this.ended) {
      if (this.error !== undefined) {
        const e = this.error;
        this.error = undefined;
        return Promise.reject(e instanceof Error ? e : new Error(String(e)));
      }
      return Promise.resolve({ value: undefined, done: true });
    }
    return new Promise((resolve, reject) => this.waiters.push({ resolve, reject }));
  }

  private releaseSpace(): void {
    for (const s of this.spaceWaiters.splice(0)) s();
  }
}

import type { CreateLogOptions, LogStore, LogWriter } from '../../oplog/types.js';

/** In-memory LogStore for tests. */
export class MemoryLogStore implements LogStore {
  readonly logs = new Map<string, { data: string; closed: boolean; owner?: bigint }>();
  private seq = 0;

  create(options: CreateLogOptions = {}): LogWriter {
    const ref = `${options.prefix ?? 't'}-${++this.seq}`;
    const entry: { data: string; closed: boolean; owner?: bigint } = { data: '', closed: false };
    if (options.ownerOpId !== undefined) entry.owner = options.ownerOpId;
    this.logs.set(ref, entry);
    const max = options.maxBytes ?? Infinity;
    return {
      ref,
      write(chunk) {
        const s = typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
        entry.data = (entry.data + s).slice(0, max);
      },
      close: () => {
        entry.closed = true;
        return Promise.resolve();
      },
      get size() {
        return entry.data.length;
      },
    };
  }

  text(ref: string): string {
    return this.logs.get(ref)?.data ?? '';
  }

  read(ref: string): Promise<Buffer> {
    const e = this.logs.get(ref);
    return e ? Promise.resolve(Buffer.from(e.data)) : Promise.reject(new Error(`log ${ref} not found`));
  }

  async *follow(ref: string): AsyncIterable<Buffer> {
    yield await this.read(ref);
  }

  exists(ref: string): boolean {
    return this.logs.has(ref);
  }

  delete(ref: string): Promise<void> {
    this.logs.delete(ref);
    return Promise.resolve();
  }

  collectGarbage(isLiveOp: (id: bigint) => boolean): Promise<string[]> {
    const gone: string[] = [];
    for (const [ref, e] of this.logs) {
      if (e.owner !== undefined && !isLiveOp(e.owner)) {
        this.logs.delete(ref);
        gone.push(ref);
      }
    }
    return Promise.resolve(gone);
  }

  close(): Promise<void> {
    return Promise.resolve();
  }
}

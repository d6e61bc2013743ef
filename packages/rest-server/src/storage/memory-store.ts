import { createHash } from 'node:crypto';
import type { Readable, Writable } from 'node:stream';
import type { ObjectType } from '../http/paths.js';
import {
  ExistsError,
  HashMismatchError,
  IncompleteBodyError,
  NoSpaceError,
  RepoMissingError,
} from './errors.js';
import type { FileRef, ListEntry, ObjectReader, Store, WriteOptions } from './types.js';

export interface MemoryStoreOptions {
  /** Simulated device capacity in bytes: writes past it fail like ENOSPC. */
  capacity?: number;
}

/** In-memory store for tests and ephemeral servers; objects are buffered whole, by nature. */
export class MemoryStore implements Store {
  private readonly repos = new Set<string>();
  private readonly files = new Map<string, Buffer>();
  private used = 0;
  private readonly capacity: number;

  constructor(opts: MemoryStoreOptions = {}) {
    this.capacity = opts.capacity ?? Number.POSITIVE_INFINITY;
  }

  private static repoKey(repo: readonly string[]): string {
    return repo.join('/');
  }

  private static key(file: FileRef): string {
    return `${MemoryStore.repoKey(file.repo)}\0${file.type}\0${file.name}`;
  }

  async createRepo(repo: readonly string[]): Promise<void> {
    this.repos.add(MemoryStore.repoKey(repo));
    return Promise.resolve();
  }

  stat(file: FileRef): Promise<number | undefined> {
    return Promise.resolve(this.files.get(MemoryStore.key(file))?.length);
  }

  open(file: FileRef): Promise<ObjectReader | undefined> {
    const buf = this.files.get(MemoryStore.key(file));
    if (!buf) return Promise.resolve(undefined);
    let open = true;
    const send = (dest: Writable, start: number, end: number): Promise<number> => {
      if (!open) return Promise.reject(new Error('object reader already released'));
      const part = buf.subarray(start, end + 1);
      return new Promise<number>((resolve) => dest.write(part, (err) => resolve(err ? 0 : part.length)));
    };
    return Promise.resolve({
      size: buf.length,
      sendTo: (dest: Writable, start: number, end: number) => {
        const sent = send(dest, start, end);
        open = false;
        return sent;
      },
      sendPart: send,
      close: () => {
        open = false;
      },
    });
  }

  async write(file: FileRef, body: Readable, opts: WriteOptions): Promise<number> {
    const key = MemoryStore.key(file);
    if (file.type === 'config' && !this.repos.has(MemoryStore.repoKey(file.repo))) {
      throw new RepoMissingError('repository does not exist');
    }
    if (this.files.has(key)) throw new ExistsError('file already exists');
    const hash = opts.expectedSha256 === undefined ? undefined : createHash('sha256');
    const chunks: Buffer[] = [];
    let n = 0;
    try {
      for await (const chunk of body as AsyncIterable<Buffer>) {
        n += chunk.length;
        if (this.used + n > this.capacity) throw new NoSpaceError('insufficient storage');
        hash?.update(chunk);
        chunks.push(chunk);
      }
    } catch (err) {
      if (err instanceof NoSpaceError) {
        body.resume();
        throw err;
      }
      throw new IncompleteBodyError(`upload aborted: ${(err as Error).message}`);
    }
    if (opts.size !== undefined && n !== opts.size)
      throw new IncompleteBodyError('body shorter than announced');
    if (hash && hash.digest('hex') !== opts.expectedSha256) {
      throw new HashMismatchError();
    }
    if (this.files.has(key)) throw new ExistsError('file already exists');
    this.files.set(key, Buffer.concat(chunks, n));
    this.used += n;
    if (file.type !== 'config') this.repos.add(MemoryStore.repoKey(file.repo));
    return n;
  }

  remove(file: FileRef): Promise<number | undefined> {
    const key = MemoryStore.key(file);
    const buf = this.files.get(key);
    if (buf) {
      this.files.delete(key);
      this.used -= buf.length;
    }
    return Promise.resolve(buf?.length);
  }

  async list(repo: readonly string[], type: ObjectType): Promise<AsyncIterable<ListEntry[]> | undefined> {
    const rk = MemoryStore.repoKey(repo);
    if (!this.repos.has(rk)) return undefined;
    const prefix = `${rk}\0${type}\0`;
    const out: ListEntry[] = [];
    for (const [k, v] of this.files)
      if (k.startsWith(prefix)) out.push({ name: k.slice(prefix.length), size: v.length });
    out.sort((a, b) => (a.name < b.name ? -1 : 1));
    return (async function* () {
      yield await Promise.resolve(out);
    })();
  }

  usage(): Promise<number> {
    return Promise.resolve(this.used);
  }
}

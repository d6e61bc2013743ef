// Per-operation output: <dir>/.inprogress/<ref>.log while written (followable live), then <dir>/<ref>.log.gz,
// with a <ref>.json sidecar (owner op, expiry). Task logs (t-) expire after 14 days; command outputs (c-) do not.
import { EventEmitter, once } from 'node:events';
import fs from 'node:fs';
import path from 'node:path';
import crypto from 'node:crypto';
import { promisify } from 'node:util';
import zlib from 'node:zlib';
import { NotFoundError } from '../errors.js';
import { writeFileAtomicSync } from '../config/atomic-write.js';
import type { CreateLogOptions, LogStore, LogWriter } from './types.js';

const gzip = promisify(zlib.gzip);
const gunzip = promisify(zlib.gunzip);

export const TASK_LOG_TTL_MS = 14 * 24 * 3600 * 1000;
export const DEFAULT_MAX_LOG_BYTES = 8 * 1024 * 1024;
const FOLLOW_CHUNK = 128 * 1024;
const REF_RE = /^[tc]-[A-Za-z0-9-]{1,100}$/;

interface LogMeta {
  ref: string;
  ownerOpId: string;
  createdAtMs: number;
  expiresAtMs: number;
  size: number;
  droppedBytes: number;
  finished: boolean;
}

interface Active {
  meta: LogMeta;
  fd: number;
  closed: boolean;
  closing?: Promise<void>;
  events: EventEmitter;
}

export function missingLogMessage(ref: string): string {
  return `file associated with log ${ref} not found, it may have expired.`;
}

export class FileLogStore implements LogStore {
  private readonly active = new Map<string, Active>();
  private readonly inprogress: string;

  private constructor(private readonly dir: string) {
    this.inprogress = path.join(dir, '.inprogress');
  }

  /** Opens the store, finalising logs left in progress by a crash. */
  static async open(dir: string): Promise<FileLogStore> {
    const store = new FileLogStore(dir);
    fs.mkdirSync(store.inprogress, { recursive: true, mode: 0o700 });
    // Task logs may print secrets a command echoed: the folder is private even if an older version made it 0755.
    fs.chmodSync(dir, 0o700);
    fs.chmodSync(store.inprogress, 0o700);
    for (const name of fs.readdirSync(store.inprogress)) {
      const ref = name.replace(/\.log$/, '');
      if (!REF_RE.test(ref)) continue;
      const meta = store.readMeta(ref) ?? store.newMeta(ref, {});
      fs.appendFileSync(
        store.partPath(ref),
        '\n[restora: log incomplete, the process stopped while it was written]\n',
      );
      await store.finalise(meta);
    }
    return store;
  }

  private partPath(ref: string) {
    return path.join(this.inprogress, `${ref}.log`);
  }
  private gzPath(ref: string) {
    return path.join(this.dir, `${ref}.log.gz`);
  }
  private metaPath(ref: string) {
    return path.join(this.dir, `${ref}.json`);
  }

  private readMeta(ref: string): LogMeta | undefined {
    try {
      return JSON.parse(fs.readFileSync(this.metaPath(ref), 'utf8')) as LogMeta;
    } catch {
      return undefined;
    }
  }

  private writeMeta(meta: LogMeta): void {
    writeFileAtomicSync(this.metaPath(meta.ref), JSON.stringify(meta), { mode: 0o600 });
  }

  private newMeta(ref: string, o: CreateLogOptions): LogMeta {
    const now = Date.now();
    const ttl = o.ttlMs ?? (ref.startsWith('t-') ? TASK_LOG_TTL_MS : 0);
    return {
      ref,
      ownerOpId: String(o.ownerOpId ?? 0n),
      createdAtMs: now,
      expiresAtMs: ttl > 0 ? now + ttl : 0,
      size: 0,
      droppedBytes: 0,
      finished: false,
    };
  }

  create(options: CreateLogOptions = {}): LogWriter {
    const ref = `${options.prefix ?? 't'}-${crypto.randomUUID()}`;
    const meta = this.newMeta(ref, options);
    this.writeMeta(meta);
    const fd = fs.openSync(this.partPath(ref), 'wx', 0o600);
    fs.fchmodSync(fd, 0o600);
    const a: Active = { meta, fd, closed: false, events: new EventEmitter() };
    a.events.setMaxListeners(0);
    this.active.set(ref, a);
    const max = options.maxBytes ?? DEFAULT_MAX_LOG_BYTES;
    return {
      ref,
      get size() {
        return meta.size;
      },
      write: (chunk) => {
        if (a.closed) return;
        const buf =
          typeof chunk === 'string'
            ? Buffer.from(chunk)
            : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
        const room = Math.max(0, max - meta.size);
        const part = buf.length <= room ? buf : buf.subarray(0, room);
        if (part.length) fs.writeSync(fd, part);
        meta.size += part.length;
        meta.droppedBytes += buf.length - part.length;
        if (part.length) a.events.emit('change');
      },
      close: () => this.closeWriter(a),
    };
  }

  private closeWriter(a: Active): Promise<void> {
    return (a.closing ??= this.doClose(a));
  }

  private async doClose(a: Active): Promise<void> {
    if (a.meta.droppedBytes > 0) {
      fs.writeSync(a.fd, `\n[restora: output truncated, ${a.meta.droppedBytes} bytes dropped]\n`);
    }
    fs.fsyncSync(a.fd);
    fs.closeSync(a.fd);
    a.closed = true;
    try {
      await this.finalise(a.meta);
    } finally {
      this.active.delete(a.meta.ref);
      a.events.emit('change');
    }
  }

  private async finalise(meta: LogMeta): Promise<void> {
    const raw = fs.readFileSync(this.partPath(meta.ref));
    writeFileAtomicSync(this.gzPath(meta.ref), await gzip(raw), { mode: 0o600 });
    this.writeMeta({ ...meta, size: raw.length, finished: true });
    fs.rmSync(this.partPath(meta.ref), { force: true });
  }

  exists(ref: string): boolean {
    return (
      REF_RE.test(ref) &&
      (this.active.has(ref) || fs.existsSync(this.gzPath(ref)) || fs.existsSync(this.partPath(ref)))
    );
  }

  async read(ref: string): Promise<Buffer> {
    if (!REF_RE.test(ref)) throw new NotFoundError(missingLogMessage(ref), 'log', ref);
    try {
      return await gunzip(await fs.promises.readFile(this.gzPath(ref)));
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
    }
    try {
      return await fs.promises.readFile(this.partPath(ref));
    } catch {
      throw new NotFoundError(missingLogMessage(ref), 'log', ref);
    }
  }

  async *follow(ref: string, options: { signal?: AbortSignal } = {}): AsyncIterable<Buffer> {
    const a = REF_RE.test(ref) ? this.active.get(ref) : undefined;
    if (!a) {
      const all = await this.read(ref);
      for (let i = 0; i < all.length; i += FOLLOW_CHUNK) yield all.subarray(i, i + FOLLOW_CHUNK);
      return;
    }
    // Our own fd keeps the in-progress file readable even after the writer finalises and unlinks it.
    const fh = await fs.promises.open(this.partPath(ref), 'r');
    let offset = 0;
    const buf = Buffer.alloc(FOLLOW_CHUNK);
    try {
      for (;;) {
        if (options.signal?.aborted) return;
        const wasClosed = a.closed;
        const { bytesRead } = await fh.read(buf, 0, buf.length, offset);
        if (bytesRead > 0) {
          offset += bytesRead;
          yield Buffer.from(buf.subarray(0, bytesRead));
          continue;
        }
        if (wasClosed) return;
        // Something was written or the writer closed while we were reading: read again without waiting.
        if (a.closed || a.meta.size > offset) continue;
        await once(a.events, 'change', options.signal ? { signal: options.signal } : {}).catch(
          () => undefined,
        );
      }
    } finally {
      await fh.close();
    }
  }

  async delete(ref: string): Promise<void> {
    if (!REF_RE.test(ref) || this.active.has(ref)) return;
    for (const p of [this.gzPath(ref), this.metaPath(ref), this.partPath(ref)])
      await fs.promises.rm(p, { force: true });
  }

  async collectGarbage(isLiveOp: (id: bigint) => boolean, nowMs = Date.now()): Promise<string[]> {
    const removed: string[] = [];
    for (const name of await fs.promises.readdir(this.dir)) {
      if (!name.endsWith('.json')) continue;
      const ref = name.slice(0, -'.json'.length);
      if (!REF_RE.test(ref) || this.active.has(ref)) continue;
      const meta = this.readMeta(ref);
      const owner = meta ? BigInt(meta.ownerOpId) : 0n;
      const expired = !meta || (meta.expiresAtMs > 0 && meta.expiresAtMs <= nowMs);
      if (expired || (owner !== 0n && !isLiveOp(owner))) {
        await this.delete(ref);
        removed.push(ref);
      }
    }
    return removed;
  }

  /** Finalises logs still being written (shutdown). */
  async close(): Promise<void> {
    await Promise.all([...this.active.values()].map((a) => this.closeWriter(a)));
  }
}

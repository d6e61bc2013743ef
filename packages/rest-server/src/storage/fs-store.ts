import { randomBytes } from 'node:crypto';
import {
  close,
  closeSync,
  constants,
  fstat,
  mkdirSync,
  open,
  promises as fsp,
  readdirSync,
  renameSync,
  statSync,
  unlinkSync,
  writevSync,
} from 'node:fs';
import { join, resolve as resolvePath, sep } from 'node:path';
import type { Readable, Writable } from 'node:stream';
import { sendFdRange } from './fd-sender.js';
import type { ObjectType } from '../http/paths.js';
import { OBJECT_TYPES } from '../http/paths.js';
import { readSmallBody, writeBodyToFd } from './body-writer.js';
import { ExistsError, HashMismatchError, NoSpaceError, RepoMissingError, isNoSpace } from './errors.js';
import { fsyncFd, syncDir } from './fs-sync.js';
import { DirIndex } from './dir-index.js';
import { listTypeDir } from './fs-list.js';
import { CommitError, commitSmall } from './native-commit.js';
import type { CommitSmall } from './native-commit.js';
import { uploadSha256 } from './sha256-thread.js';
import type { OffThreadSha256 } from './sha256-thread.js';
import type { FileRef, ListEntry, ObjectReader, Store, WriteOptions } from './types.js';

export interface FsStoreOptions {
  /** 0770/0660 instead of 0700/0600 (--group-accessible-repos). */
  groupAccessible?: boolean;
  /** false: small uploads take the TypeScript commit even when the native addon is loaded (tests, A/B runs). */
  nativeCommit?: boolean;
}

/**
 * Bodies up to this size (with a known length) are collected and verified in memory, then committed in one
 * thread-pool job by the native addon (create, write, fsync, close, rename, directory fsync). Each pool round trip
 * costs the event loop a wake-up and two context switches, which dominated small uploads: one job instead of three
 * made 64 KiB uploads 1.5x as fast (bench/versus.ts). Without the addon, `commitInPool` does the same in three.
 */
export const SMALL_BODY_MAX = 256 * 1024;

// Temp names: a random per-process prefix and a counter (O_EXCL catches the rare clash). Drawing random bytes for
// every upload cost a getpid syscall and a CSPRNG call each time.
const TEMP_PREFIX = randomBytes(6).toString('hex');
let tempCounter = 0;

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

/** Filesystem store with rest-server's exact on-disk layout: `data/<id[0:2]>/<id>`, other types flat. */
export class FsStore implements Store {
  readonly root: string;
  private readonly dirMode: number;
  private readonly fileMode: number;
  private readonly commitSmall: CommitSmall | undefined;
  /** Listings in memory, told of every upload we rename into place. */
  private readonly index = new DirIndex();

  constructor(root: string, opts: FsStoreOptions = {}) {
    this.root = resolvePath(root);
    this.dirMode = opts.groupAccessible ? 0o770 : 0o700;
    this.fileMode = opts.groupAccessible ? 0o660 : 0o600;
    this.commitSmall = opts.nativeCommit === false ? undefined : commitSmall;
  }

  repoDir(repo: readonly string[]): string {
    const dir = join(this.root, ...repo);
    // Folder names are validated upstream; this is the last guard against escaping the root.
    if (dir !== this.root && !dir.startsWith(this.root + sep))
      throw new Error('path escapes the data directory');
    return dir;
  }

  filePath(file: FileRef): string {
    const dir = this.repoDir(file.repo);
    if (file.type === 'config') return join(dir, 'config');
    if (file.type === 'data') return join(dir, 'data', file.name.slice(0, 2), file.name);
    return join(dir, file.type, file.name);
  }

  async createRepo(repo: readonly string[]): Promise<void> {
    const dir = this.repoDir(repo);
    // Synchronous, as rest-server's MkdirAll: 261 thread-pool round trips cost restic's init 40-160 ms of server
    // CPU (Go: 10-40 ms); the mkdir calls themselves take a few ms.
    const mode = this.dirMode;
    mkdirSync(dir, { recursive: true, mode });
    for (const t of OBJECT_TYPES) mkdirSync(`${dir}/${t}`, { recursive: true, mode });
    for (const h of HEX) mkdirSync(`${dir}/data/${h}`, { recursive: true, mode });
    // The new folders enter the listing index now (a readdir each, nearly all empty): the first listing after
    // restic's uploads then reads only the folders that changed and stats none of our own objects.
    setImmediate(() => void this.warmRepo(dir, OBJECT_TYPES).catch(() => undefined));
  }

  async stat(file: FileRef): Promise<number | undefined> {
    try {
      const st = await fsp.stat(this.filePath(file));
      if (!st.isFile()) throw new Error('not a regular file'); // rest-server: other stat errors → 500
      return st.size;
    } catch (err) {
      if (isMissing(err)) return undefined;
      throw err;
    }
  }

  open(file: FileRef): Promise<ObjectReader | undefined> {
    const path = this.filePath(file);
    return new Promise((resolve, reject) => {
      open(path, constants.O_RDONLY, (err, fd) => {
        if (err) return isMissing(err) ? resolve(undefined) : reject(err);
        fstat(fd, (serr, st) => {
          if (serr || !st.isFile()) {
            close(fd, () => undefined);
            return reject(serr ?? new Error('not a regular file'));
          }
          resolve(fdReader(fd, st.size));
        });
      });
    });
  }

  async write(file: FileRef, body: Readable, opts: WriteOptions): Promise<number> {
    if (file.type === 'config') return this.writeConfig(file, body, opts);
    if (opts.size !== undefined && opts.size <= SMALL_BODY_MAX)
      return this.writeSmall(file, body, opts.size, opts);
    const final = this.filePath(file);
    const dir = final.slice(0, final.lastIndexOf(sep));
    // The existence check and the temp file creation run side by side: one thread-pool round trip less.
    const [existing, tmp] = await Promise.allSettled([this.stat(file), this.openTemp(dir, file.name)]);
    if (tmp.status === 'rejected') throw tmp.reason;
    const { fd, temp } = tmp.value;
    let closed = false;
    let renamed = false;
    let hash: OffThreadSha256 | undefined;
    try {
      if (existing.status === 'rejected') throw existing.reason;
      if (existing.value !== undefined) throw new ExistsError('object already exists');
      if (opts.expectedSha256 !== undefined) hash = uploadSha256(opts.chunksOwned === true);
      const n = await writeBodyToFd(body, fd, opts.size, hash?.update);
      // The digest comes back from the hash thread while the file is being fsynced.
      const [, digest] = await Promise.all([fsyncFd(fd), hash?.digest()]);
      if (digest !== opts.expectedSha256) throw new HashMismatchError();
      closed = true;
      close(fd, () => undefined); // nothing to wait for: the data is on disk
      renameSync(temp, final); // microseconds; a thread-pool round trip cost 2-6 ms under load (bench/versus.ts)
      renamed = true;
      this.index.added(dir, file.name, n);
      await syncDir(dir); // on failure: 500, but the file stays (a retry would find it, like rest-server)
      return n;
    } catch (err) {
      hash?.discard();
      if (!closed) await closeFd(fd).catch(() => undefined);
      if (!renamed) await fsp.unlink(temp).catch(() => undefined);
      if (err instanceof ExistsError) body.resume(); // drain so the 403 can go out on this connection
      throw isNoSpace(err) ? new NoSpaceError('insufficient storage') : err;
    }
  }

  /** Same guarantees as the streaming path: verified body, temp file, fsync, rename, directory fsync. */
  private async writeSmall(file: FileRef, body: Readable, size: number, opts: WriteOptions): Promise<number> {
    const final = this.filePath(file);
    const dir = final.slice(0, final.lastIndexOf(sep));
    refuseExisting(final, body);
    const read = (): Promise<Buffer[]> => readSmallBody(body, size, opts.expectedSha256);
    if (this.commitSmall) {
      const chunks = await read();
      try {
        await this.commitSmall(
          dir,
          tempPath(dir, file.name),
          final,
          chunks,
          this.fileMode,
          opts.chunksOwned === true,
        );
        this.index.added(dir, file.name, size);
        return size;
      } catch (err) {
        const failure = commitFailure(err);
        if (failure) throw failure;
      }
      return this.commitInPool(dir, file.name, final, async () => chunks, size);
    }
    return this.commitInPool(dir, file.name, final, read, size);
  }

  /**
   * The small-upload commit in TypeScript: the create, the fsync and the directory fsync go to the pool; the write,
   * close and rename are synchronous (microseconds each, never waiting for the disk).
   */
  private async commitInPool(
    dir: string,
    name: string,
    final: string,
    read: () => Promise<Buffer[]>,
    size: number,
  ): Promise<number> {
    // The create stays in the thread pool: inode allocation is the costliest step of an upload in the kernel
    // (measured: a synchronous create on the event loop was slower), and the other core can do it.
    const { fd, temp } = await this.openTemp(dir, name);
    let closed = false;
    let renamed = false;
    try {
      const chunks = await read();
      writeAllSync(fd, chunks, size);
      await fsyncFd(fd);
      closed = true;
      closeSync(fd);
      renameSync(temp, final);
      renamed = true;
      this.index.added(dir, name, size);
      await syncDir(dir); // on failure: 500, but the file stays (a retry would find it, like rest-server)
      return size;
    } catch (err) {
      if (!closed) {
        try {
          closeSync(fd);
        } catch {
          // already failing
        }
      }
      if (!renamed) {
        try {
          unlinkSync(temp);
        } catch {
          // nothing to clean
        }
      }
      throw isNoSpace(err) ? new NoSpaceError('insufficient storage') : err;
    }
  }

  private async openTemp(dir: string, name: string): Promise<{ fd: number; temp: string }> {
    const flags = constants.O_RDWR | constants.O_CREAT | constants.O_EXCL;
    let created = false;
    for (let attempt = 0; ; attempt++) {
      const temp = tempPath(dir, name);
      try {
        return { fd: await openFd(temp, flags, this.fileMode), temp };
      } catch (err) {
        const code = (err as NodeJS.ErrnoException).code;
        if (code === 'ENOENT' && !created) {
          // Uploads work even when data/xx or the whole repository directory is missing.
          await fsp.mkdir(dir, { recursive: true, mode: this.dirMode });
          created = true;
          continue;
        }
        if (code === 'EEXIST' && attempt < 10) continue;
        if (isNoSpace(err)) throw new NoSpaceError('insufficient storage');
        throw err;
      }
    }
  }

  private async writeConfig(file: FileRef, body: Readable, opts: WriteOptions): Promise<number> {
    const dir = this.repoDir(file.repo);
    const final = join(dir, 'config');
    let fd: number;
    try {
      fd = await openFd(final, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL, this.fileMode);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'EEXIST') throw new ExistsError('config already exists');
      if (code === 'ENOENT') throw new RepoMissingError('repository does not exist');
      throw isNoSpace(err) ? new NoSpaceError('insufficient storage') : err;
    }
    try {
      const n = await writeBodyToFd(body, fd, opts.size);
      await fsyncFd(fd);
      await closeFd(fd);
      await syncDir(dir);
      return n;
    } catch (err) {
      // A failed config write must not leave a partial config behind (rest-server leaves it; we do not).
      await closeFd(fd).catch(() => undefined);
      await fsp.unlink(final).catch(() => undefined);
      throw isNoSpace(err) ? new NoSpaceError('insufficient storage') : err;
    }
  }

  async remove(file: FileRef): Promise<number | undefined> {
    const path = this.filePath(file);
    let size: number | undefined;
    try {
      size = (await fsp.stat(path)).size;
      await fsp.unlink(path);
      return size;
    } catch (err) {
      if (isMissing(err)) return size;
      throw err;
    }
  }

  async list(repo: readonly string[], type: ObjectType): Promise<AsyncIterable<ListEntry[]> | undefined> {
    const dir = this.repoDir(repo);
    try {
      // Synchronous: a cached directory stat takes microseconds, a thread-pool round trip far longer.
      if (!statSync(dir, { throwIfNoEntry: false })?.isDirectory()) return undefined;
    } catch (err) {
      if (isMissing(err)) return undefined;
      throw err;
    }
    return listTypeDir(join(dir, type), type === 'data', this.index);
  }

  async usage(): Promise<number> {
    return dirUsage(this.root);
  }

  /**
   * Reads the listings of the repositories below the root (folders holding a config, up to 4 levels down) into
   * the index: restic lists index/, snapshots/, keys/ and locks/ at the start of every command, and data/ in check
   * and prune; after a restart those listings then cost one stat per folder. The small type folders of every
   * repository come first, then data/, 16 data/xx folders per step. Steps run synchronously for up to `syncMs`
   * (the server calls this before it listens, so its first listings find the index filled instead of competing
   * with the warm-up), then one per event-loop turn, so a request never waits long behind one. Stops once the index
   * holds half its bound.
   */
  warmListings(syncMs = 0): Promise<void> {
    const deadline = performance.now() + syncMs;
    const steps = this.warmSteps();
    while (performance.now() < deadline && !this.index.filling) {
      const step = steps.next();
      if (step.done) return Promise.resolve();
      if (step.value.length > 0) this.index.listMany(step.value);
    }
    return (async () => {
      for (const step of steps) {
        if (this.index.filling) return;
        await new Promise<void>((r) => setImmediate(r));
        if (step.length > 0) this.index.listMany(step);
      }
    })();
  }

  /** The folder groups warmListings reads, in order; an empty group for each folder the walk visits. */
  private *warmSteps(): Generator<string[]> {
    const repos: string[] = [];
    for (const repo of repoDirs(this.root, 0)) {
      if (repo === undefined) {
        yield [];
        continue;
      }
      repos.push(repo);
      yield OBJECT_TYPES.filter((t) => t !== 'data').map((t) => `${repo}/${t}`);
    }
    for (const repo of repos) {
      const folders = subfolders(`${repo}/data`);
      for (let i = 0; i < folders.length; i += 16) yield folders.slice(i, i + 16);
    }
  }

  /** Reads the listings of `types` in one repository into the index, one folder (or 16 data/xx) per turn. */
  private async warmRepo(repo: string, types: readonly string[]): Promise<void> {
    for (const type of types) {
      const dir = `${repo}/${type}`;
      const folders = type === 'data' ? subfolders(dir) : [dir];
      for (let i = 0; i < folders.length; i += 16) {
        if (this.index.filling) return;
        await new Promise<void>((r) => setImmediate(r));
        this.index.listMany(folders.slice(i, i + 16));
      }
    }
  }
}

/** The repositories (folders holding a config) below `dir`, up to 4 levels down; undefined for each other folder. */
function* repoDirs(dir: string, depth: number): Generator<string | undefined> {
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return; // gone or unreadable: the listing itself will tell
  }
  yield entries.some((e) => e.name === 'config' && e.isFile()) ? dir : undefined;
  for (const e of entries) {
    if (!e.isDirectory() || depth >= 4 || (OBJECT_TYPES as readonly string[]).includes(e.name)) continue;
    yield* repoDirs(`${dir}/${e.name}`, depth + 1);
  }
}

/** The entries of `dir` (data/00..ff), or none when it is missing or unreadable. */
function subfolders(dir: string): string[] {
  try {
    // Names only (no Dirent objects): a name that is not a folder is skipped by the index's stat of it.
    return readdirSync(dir).map((name) => `${dir}/${name}`);
  } catch {
    return [];
  }
}

async function dirUsage(dir: string): Promise<number> {
  let total = 0;
  let entries;
  try {
    entries = await fsp.readdir(dir, { withFileTypes: true });
  } catch (err) {
    if (isMissing(err)) return 0;
    throw err;
  }
  for (const e of entries) {
    const p = join(dir, e.name);
    if (e.isDirectory()) total += await dirUsage(p);
    else if (e.isFile()) total += (await fsp.lstat(p)).size;
  }
  return total;
}

function fdReader(fd: number, size: number): ObjectReader {
  let open = true;
  // Once released the fd number may belong to another file: never read through it again.
  const released = (): Promise<number> => Promise.reject(new Error('object reader already released'));
  return {
    size,
    sendTo(dest: Writable, start: number, end: number): Promise<number> {
      if (!open) return released();
      open = false;
      return sendFdRange(fd, dest, start, end);
    },
    sendPart(dest: Writable, start: number, end: number): Promise<number> {
      return open ? sendFdRange(fd, dest, start, end, true) : released();
    },
    close(): void {
      if (open) close(fd, () => undefined);
      open = false;
    },
  };
}

export function isMissing(err: unknown): boolean {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  return code === 'ENOENT' || code === 'ENOTDIR';
}

/** The error a failed native commit answers with, or undefined when the pool path should take over. */
function commitFailure(err: unknown): unknown {
  if (!(err instanceof CommitError)) return err;
  // A concurrent upload of the same object won the race: it is never replaced.
  if (err.step === 'rename' && err.code === 'EEXIST') return new ExistsError('object already exists');
  // A missing directory or a taken temp name: the pool path creates the one or picks another.
  if (err.step === 'create' && (err.code === 'ENOENT' || err.code === 'EEXIST')) return undefined;
  return isNoSpace(err) ? new NoSpaceError('insufficient storage') : err;
}

/** Throws ExistsError (403) when `final` exists, after draining the body so the answer can go out. */
function refuseExisting(final: string, body: Readable): void {
  let existing;
  try {
    existing = statSync(final, { throwIfNoEntry: false });
  } catch (err) {
    if (!isMissing(err)) throw err;
  }
  if (!existing) return;
  body.resume(); // drain so the 403 (or 500) can go out on this connection
  if (!existing.isFile()) throw new Error('not a regular file');
  throw new ExistsError('object already exists');
}

function tempPath(dir: string, name: string): string {
  return join(dir, `${name}.rest-server-temp${TEMP_PREFIX}${(tempCounter++).toString(36)}`);
}

function writeAllSync(fd: number, bufs: Buffer[], total: number): void {
  let written = writevSync(fd, bufs, 0);
  // Short writes are rare (e.g. near ENOSPC): retry the rest, which then reports the real error.
  while (written < total) {
    const rest = Buffer.concat(bufs).subarray(written);
    const n = writevSync(fd, [rest], written);
    if (n === 0) throw new Error('write made no progress');
    written += n;
  }
}

function openFd(path: string, flags: number, mode: number): Promise<number> {
  return new Promise((resolve, reject) =>
    open(path, flags, mode, (err, fd) => (err ? reject(err) : resolve(fd))),
  );
}

function closeFd(fd: number): Promise<void> {
  return new Promise((resolve, reject) => close(fd, (err) => (err ? reject(err) : resolve())));
}

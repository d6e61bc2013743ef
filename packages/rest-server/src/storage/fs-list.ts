import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { ListEntry } from './types.js';

const ID_RE = /^[0-9a-f]{64}$/;

/**
 * Lists a type folder one directory at a time. Each directory is read synchronously (microseconds when
 * cached, far cheaper than one thread-pool hop per stat) and the event loop gets a turn between batches,
 * so a huge data/ listing streams without blocking other requests for long.
 */
export async function* listTypeDir(dir: string, nested: boolean): AsyncIterable<ListEntry[]> {
  if (!nested) {
    yield listFlat(dir);
    return;
  }
  let subdirs: string[];
  try {
    subdirs = readdirSync(dir, { withFileTypes: true })
      .filter((e) => e.isDirectory())
      .map((e) => e.name)
      .sort();
  } catch (err) {
    if (isMissingDir(err)) return;
    throw err;
  }
  let batch: ListEntry[] = [];
  for (const sub of subdirs) {
    for (const e of listFlat(join(dir, sub))) batch.push(e);
    if (batch.length >= 1000) {
      yield batch;
      batch = [];
      await new Promise<void>((r) => setImmediate(r));
    }
  }
  if (batch.length > 0) yield batch;
}

// Listings of settled directories, reused while the directory is unchanged (same inode, mtime and ctime):
// restic objects are immutable, so a directory whose entries have not changed holds the same sizes.
interface CachedDir {
  ino: number;
  mtimeMs: number;
  ctimeMs: number;
  entries: ListEntry[];
}
const cache = new Map<string, CachedDir>();
let cachedEntries = 0;
const MAX_CACHED_ENTRIES = 200_000;
// Files changed this recently may still be written in place by an outside tool: such a directory is not cached.
const SETTLE_MS = 2_000;

function listFlat(dir: string): ListEntry[] {
  const dst = statSync(dir, { throwIfNoEntry: false });
  if (!dst?.isDirectory()) return [];
  const hit = cache.get(dir);
  if (hit && hit.ino === dst.ino && hit.mtimeMs === dst.mtimeMs && hit.ctimeMs === dst.ctimeMs)
    return hit.entries;
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch (err) {
    if (isMissingDir(err)) return [];
    throw err;
  }
  const settledBefore = Date.now() - SETTLE_MS;
  let settled = dst.mtimeMs < settledBefore;
  const out: ListEntry[] = [];
  for (const name of names) {
    // Temp files and strays are not objects; rest-server lists every regular file, we list only valid ids.
    if (!ID_RE.test(name)) continue;
    const st = statSync(join(dir, name), { throwIfNoEntry: false });
    if (!st?.isFile()) continue;
    out.push({ name, size: st.size });
    if (st.ctimeMs >= settledBefore) settled = false;
  }
  if (hit) {
    cache.delete(dir);
    cachedEntries -= hit.entries.length;
  }
  if (settled && cachedEntries + out.length <= MAX_CACHED_ENTRIES) {
    cache.set(dir, { ino: dst.ino, mtimeMs: dst.mtimeMs, ctimeMs: dst.ctimeMs, entries: out });
    cachedEntries += out.length;
  }
  return out;
}

function isMissingDir(err: unknown): boolean {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  return code === 'ENOENT' || code === 'ENOTDIR';
}

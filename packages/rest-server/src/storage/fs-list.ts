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
  // Batches are rebuilt only when one of their directories changed: an unchanged batch is the same array as
  // last time, so the HTTP layer can reuse its serialisation (see handleList).
  const prev = batchMemo.get(dir);
  const next: Batch[] = [];
  let parts: ListEntry[][] = [];
  let count = 0;
  const emit = (): ListEntry[] => {
    const old = prev?.[next.length];
    const batch =
      old && sameParts(old.parts, parts) ? old.batch : parts.length === 1 ? parts[0]! : parts.flat();
    next.push({ parts, batch });
    parts = [];
    count = 0;
    return batch;
  };
  for (const sub of subdirs) {
    const entries = listFlat(join(dir, sub));
    if (entries.length === 0) continue;
    parts.push(entries);
    count += entries.length;
    if (count >= 1000) {
      yield emit();
      await new Promise<void>((r) => setImmediate(r));
    }
  }
  if (count > 0) yield emit();
  // The memo keeps its batches (and with them their serialisations) alive: bounded by entries and folders.
  const total = memoSize(next);
  memoEntries -= memoSize(batchMemo.get(dir)); // not prev: a concurrent listing may have reset the memo
  batchMemo.delete(dir);
  if (batchMemo.size >= MAX_MEMO_DIRS || memoEntries + total > MAX_MEMO_ENTRIES) {
    batchMemo.clear();
    memoEntries = 0;
  }
  if (total <= MAX_MEMO_ENTRIES) {
    batchMemo.set(dir, next);
    memoEntries += total;
  }
}

interface Batch {
  parts: ListEntry[][];
  batch: ListEntry[];
}
const batchMemo = new Map<string, Batch[]>();
let memoEntries = 0;
const MAX_MEMO_DIRS = 1024;
const MAX_MEMO_ENTRIES = 100_000;

function memoSize(batches: Batch[] | undefined): number {
  let n = 0;
  for (const b of batches ?? []) n += b.batch.length;
  return n;
}

function sameParts(a: ListEntry[][], b: ListEntry[][]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
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

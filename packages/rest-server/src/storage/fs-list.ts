import { readdirSync } from 'node:fs';
import type { DirIndex } from './dir-index.js';
import type { ListEntry } from './types.js';

/**
 * Lists a type folder one directory at a time. Each directory is read synchronously (microseconds when
 * cached, far cheaper than one thread-pool hop per stat) and the event loop gets a turn between batches,
 * so a huge data/ listing streams without blocking other requests for long.
 */
export async function* listTypeDir(
  dir: string,
  nested: boolean,
  index: DirIndex,
): AsyncIterable<ListEntry[]> {
  if (!nested) {
    yield index.list(dir);
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
  // `dir` is already normalised: plain concatenation (path.join's normalize was most of a cold listing's time).
  const paths = subdirs.map((sub) => `${dir}/${sub}`);
  for (let i = 0; i < paths.length; i += GROUP) {
    for (const entries of index.listMany(paths.slice(i, i + GROUP))) {
      if (entries.length === 0) continue;
      parts.push(entries);
      count += entries.length;
    }
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

// Folders whose stats are taken in one call; the event loop gets a turn between groups once 1,000 entries wait.
const GROUP = 64;

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

function isMissingDir(err: unknown): boolean {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  return code === 'ENOENT' || code === 'ENOTDIR';
}

import { scanObjects, stampDirs } from './dir-scan.js';
import type { ListEntry } from './types.js';

// Files another program wrote this recently may still be growing: their size is read again at the next listing.
const SETTLE_MS = 2_000;
// Bound on the entries held (about 150 bytes each): past it the index starts over and refills as listed.
const MAX_ENTRIES = 200_000;

interface DirState {
  ino: number;
  mtimeMs: number;
  ctimeMs: number;
  sizes: Map<string, number>;
  /** Names found on disk (not written by us) whose size may still change; undefined when none. */
  unsettled: Set<string> | undefined;
  /** The listing, rebuilt after a change; the same array while nothing changed (its JSON is reused). */
  entries: ListEntry[] | undefined;
}

/**
 * Listings of type folders kept in memory. A folder whose inode, mtime and ctime are what the index last read is
 * listed from memory; any other is read again (a readdir and a stat per object: one native call with the addon,
 * and the stats of many folders are one call too). The server's own uploads enter the index with their size when
 * they are renamed into place, and other programs' changes are seen at the next listing (readdir is the truth,
 * not a timer).
 */
const NO_SIZES: Map<string, number> = new Map();
const NONE: ListEntry[] = [];

export class DirIndex {
  private readonly dirs = new Map<string, DirState>();
  private total = 0;

  /** Whether the index holds half its bound or more (warming stops there). */
  get filling(): boolean {
    return this.total >= MAX_ENTRIES / 2;
  }

  /** The valid object files in `dir` with their sizes; [] when it is missing. */
  list(dir: string): ListEntry[] {
    return this.listMany([dir])[0] ?? [];
  }

  /** list() of each folder, their stats taken in one call (data/'s 256 folders). */
  listMany(dirs: string[]): ListEntry[][] {
    const stamps = stampDirs(dirs);
    return dirs.map((dir, i) =>
      this.listStamped(dir, stamps[i * 3] ?? 0, stamps[i * 3 + 1] ?? 0, stamps[i * 3 + 2] ?? 0),
    );
  }

  private listStamped(dir: string, ino: number, mtimeMs: number, ctimeMs: number): ListEntry[] {
    if (ino === 0) {
      this.forget(dir);
      return [];
    }
    let state = this.dirs.get(dir);
    const same = state && state.ino === ino && state.mtimeMs === mtimeMs && state.ctimeMs === ctimeMs;
    if (!state || !same || state.unsettled !== undefined) {
      state = this.read(dir, state);
      if (!state) return [];
      Object.assign(state, { ino, mtimeMs, ctimeMs });
    }
    state.entries ??=
      state.sizes.size === 0 ? NONE : Array.from(state.sizes, ([name, size]) => ({ name, size }));
    return state.entries;
  }

  /** Our own upload of `name` (size bytes) into `dir` is in place: the next read of `dir` need not stat it. */
  added(dir: string, name: string, size: number): void {
    const state = this.dirs.get(dir);
    if (!state) return; // not listed yet: the first listing reads it
    if (!state.sizes.has(name)) this.total++;
    if (state.sizes === NO_SIZES) state.sizes = new Map();
    state.sizes.set(name, size);
    state.entries = undefined;
    state.unsettled?.delete(name);
    if (state.unsettled?.size === 0) state.unsettled = undefined;
  }

  private read(dir: string, old: DirState | undefined): DirState | undefined {
    const scan = scanObjects(dir);
    if (!scan) return this.forget(dir);
    const settledBefore = Date.now() - SETTLE_MS;
    const { names, meta } = scan;
    // Most folders are empty (data/'s 256 in a small repository): they share one empty map and no set.
    const sizes = meta.length === 0 ? NO_SIZES : new Map<string, number>();
    let unsettled: Set<string> | undefined;
    for (let k = 0; k < meta.length / 2; k++) {
      const name = names.slice(k * 64, k * 64 + 64);
      sizes.set(name, meta[k * 2] ?? 0);
      // Our own uploads (known, settled) are complete; another program's recent file may still grow.
      const settled = old?.sizes.has(name) === true && old.unsettled?.has(name) !== true;
      if (!settled && (meta[k * 2 + 1] ?? 0) >= settledBefore) (unsettled ??= new Set()).add(name);
    }
    // Unchanged names keep the old array, so the HTTP layer reuses its serialisation.
    const entries = old && sameEntries(old.sizes, sizes) ? old.entries : undefined;
    this.forget(dir);
    if (this.total + sizes.size > MAX_ENTRIES) {
      this.dirs.clear();
      this.total = 0;
    }
    const state: DirState = { ino: 0, mtimeMs: 0, ctimeMs: 0, sizes, unsettled, entries };
    this.dirs.set(dir, state);
    this.total += sizes.size;
    return state;
  }

  private forget(dir: string): undefined {
    const state = this.dirs.get(dir);
    if (state) this.total -= state.sizes.size;
    this.dirs.delete(dir);
    return undefined;
  }
}

function sameEntries(a: Map<string, number>, b: Map<string, number>): boolean {
  if (a.size !== b.size) return false;
  for (const [name, size] of b) if (a.get(name) !== size) return false;
  return true;
}

// Reads over a committed index: one folder, search by name, diff of two snapshots.
import path from 'node:path';
import type Database from 'better-sqlite3';
import type { LsNode } from '@restora/restic';
import { byName, entryQuery, toNode, type EntryRow } from './entry-row.js';
import { unpackIds } from './varint.js';

export interface IndexedSnapshot {
  seq: number;
  id: string;
  time: string;
  files: number;
  dirs: number;
}

export interface SearchHit {
  node: LsNode;
  /** Full ids of the snapshots holding this version, oldest first. */
  snapshotIds: string[];
}

export interface Page<T> {
  items: T[];
  /** More items follow this page. */
  hasMore: boolean;
}

export type ChangeKind = 'added' | 'removed' | 'changed';

export interface DiffItem {
  kind: ChangeKind;
  /** The node in the newer snapshot (added, changed) or the older one (removed). */
  node: LsNode;
  /** Changed: the node in the older snapshot. */
  before?: LsNode;
}

export function prepareQueries(db: Database.Database) {
  const q = {
    snapshots: db.prepare<[], IndexedSnapshot>(
      'SELECT seq, id, time, files, dirs FROM snapshot ORDER BY time, seq',
    ),
    dirAt: db.prepare<[number, string], { dir: number }>(
      'SELECT s.dir FROM snapdir s JOIN path p ON p.id = s.path_id WHERE s.snapshot = ? AND p.path = ?',
    ),
    members: db.prepare<[number], { members: Buffer }>('SELECT members FROM dir WHERE id = ?'),
    entries: entryQuery<[string]>(db, 'WHERE id IN (SELECT value FROM json_each(?))'),
    entryNamed: entryQuery<[string, string]>(db, 'WHERE id IN (SELECT value FROM json_each(?)) AND name = ?'),
    search: entryQuery<[string]>(db, 'WHERE name GLOB ? ORDER BY path_id, name, id'),
    searchNoCase: entryQuery<[string]>(db, 'WHERE lower(name) GLOB lower(?) ORDER BY path_id, name, id'),
    pathOf: db.prepare<[number], { path: string }>('SELECT path FROM path WHERE id = ?'),
    dirsAtPath: db.prepare<[number], { snapshot: number; dir: number }>(
      'SELECT snapshot, dir FROM snapdir WHERE path_id = ?',
    ),
    snapdirs: db.prepare<[number], { path_id: number; path: string; dir: number }>(
      'SELECT s.path_id, p.path, s.dir FROM snapdir s JOIN path p ON p.id = s.path_id WHERE s.snapshot = ?',
    ),
  };

  const memberIds = (dir: number): number[] => {
    const row = q.members.get(dir);
    if (!row) throw new Error(`index listing ${dir} is missing`);
    return unpackIds(row.members);
  };
  const entriesOf = (ids: readonly number[]): EntryRow[] =>
    ids.length ? q.entries.all(JSON.stringify(ids)) : [];
  const childrenAt = (seq: number, dirPath: string): LsNode[] | undefined => {
    const at = q.dirAt.get(seq, dirPath);
    if (!at) return undefined;
    return entriesOf(memberIds(at.dir))
      .sort(byName)
      .map((r) => toNode(r, dirPath));
  };
  /** The node at `target` (not `/`), read alone from its parent's listing. */
  const nodeAt = (seq: number, target: string): LsNode | undefined => {
    const parent = path.posix.dirname(target);
    const at = q.dirAt.get(seq, parent);
    const row = at && q.entryNamed.all(JSON.stringify(memberIds(at.dir)), path.posix.basename(target))[0];
    return row && toNode(row, parent);
  };

  return {
    snapshots: () => q.snapshots.all(),

    /** What `restic ls <snap> <target>` prints: the node itself (unless `/`), then a directory's children. */
    list(seq: number, target: string): LsNode[] {
      if (target === '/') return childrenAt(seq, '/') ?? [];
      const self = nodeAt(seq, target);
      if (!self) return [];
      return self.type === 'dir' ? [self, ...(childrenAt(seq, target) ?? [])] : [self];
    },

    /** Node versions whose name matches the glob, each with the given snapshots that hold it. */
    search(
      glob: string,
      among: readonly IndexedSnapshot[],
      o: { ignoreCase: boolean; offset: number; limit: number },
    ): Page<SearchHit> {
      const bySeq = new Map(among.map((s) => [s.seq, s]));
      const sets = new Map<number, Set<number>>();
      const setOf = (dir: number) => {
        let s = sets.get(dir);
        if (!s) sets.set(dir, (s = new Set(memberIds(dir))));
        return s;
      };
      const paths = new Map<number, { path: string; dirs: { snapshot: number; dir: number }[] }>();
      const items: SearchHit[] = [];
      let skipped = 0;
      const stmt = o.ignoreCase ? q.searchNoCase : q.search;
      for (const row of stmt.iterate(glob)) {
        let at = paths.get(row.path_id);
        if (!at) {
          const dirs = q.dirsAtPath.all(row.path_id).filter((d) => bySeq.has(d.snapshot));
          at = { path: q.pathOf.get(row.path_id)?.path ?? '/', dirs };
          paths.set(row.path_id, at);
        }
        const holders = at.dirs.filter((d) => setOf(d.dir).has(row.id)).map((d) => bySeq.get(d.snapshot)!);
        if (!holders.length) continue; // a version only other snapshots (or none, before cleanup) hold
        if (skipped < o.offset) {
          skipped++;
          continue;
        }
        if (items.length === o.limit) return { items, hasMore: true };
        holders.sort((a, b) => (a.time < b.time ? -1 : a.time > b.time ? 1 : a.seq - b.seq));
        items.push({ node: toNode(row, at.path), snapshotIds: holders.map((s) => s.id) });
      }
      return { items, hasMore: false };
    },

    /** Added, removed and changed nodes from snapshot `a` to `b`, ordered by path. */
    diff(a: number, b: number): DiffItem[] {
      const before = new Map(q.snapdirs.all(a).map((r) => [r.path_id, r]));
      const after = new Map(q.snapdirs.all(b).map((r) => [r.path_id, r]));
      // listings that differ, and the entry ids only one side holds (fetched below in one query)
      const pairs: { path: string; gone: number[]; came: number[] }[] = [];
      const wanted: number[] = [];
      for (const id of new Set([...before.keys(), ...after.keys()])) {
        const x = before.get(id);
        const y = after.get(id);
        if (x && y && x.dir === y.dir) continue;
        const xs = new Set(x ? memberIds(x.dir) : []);
        const ys = new Set(y ? memberIds(y.dir) : []);
        const gone = [...xs].filter((e) => !ys.has(e));
        const came = [...ys].filter((e) => !xs.has(e));
        pairs.push({ path: (x ?? y)!.path, gone, came });
        wanted.push(...gone, ...came);
      }
      const rows = new Map(entriesOf(wanted).map((r) => [r.id, r]));
      const out: DiffItem[] = [];
      for (const { path: dirPath, gone, came } of pairs) {
        const cameByName = new Map(came.map((e) => rows.get(e)!).map((r) => [r.name, r]));
        for (const r of gone.map((e) => rows.get(e)!)) {
          const now = cameByName.get(r.name);
          if (!now) {
            out.push({ kind: 'removed', node: toNode(r, dirPath) });
            continue;
          }
          cameByName.delete(r.name);
          // a directory's own metadata changes whenever its content does: its content is reported instead
          if (r.type === 'dir' && now.type === 'dir') continue;
          out.push({ kind: 'changed', node: toNode(now, dirPath), before: toNode(r, dirPath) });
        }
        for (const r of cameByName.values()) out.push({ kind: 'added', node: toNode(r, dirPath) });
      }
      return out.sort((p, q2) => (p.node.path < q2.node.path ? -1 : p.node.path > q2.node.path ? 1 : 0));
    },
  };
}

export type IndexQueries = ReturnType<typeof prepareQueries>;

// Streams one snapshot's `restic ls --json` into the index. restic prints the tree depth-first (a directory,
// then everything under it), so a directory's listing is complete when a node outside it arrives: memory holds
// only the open directories' nodes (depth x widest directory), whatever the snapshot's size. A listing seen before
// (same path, same nodes) is reused whole; only a changed one has its entries looked up one by one.
import crypto from 'node:crypto';
import path from 'node:path';
import type Database from 'better-sqlite3';
import type { LsNode } from '@restora/restic';
import { entryDigest, entryFields, entryQuery, hash48, sameEntry } from './entry-row.js';
import { packIds } from './varint.js';

interface Frame {
  path: string;
  pathId: number;
  nodes: LsNode[];
}

export interface SnapshotMeta {
  id: string;
  /** Read when the listing ends (restic prints the snapshot line first). */
  readonly time: string;
}

export interface IndexedCounts {
  files: number;
  dirs: number;
}

export function prepareWriter(db: Database.Database) {
  const q = {
    entryByHash: entryQuery<[number]>(db, 'WHERE hash = ?'),
    insertEntry: db.prepare(
      'INSERT INTO entry (hash, path_id, name, type, size, mode, uid, gid, mtime, atime, ctime) VALUES (?,?,?,?,?,?,?,?,?,?,?)',
    ),
    dirByHash: db.prepare<[number], { id: number; members: Buffer }>(
      'SELECT id, members FROM dir WHERE hash = ?',
    ),
    insertDir: db.prepare('INSERT INTO dir (hash, members) VALUES (?, ?)'),
    pathId: db.prepare<[string], { id: number }>('SELECT id FROM path WHERE path = ?'),
    insertPath: db.prepare('INSERT INTO path (path) VALUES (?)'),
    insertSnapshot: db.prepare(
      'INSERT INTO snapshot (id, time, files, dirs, indexed_ms) VALUES (?, ?, 0, 0, ?)',
    ),
    finishSnapshot: db.prepare('UPDATE snapshot SET files = ?, dirs = ?, time = ? WHERE seq = ?'),
    dirByRaw: db.prepare<[Buffer], { dir: number }>('SELECT dir FROM dir_raw WHERE raw = ?'),
    insertRaw: db.prepare('INSERT OR IGNORE INTO dir_raw (raw, dir) VALUES (?, ?)'),
    insertSnapdir: db.prepare('INSERT OR REPLACE INTO snapdir (snapshot, path_id, dir) VALUES (?, ?, ?)'),
  };

  const pathIdOf = (p: string): number => q.pathId.get(p)?.id ?? Number(q.insertPath.run(p).lastInsertRowid);

  const entryIdOf = (f: (string | number | null)[], digest: Buffer): number => {
    const h = digest.readUIntBE(0, 6);
    for (const row of q.entryByHash.all(h)) if (sameEntry(row, f)) return row.id;
    return Number(q.insertEntry.run(h, ...f).lastInsertRowid);
  };

  const dirIdOf = (members: number[]): number => {
    const blob = packIds(members.sort((a, b) => a - b));
    const h = hash48(blob);
    for (const row of q.dirByHash.all(h)) if (row.members.equals(blob)) return row.id;
    return Number(q.insertDir.run(h, blob).lastInsertRowid);
  };

  /** Writes the snapshot's rows; the caller wraps this in one transaction (all or nothing). */
  return async function write(
    snap: SnapshotMeta,
    nodes: AsyncIterable<LsNode>,
    now: number,
  ): Promise<IndexedCounts> {
    const seq = Number(q.insertSnapshot.run(snap.id, snap.time, now).lastInsertRowid);
    const counts: IndexedCounts = { files: 0, dirs: 0 };
    const stack: Frame[] = [{ path: '/', pathId: pathIdOf('/'), nodes: [] }];
    const close = (frame: Frame) => {
      const fields = frame.nodes.map((n) => entryFields(frame.pathId, n));
      const digests = fields.map(entryDigest);
      // the path is in every entry's fields; an empty directory's listing is keyed by its path alone
      const key = crypto
        .createHash('sha256')
        .update(String(frame.pathId))
        .update(Buffer.concat(digests))
        .digest();
      let dir = q.dirByRaw.get(key)?.dir;
      if (dir === undefined) {
        dir = dirIdOf(fields.map((f, i) => entryIdOf(f, digests[i]!)));
        q.insertRaw.run(key, dir);
      }
      q.insertSnapdir.run(seq, frame.pathId, dir);
      counts.dirs++;
    };
    for await (const n of nodes) {
      const parent = path.posix.dirname(n.path);
      while (stack.length > 1 && stack[stack.length - 1]!.path !== parent) close(stack.pop()!);
      const top = stack[stack.length - 1]!;
      if (top.path !== parent) throw new Error(`restic ls printed ${n.path} outside the tree order`);
      top.nodes.push(n);
      if (n.type === 'dir') stack.push({ path: n.path, pathId: pathIdOf(n.path), nodes: [] });
      else counts.files++;
    }
    while (stack.length) close(stack.pop()!);
    q.finishSnapshot.run(counts.files, counts.dirs, snap.time, seq);
    return counts;
  };
}

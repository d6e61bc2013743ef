// One stored node version and its conversion back to the node restic printed.
import crypto from 'node:crypto';
import path from 'node:path';
import type Database from 'better-sqlite3';
import type { LsNode } from '@restora/restic';

export interface EntryRow {
  id: number;
  path_id: number;
  name: string;
  type: string;
  size: number | null;
  mode: number | null;
  uid: number | null;
  gid: number | null;
  mtime: string | null;
  atime: string | null;
  ctime: string | null;
}

const ENTRY_COLUMNS = 'id, path_id, name, type, size, mode, uid, gid, mtime, atime, ctime';

type EntryTuple = [
  number,
  number,
  string,
  string,
  number | null,
  number | null,
  number | null,
  number | null,
  string | null,
  string | null,
  string | null,
];

const rowOf = (t: EntryTuple): EntryRow => ({
  id: t[0],
  path_id: t[1],
  name: t[2],
  type: t[3],
  size: t[4],
  mode: t[5],
  uid: t[6],
  gid: t[7],
  mtime: t[8],
  atime: t[9],
  ctime: t[10],
});

/**
 * Entry rows selected by `where`, read as arrays: better-sqlite3 builds a row object key by key, which costs a
 * folder read more than the query itself; a literal of fixed shape is cheap.
 */
export function entryQuery<P extends unknown[]>(db: Database.Database, where: string) {
  const stmt = db.prepare<P, EntryTuple>(`SELECT ${ENTRY_COLUMNS} FROM entry ${where}`).raw(true);
  return {
    all: (...params: P): EntryRow[] => stmt.all(...params).map(rowOf),
    *iterate(...params: P): Generator<EntryRow> {
      for (const t of stmt.iterate(...params)) yield rowOf(t);
    },
  };
}

/** The fields of a node the index keeps, in a fixed order (hashing and comparing use the same list). */
export function entryFields(pathId: number, n: LsNode): (string | number | null)[] {
  return [
    pathId,
    n.name,
    n.type,
    n.size ?? null,
    n.mode ?? null,
    n.uid ?? null,
    n.gid ?? null,
    n.mtime ?? null,
    n.atime ?? null,
    n.ctime ?? null,
  ];
}

/** SHA-1 of an entry's fields: its first 48 bits are the lookup key, all of it goes into its listing's digest. */
export function entryDigest(f: readonly (string | number | null)[]): Buffer {
  const key = f.map((p) => (p === null ? '\u0001' : `${typeof p}:${p}`)).join('\u0000');
  return crypto.createHash('sha1').update(key).digest();
}

/** 48 bits of SHA-1 of a listing blob: a lookup key only; every hit is compared in full before reuse. */
export const hash48 = (blob: Uint8Array): number =>
  crypto.createHash('sha1').update(blob).digest().readUIntBE(0, 6);

/** A stored row holds exactly these fields (in entryFields' order). */
export function sameEntry(row: EntryRow, f: readonly (string | number | null)[]): boolean {
  const { path_id, name, type, size, mode, uid, gid, mtime, atime, ctime } = row;
  return [path_id, name, type, size, mode, uid, gid, mtime, atime, ctime].every((v, i) => v === f[i]);
}

export function toNode(row: EntryRow, dirPath: string): LsNode {
  const node: LsNode = { name: row.name, type: row.type, path: path.posix.join(dirPath, row.name) };
  if (row.uid !== null) node.uid = row.uid;
  if (row.gid !== null) node.gid = row.gid;
  if (row.size !== null) node.size = row.size;
  if (row.mode !== null) node.mode = row.mode;
  if (row.mtime !== null) node.mtime = row.mtime;
  if (row.atime !== null) node.atime = row.atime;
  if (row.ctime !== null) node.ctime = row.ctime;
  return node;
}

/** Byte order, as restic sorts a directory. */
export const byName = (a: { name: string }, b: { name: string }) =>
  a.name < b.name ? -1 : a.name > b.name ? 1 : 0;

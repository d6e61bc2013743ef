// One repository's index file: a writer connection (one write at a time, each snapshot one transaction) and a
// reader connection that sees only committed snapshots. A file that fails its check is deleted and started
// afresh: the caller re-indexes, and reads fall back to restic meanwhile (never a wrong answer).
import fs from 'node:fs';
import Database from 'better-sqlite3';
import type { LsNode } from '@restora/restic';
import { prepareQueries, type IndexedSnapshot, type IndexQueries } from './index-queries.js';
import { prepareWriter, type IndexedCounts, type SnapshotMeta } from './index-writer.js';
import { SCHEMA, SCHEMA_VERSION } from './schema.js';
import { unpackIds } from './varint.js';

/** The index cannot answer (damaged on disk): serve the request from restic and rebuild. */
export class IndexDamagedError extends Error {}

const SIDE_FILES = ['', '-wal', '-shm', '-journal'];

export function removeIndexFile(file: string): void {
  for (const s of SIDE_FILES) fs.rmSync(file + s, { force: true });
}

function openChecked(file: string): Database.Database {
  const db = new Database(file);
  try {
    db.pragma('journal_mode = WAL');
    const version = db.pragma('user_version', { simple: true }) as number;
    if (version !== 0 && version !== SCHEMA_VERSION)
      throw new Error(`index schema ${version} is not ${SCHEMA_VERSION}`);
    if (version !== 0 && db.pragma('quick_check', { simple: true }) !== 'ok')
      throw new Error('index failed its check');
    if (version === 0) {
      db.pragma('auto_vacuum = INCREMENTAL');
      db.exec('VACUUM');
      db.exec(SCHEMA);
      db.pragma(`user_version = ${SCHEMA_VERSION}`);
    }
    db.pragma('synchronous = NORMAL');
    return db;
  } catch (err) {
    db.close();
    throw err;
  }
}

export class RepoIndex {
  private writing: Promise<unknown> = Promise.resolve();
  private closed = false;

  private constructor(
    readonly file: string,
    private readonly db: Database.Database,
    private readonly reader: Database.Database,
    private readonly queries: IndexQueries,
    /** The file was damaged or of another version and was started afresh. */
    readonly rebuilt: boolean,
  ) {}

  static open(file: string): RepoIndex {
    let db: Database.Database;
    let rebuilt = false;
    try {
      db = openChecked(file);
    } catch {
      removeIndexFile(file);
      db = openChecked(file);
      rebuilt = true;
    }
    const reader = new Database(file);
    reader.pragma('query_only = ON');
    reader.pragma('mmap_size = 268435456'); // folder reads from the page cache, not through read() calls
    return new RepoIndex(file, db, reader, prepareQueries(reader), rebuilt);
  }

  /** Committed snapshots, oldest first. */
  snapshots(): IndexedSnapshot[] {
    return this.read(() => this.queries.snapshots());
  }

  /** The indexed snapshot a full id or an unambiguous prefix names. */
  find(idOrPrefix: string): IndexedSnapshot | undefined {
    const id = idOrPrefix.toLowerCase();
    const hits = this.snapshots().filter((s) => s.id.startsWith(id));
    return hits.length === 1 ? hits[0] : undefined;
  }

  list(seq: number, target: string): LsNode[] {
    return this.read(() => this.queries.list(seq, target));
  }

  search(...args: Parameters<IndexQueries['search']>): ReturnType<IndexQueries['search']> {
    return this.read(() => this.queries.search(...args));
  }

  diff(a: number, b: number): ReturnType<IndexQueries['diff']> {
    return this.read(() => this.queries.diff(a, b));
  }

  /** Bytes on disk (database and its write-ahead log). */
  sizeBytes(): number {
    let total = 0;
    for (const s of ['', '-wal']) {
      try {
        total += fs.statSync(this.file + s).size;
      } catch {
        // not there: nothing to count
      }
    }
    return total;
  }

  /** Indexes one snapshot from its streamed listing; nothing of it is visible unless all of it is. */
  add(snap: SnapshotMeta, nodes: AsyncIterable<LsNode>, now: number): Promise<IndexedCounts> {
    return this.exclusive(async () => {
      const write = prepareWriter(this.db);
      this.db.exec('BEGIN');
      try {
        const counts = await write(snap, nodes, now);
        if (this.closed) throw new Error('index closed while indexing');
        this.db.exec('COMMIT');
        this.db.pragma('wal_checkpoint(TRUNCATE)'); // the log back into the file: its size is the index's
        return counts;
      } catch (err) {
        if (this.db.open && this.db.inTransaction) this.db.exec('ROLLBACK');
        throw err;
      }
    });
  }

  /** Drops snapshots and every listing and entry no remaining snapshot holds, and returns the space. */
  remove(ids: readonly string[]): Promise<number> {
    return this.exclusive(() => {
      const seqOf = this.db.prepare<[string], { seq: number }>('SELECT seq FROM snapshot WHERE id = ?');
      const dropDirs = this.db.prepare('DELETE FROM snapdir WHERE snapshot = ?');
      const drop = this.db.prepare('DELETE FROM snapshot WHERE seq = ?');
      const tx = this.db.transaction(() => {
        let n = 0;
        for (const id of ids) {
          const row = seqOf.get(id);
          if (!row) continue;
          dropDirs.run(row.seq);
          drop.run(row.seq);
          n++;
        }
        if (n) this.collectGarbage();
        return n;
      });
      const n = tx();
      if (n) this.db.pragma('incremental_vacuum');
      this.db.pragma('wal_checkpoint(TRUNCATE)');
      return n;
    });
  }

  close(): void {
    this.closed = true;
    this.reader.close();
    if (!this.db.inTransaction) this.db.close();
    else void this.writing.finally(() => this.db.close());
  }

  private collectGarbage(): void {
    this.db.exec('DELETE FROM dir WHERE id NOT IN (SELECT DISTINCT dir FROM snapdir)');
    this.db.exec('DELETE FROM dir_raw WHERE dir NOT IN (SELECT id FROM dir)');
    this.db.exec('CREATE TEMP TABLE IF NOT EXISTS live (id INTEGER PRIMARY KEY)');
    this.db.exec('DELETE FROM live');
    const add = this.db.prepare('INSERT OR IGNORE INTO live (id) VALUES (?)');
    const dirs = this.db.prepare<[], { members: Buffer }>('SELECT members FROM dir').all();
    for (const row of dirs) for (const id of unpackIds(row.members)) add.run(id);
    this.db.exec('DELETE FROM entry WHERE id NOT IN (SELECT id FROM live)');
    this.db.exec('DELETE FROM path WHERE id NOT IN (SELECT DISTINCT path_id FROM snapdir)');
    this.db.exec('DELETE FROM live');
  }

  private read<T>(fn: () => T): T {
    try {
      return fn();
    } catch (err) {
      throw new IndexDamagedError(`snapshot index ${this.file} cannot be read: ${String(err)}`);
    }
  }

  private exclusive<T>(fn: () => T | Promise<T>): Promise<T> {
    const run = this.writing.then(fn, fn);
    this.writing = run.catch(() => undefined);
    return run;
  }
}

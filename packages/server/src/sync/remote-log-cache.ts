// Logs fetched from clients, kept (gzipped, in sync.sqlite) once their operation has finished, so the host shows
// them while the client is offline. A row goes when its local operation copy is gone.
import zlib from 'node:zlib';
import Database, { type Database as Db } from 'better-sqlite3';
import { preparePrivateDatabase } from '../secrets/private-file.js';

export class RemoteLogCache {
  private constructor(private readonly db: Db) {}

  static open(file: string): RemoteLogCache {
    preparePrivateDatabase(file);
    const db = new Database(file);
    db.pragma('journal_mode = WAL');
    db.exec(
      'CREATE TABLE IF NOT EXISTS remote_log (ref TEXT PRIMARY KEY, local_op_id INTEGER NOT NULL, data BLOB NOT NULL)',
    );
    return new RemoteLogCache(db);
  }

  get(ref: string): Buffer | undefined {
    const row = this.db.prepare('SELECT data FROM remote_log WHERE ref = ?').pluck().get(ref) as
      Buffer | undefined;
    return row && zlib.gunzipSync(row);
  }

  put(ref: string, localOpId: bigint, data: Buffer): void {
    this.db
      .prepare('INSERT OR REPLACE INTO remote_log (ref, local_op_id, data) VALUES (?, ?, ?)')
      .run(ref, localOpId, zlib.gzipSync(data));
  }

  /** Drops logs whose operation copy no longer exists (revoked peer, client-side delete, history GC). */
  prune(isLiveOp: (id: bigint) => boolean): number {
    const rows = this.db.prepare('SELECT ref, local_op_id AS id FROM remote_log').safeIntegers().all() as {
      ref: string;
      id: bigint;
    }[];
    const gone = rows.filter((r) => !isLiveOp(r.id)).map((r) => r.ref);
    const del = this.db.prepare('DELETE FROM remote_log WHERE ref = ?');
    this.db.transaction(() => gone.forEach((ref) => del.run(ref)))();
    return gone.length;
  }

  close(): void {
    this.db.close();
  }
}

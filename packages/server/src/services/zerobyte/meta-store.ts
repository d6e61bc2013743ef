// Sidecar rows for Zerobyte-only fields (names, statuses, cached stats, schedule extras, destinations),
// keyed by the config object they belong to. The config stays the single source of repos and plans.
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';

export type MetaKind =
  'repository' | 'schedule' | 'destination' | 'assignment' | 'plan-hooks' | 'task' | 'retry';

export class MetaStore {
  readonly db: Database.Database;

  constructor(file: string) {
    if (file !== ':memory:') fs.mkdirSync(path.dirname(file), { recursive: true });
    this.db = new Database(file);
    if (file !== ':memory:') this.db.pragma('journal_mode = WAL');
    this.db
      .exec(`CREATE TABLE IF NOT EXISTS zb_meta (kind TEXT NOT NULL, key TEXT NOT NULL, json TEXT NOT NULL,
      PRIMARY KEY (kind, key));
      CREATE TABLE IF NOT EXISTS zb_seq (kind TEXT PRIMARY KEY, value INTEGER NOT NULL)`);
  }

  get<T>(kind: MetaKind, key: string): T | undefined {
    const row = this.db.prepare('SELECT json FROM zb_meta WHERE kind = ? AND key = ?').get(kind, key) as
      { json: string } | undefined;
    return row ? (JSON.parse(row.json) as T) : undefined;
  }

  put(kind: MetaKind, key: string, value: unknown): void {
    this.db
      .prepare(
        'INSERT INTO zb_meta (kind, key, json) VALUES (?,?,?) ON CONFLICT(kind, key) DO UPDATE SET json = excluded.json',
      )
      .run(kind, key, JSON.stringify(value));
  }

  delete(kind: MetaKind, key: string): void {
    this.db.prepare('DELETE FROM zb_meta WHERE kind = ? AND key = ?').run(kind, key);
  }

  list<T>(kind: MetaKind): { key: string; value: T }[] {
    const rows = this.db.prepare('SELECT key, json FROM zb_meta WHERE kind = ? ORDER BY key').all(kind) as {
      key: string;
      json: string;
    }[];
    return rows.map((r) => ({ key: r.key, value: JSON.parse(r.json) as T }));
  }

  /** Monotonic numeric ids (schedules, destinations), never reused. */
  nextId(kind: MetaKind): number {
    const tx = this.db.transaction(() => {
      const row = this.db.prepare('SELECT value FROM zb_seq WHERE kind = ?').get(kind) as
        { value: number } | undefined;
      const next = (row?.value ?? 0) + 1;
      this.db
        .prepare(
          'INSERT INTO zb_seq (kind, value) VALUES (?, ?) ON CONFLICT(kind) DO UPDATE SET value = excluded.value',
        )
        .run(kind, next);
      return next;
    });
    return tx();
  }

  close(): void {
    this.db.close();
  }
}

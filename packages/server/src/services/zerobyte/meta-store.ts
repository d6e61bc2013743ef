// Sidecar rows for Zerobyte-only fields (names, statuses, cached stats, schedule extras, destinations),
// keyed by the config object they belong to. The config stays the single source of repos and plans.
// Rows that hold credentials (repository backend configs, notification destinations) are sealed at rest.
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { isSealed, SealedValueError, type SecretBox } from '../../secrets/box.js';
import { preparePrivateDatabase } from '../../secrets/private-file.js';

export type MetaKind =
  | 'repository'
  | 'schedule'
  | 'destination'
  | 'assignment'
  | 'plan-hooks'
  | 'task'
  | 'retry'
  | 'volume'
  | 'order'
  | 'user-profile';

/** Kinds whose rows carry secrets (backend keys and passwords, notification tokens and URLs, backup webhook headers, share passwords). */
const SEALED_KINDS: ReadonlySet<MetaKind> = new Set(['repository', 'destination', 'schedule', 'volume']);

export class MetaStoreSecretsError extends Error {}

export class MetaStore {
  readonly db: Database.Database;

  /** `secrets` seals the secret-bearing rows; without it (tests) they are stored as JSON. */
  constructor(
    file: string,
    /** Also seals the other Zerobyte secrets kept beside it (zerobyte/restic.pass). */
    readonly secrets?: SecretBox,
  ) {
    if (file !== ':memory:') {
      fs.mkdirSync(path.dirname(file), { recursive: true });
      // Sessions, API keys and backend credentials: 0600 (and its -wal/-shm) whatever the umask.
      preparePrivateDatabase(file);
    }
    this.db = new Database(file);
    if (file !== ':memory:') this.db.pragma('journal_mode = WAL');
    // Overwritten rows (e.g. plaintext replaced by its sealed form) are zeroed, not left in free pages.
    this.db.pragma('secure_delete = ON');
    this.db
      .exec(`CREATE TABLE IF NOT EXISTS zb_meta (kind TEXT NOT NULL, key TEXT NOT NULL, json TEXT NOT NULL,
      PRIMARY KEY (kind, key));
      CREATE TABLE IF NOT EXISTS zb_seq (kind TEXT PRIMARY KEY, value INTEGER NOT NULL)`);
    if (secrets) this.sealLegacyRows(file);
  }

  /** Seals rows written in plaintext (older versions), and fails naming every row the key cannot open. */
  private sealLegacyRows(file: string): void {
    const problems: string[] = [];
    const update = this.db.prepare('UPDATE zb_meta SET json = ? WHERE kind = ? AND key = ?');
    const rows = this.db.prepare('SELECT kind, key, json FROM zb_meta').all() as {
      kind: MetaKind;
      key: string;
      json: string;
    }[];
    this.db.transaction(() => {
      for (const r of rows) {
        if (!SEALED_KINDS.has(r.kind)) continue;
        if (!isSealed(r.json)) update.run(this.encode(r.kind, r.json), r.kind, r.key);
        else
          try {
            this.secrets!.open(r.json);
          } catch (e) {
            if (!(e instanceof SealedValueError)) throw e;
            problems.push(`${r.kind} "${r.key}": ${e.message}`);
          }
      }
    })();
    if (problems.length)
      throw new MetaStoreSecretsError(`${file} holds secrets that cannot be opened: ${problems.join('; ')}`);
  }

  private encode(kind: MetaKind, json: string): string {
    return this.secrets && SEALED_KINDS.has(kind) ? this.secrets.seal(json) : json;
  }

  private decode<T>(json: string): T {
    if (!isSealed(json)) return JSON.parse(json) as T;
    if (!this.secrets) throw new MetaStoreSecretsError('a sealed sidecar row needs the secret key');
    return JSON.parse(this.secrets.open(json)) as T;
  }

  get<T>(kind: MetaKind, key: string): T | undefined {
    const row = this.db.prepare('SELECT json FROM zb_meta WHERE kind = ? AND key = ?').get(kind, key) as
      { json: string } | undefined;
    return row ? this.decode<T>(row.json) : undefined;
  }

  put(kind: MetaKind, key: string, value: unknown): void {
    this.db
      .prepare(
        'INSERT INTO zb_meta (kind, key, json) VALUES (?,?,?) ON CONFLICT(kind, key) DO UPDATE SET json = excluded.json',
      )
      .run(kind, key, this.encode(kind, JSON.stringify(value)));
  }

  delete(kind: MetaKind, key: string): void {
    this.db.prepare('DELETE FROM zb_meta WHERE kind = ? AND key = ?').run(kind, key);
  }

  list<T>(kind: MetaKind): { key: string; value: T }[] {
    const rows = this.db.prepare('SELECT key, json FROM zb_meta WHERE kind = ? ORDER BY key').all(kind) as {
      key: string;
      json: string;
    }[];
    return rows.map((r) => ({ key: r.key, value: this.decode<T>(r.json) }));
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

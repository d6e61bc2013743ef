// Per-local-day backup aggregates (table backup_days), kept exact by triggers in the same transaction as every op
// write, so the dashboard reads ~(days × groups × statuses) rows whatever the length of the history. Day keys come
// from the SQL function restora_day_start (JS local time), so the table is rebuilt whenever the time zone changes.
import type { Database } from 'better-sqlite3';
import { localDayStart } from './summaries.js';

/** Columns aggregated per (day, instance, plan, repo, status); the SQL mirrors the raw window query. */
const AGG_SELECT = `SELECT restora_day_start(start_ms) AS d, restora_day_start(restora_day_start(start_ms) + 129600000),
    instance_id, plan_id, repo_id, status, COUNT(*), SUM(bytes_added), SUM(bytes_scanned),
    SUM(bytes_added > 0 OR bytes_scanned > 0), MAX(end_ms)
  FROM operations WHERE kind = 100 AND dry_run = 0
  GROUP BY d, instance_id, plan_id, repo_id, status`;

/** The zone the day keys were computed in: its name, the tz database version and TZ (runtime changes). */
export function zoneSignature(): string {
  return [
    Intl.DateTimeFormat().resolvedOptions().timeZone,
    process.versions.tz ?? '',
    process.env.TZ ?? '',
  ].join('|');
}

/** Registers restora_day_start(ms) on this connection: the triggers and the rebuild call it. */
export function registerDayFunction(db: Database): void {
  // A BigInt comes back as an SQL INTEGER (a number would be a REAL, and '1.7e12' as text in a key).
  db.function('restora_day_start', { deterministic: true }, (ms) => BigInt(localDayStart(Number(ms))));
}

/** Recomputes backup_days from the operations table (inside the caller's transaction, if any). */
export function rebuildBackupDays(db: Database): void {
  db.exec(`DELETE FROM backup_days; INSERT INTO backup_days ${AGG_SELECT};`);
  db.prepare(`INSERT OR REPLACE INTO oplog_meta (key, value) VALUES ('day_zone', ?)`).run(zoneSignature());
}

/** At open: rebuilds the aggregates when missing (first open after the migration) or built in another zone. */
export function ensureBackupDays(db: Database): string {
  const row = db.prepare(`SELECT value FROM oplog_meta WHERE key = 'day_zone'`).get() as
    { value: string } | undefined;
  const zone = zoneSignature();
  if (row?.value !== zone) db.transaction(() => rebuildBackupDays(db))();
  return zone;
}

/** Triggers and indexes of migration 2 (also re-created by the bulk loader with the other definitions). */
export const BACKUP_DAYS_SQL = `
  CREATE TABLE oplog_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
  CREATE TABLE backup_days (
    day_ms INTEGER NOT NULL, next_ms INTEGER NOT NULL,
    instance_id TEXT NOT NULL, plan_id TEXT NOT NULL, repo_id TEXT NOT NULL, status INTEGER NOT NULL,
    n INTEGER NOT NULL, added INTEGER NOT NULL, scanned INTEGER NOT NULL, with_summary INTEGER NOT NULL,
    last_end INTEGER NOT NULL,
    PRIMARY KEY (day_ms, instance_id, plan_id, repo_id, status)
  ) WITHOUT ROWID;
  -- Newest backups of a plan or repo (ORDER BY start_ms DESC LIMIT n), and a day's backups of one group when a
  -- trigger recomputes MAX(end_ms) after the newest one left it.
  CREATE INDEX ops_backup_plan ON operations
    (plan_id, instance_id, start_ms, id, repo_id, status, end_ms, flow_id, bytes_added) WHERE kind = 100 AND dry_run = 0;
  CREATE INDEX ops_backup_repo ON operations
    (repo_id, instance_id, start_ms, id, status, end_ms, flow_id, bytes_added) WHERE kind = 100 AND dry_run = 0;
  -- Last good backup of a group, all time, when the window holds none.
  CREATE INDEX ops_backup_ok_plan ON operations (plan_id, instance_id, end_ms)
    WHERE kind = 100 AND dry_run = 0 AND status IN (3, 7);
  CREATE INDEX ops_backup_ok_repo ON operations (repo_id, instance_id, end_ms)
    WHERE kind = 100 AND dry_run = 0 AND status IN (3, 7);
  CREATE TRIGGER backup_days_ins AFTER INSERT ON operations WHEN NEW.kind = 100 AND NEW.dry_run = 0 BEGIN
    ${addRow('NEW')}
  END;
  CREATE TRIGGER backup_days_del AFTER DELETE ON operations WHEN OLD.kind = 100 AND OLD.dry_run = 0 BEGIN
    ${removeRow()}
  END;
  -- Progress writes change none of these columns: the trigger then does nothing.
  CREATE TRIGGER backup_days_upd AFTER UPDATE ON operations
    WHEN ((OLD.kind = 100 AND OLD.dry_run = 0) OR (NEW.kind = 100 AND NEW.dry_run = 0))
      AND (OLD.kind, OLD.dry_run, OLD.start_ms, OLD.end_ms, OLD.status, OLD.instance_id, OLD.plan_id, OLD.repo_id,
           OLD.bytes_added, OLD.bytes_scanned)
       <> (NEW.kind, NEW.dry_run, NEW.start_ms, NEW.end_ms, NEW.status, NEW.instance_id, NEW.plan_id, NEW.repo_id,
           NEW.bytes_added, NEW.bytes_scanned) BEGIN
    ${removeRow('AND OLD.kind = 100 AND OLD.dry_run = 0')}
    ${addRow('NEW', 'WHERE NEW.kind = 100 AND NEW.dry_run = 0')}
  END;`;

function addRow(r: 'NEW', where = ''): string {
  return `INSERT INTO backup_days SELECT restora_day_start(${r}.start_ms),
      restora_day_start(restora_day_start(${r}.start_ms) + 129600000), ${r}.instance_id, ${r}.plan_id, ${r}.repo_id,
      ${r}.status, 1, ${r}.bytes_added, ${r}.bytes_scanned, ${r}.bytes_added > 0 OR ${r}.bytes_scanned > 0, ${r}.end_ms
      ${where || 'WHERE true'}
    ON CONFLICT DO UPDATE SET n = n + 1, added = added + excluded.added, scanned = scanned + excluded.scanned,
      with_summary = with_summary + excluded.with_summary, last_end = MAX(last_end, excluded.last_end);`;
}

/** Subtracts OLD; MAX(end_ms) is recomputed (after the write, over one group's day) only when OLD held it. */
function removeRow(extra = ''): string {
  const key = `day_ms = restora_day_start(OLD.start_ms) AND instance_id = OLD.instance_id AND plan_id = OLD.plan_id
      AND repo_id = OLD.repo_id AND status = OLD.status ${extra}`;
  return `UPDATE backup_days SET n = n - 1, added = added - OLD.bytes_added, scanned = scanned - OLD.bytes_scanned,
      with_summary = with_summary - (OLD.bytes_added > 0 OR OLD.bytes_scanned > 0),
      last_end = CASE WHEN OLD.end_ms < last_end THEN last_end ELSE COALESCE((
        SELECT MAX(o.end_ms) FROM operations o INDEXED BY ops_backup_plan
        WHERE o.kind = 100 AND o.dry_run = 0 AND o.plan_id = OLD.plan_id AND o.instance_id = OLD.instance_id
          AND o.start_ms >= backup_days.day_ms AND o.start_ms < backup_days.next_ms
          AND o.repo_id = OLD.repo_id AND o.status = OLD.status), 0) END
    WHERE ${key};
    DELETE FROM backup_days WHERE n = 0 AND ${key};`;
}

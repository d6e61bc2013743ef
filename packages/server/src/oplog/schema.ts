// Plain SQL migrations of oplog.sqlite, applied in order; PRAGMA user_version records the last one applied.
import type { Database } from 'better-sqlite3';
import { BACKUP_DAYS_SQL } from './backup-days.js';
import { SUMMARY_GEN_SQL } from './summary-cache.js';

const MIGRATIONS: readonly string[] = [
  // 1: operations as protobuf blobs plus the columns every query filters, sorts or aggregates on.
  `CREATE TABLE operations (
     id INTEGER PRIMARY KEY,
     modno INTEGER NOT NULL,
     flow_id INTEGER NOT NULL,
     original_id INTEGER NOT NULL DEFAULT 0,
     original_flow_id INTEGER NOT NULL DEFAULT 0,
     repo_id TEXT NOT NULL,
     repo_guid TEXT NOT NULL,
     plan_id TEXT NOT NULL,
     instance_id TEXT NOT NULL,
     original_instance_keyid TEXT NOT NULL,
     snapshot_id TEXT NOT NULL,
     status INTEGER NOT NULL,
     kind INTEGER NOT NULL,
     start_ms INTEGER NOT NULL,
     end_ms INTEGER NOT NULL,
     logref TEXT NOT NULL,
     dry_run INTEGER NOT NULL DEFAULT 0,
     forgot INTEGER NOT NULL DEFAULT 0,
     bytes_added INTEGER NOT NULL DEFAULT 0,
     bytes_scanned INTEGER NOT NULL DEFAULT 0,
     data BLOB NOT NULL
   );
   CREATE INDEX ops_plan_start ON operations (plan_id, start_ms, id);
   CREATE INDEX ops_repo_guid_start ON operations (repo_guid, start_ms, id);
   CREATE INDEX ops_repo_id_start ON operations (repo_id, start_ms, id);
   CREATE INDEX ops_instance_start ON operations (instance_id, start_ms, id);
   CREATE INDEX ops_flow ON operations (flow_id);
   CREATE INDEX ops_modno ON operations (modno);
   CREATE INDEX ops_snapshot ON operations (snapshot_id) WHERE snapshot_id <> '';
   CREATE INDEX ops_peer ON operations (original_instance_keyid) WHERE original_instance_keyid <> '';
   CREATE INDEX ops_unfinished ON operations (status, kind, plan_id, repo_id, instance_id) WHERE status IN (0, 1, 2);
   CREATE INDEX ops_kind_plan_end ON operations
     (kind, plan_id, instance_id, forgot, end_ms, start_ms, status, dry_run, bytes_added, flow_id);
   CREATE INDEX ops_kind_repo_end ON operations
     (kind, repo_id, instance_id, forgot, end_ms, start_ms, status, dry_run, bytes_added, flow_id);
   CREATE INDEX ops_backup_window ON operations
     (start_ms, plan_id, repo_id, instance_id, status, end_ms, bytes_added, bytes_scanned)
     WHERE kind = 100 AND dry_run = 0;
   CREATE INDEX ops_logref ON operations (logref) WHERE logref <> '';
   -- Not-forgotten snapshots per (plan, repo, instance), kept exact by triggers: the dashboard reads it in O(groups).
   CREATE TABLE snapshot_counts (
     plan_id TEXT NOT NULL, repo_id TEXT NOT NULL, instance_id TEXT NOT NULL, n INTEGER NOT NULL,
     PRIMARY KEY (plan_id, repo_id, instance_id)
   ) WITHOUT ROWID;
   CREATE TRIGGER snapshot_counts_ins AFTER INSERT ON operations WHEN NEW.kind = 101 AND NEW.forgot = 0 BEGIN
     INSERT INTO snapshot_counts VALUES (NEW.plan_id, NEW.repo_id, NEW.instance_id, 1)
       ON CONFLICT DO UPDATE SET n = n + 1;
   END;
   CREATE TRIGGER snapshot_counts_del AFTER DELETE ON operations WHEN OLD.kind = 101 AND OLD.forgot = 0 BEGIN
     UPDATE snapshot_counts SET n = n - 1
       WHERE plan_id = OLD.plan_id AND repo_id = OLD.repo_id AND instance_id = OLD.instance_id;
   END;
   CREATE TRIGGER snapshot_counts_upd AFTER UPDATE ON operations
     WHEN (OLD.kind = 101 AND OLD.forgot = 0) OR (NEW.kind = 101 AND NEW.forgot = 0) BEGIN
     UPDATE snapshot_counts SET n = n - 1
       WHERE OLD.kind = 101 AND OLD.forgot = 0
         AND plan_id = OLD.plan_id AND repo_id = OLD.repo_id AND instance_id = OLD.instance_id;
     INSERT INTO snapshot_counts SELECT NEW.plan_id, NEW.repo_id, NEW.instance_id, 1
       WHERE NEW.kind = 101 AND NEW.forgot = 0
       ON CONFLICT DO UPDATE SET n = n + 1;
   END;`,
  // 2: per-day backup aggregates kept by triggers (filled at open: day keys depend on the time zone).
  BACKUP_DAYS_SQL,
  // 3: per-group generations bumped by triggers: the dashboard's cached pieces know when their group changed.
  SUMMARY_GEN_SQL,
];

export const SCHEMA_VERSION = MIGRATIONS.length;

/** Applies pending migrations in one transaction; refuses a database written by a newer Restora. */
export function migrate(db: Database): void {
  const current = db.pragma('user_version', { simple: true }) as number;
  if (current > MIGRATIONS.length) {
    throw new Error(
      `oplog schema version ${current} is newer than this Restora supports (${MIGRATIONS.length}); upgrade Restora`,
    );
  }
  if (current === MIGRATIONS.length) return;
  db.transaction(() => {
    for (let v = current; v < MIGRATIONS.length; v++) {
      db.exec(MIGRATIONS[v]!);
    }
    db.pragma(`user_version = ${MIGRATIONS.length}`);
  })();
}

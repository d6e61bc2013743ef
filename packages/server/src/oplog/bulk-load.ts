// Bulk loading (history imports, benchmarks): secondary indexes and triggers are dropped, rows inserted, then
// the indexes rebuilt from sorted data and the trigger-kept counters and day aggregates recomputed. All in one
// transaction.
import type { Database } from 'better-sqlite3';
import { rebuildBackupDays } from './backup-days.js';

export function withIndexesDeferred<T>(db: Database, load: () => T): T {
  return db.transaction(() => {
    const defs = db
      .prepare(
        "SELECT type, name, sql FROM sqlite_master WHERE tbl_name = 'operations' AND type IN ('index', 'trigger') AND sql IS NOT NULL",
      )
      .all() as { type: 'index' | 'trigger'; name: string; sql: string }[];
    for (const d of defs) db.exec(`DROP ${d.type.toUpperCase()} ${d.name}`);
    const result = load();
    for (const d of defs.filter((x) => x.type === 'index')) db.exec(d.sql);
    for (const d of defs.filter((x) => x.type === 'trigger')) db.exec(d.sql);
    db.exec(`DELETE FROM snapshot_counts;
      INSERT INTO snapshot_counts SELECT plan_id, repo_id, instance_id, COUNT(*) FROM operations
      WHERE kind = 101 AND forgot = 0 GROUP BY plan_id, repo_id, instance_id;`);
    rebuildBackupDays(db);
    return result;
  })();
}

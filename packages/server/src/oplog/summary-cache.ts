// Dashboard pieces kept in memory until a write changes them: triggers bump summary_gen ('p:<plan>', 'r:<repo>',
// 'd:<local day start>') in the op write's transaction, so a progress write or another group's backup leaves a
// group's newest backups, snapshot total and last success cached, and a day's rows until a backup of that day
// changes.
import type { Statement } from 'better-sqlite3';

export class SummaryCache {
  private readonly entries = new Map<string, { gen: number; value: unknown }>();

  /** Current generation of each group, read once per summaries() call. */
  gens(prepare: (sql: string) => Statement): (grp: string) => number {
    const seen = new Map<string, number>();
    return (grp) => {
      let gen = seen.get(grp);
      if (gen === undefined) {
        const row = prepare('SELECT gen FROM summary_gen WHERE grp = ?').get(grp) as
          { gen: number } | undefined;
        seen.set(grp, (gen = row?.gen ?? 0));
      }
      return gen;
    };
  }

  get<T>(key: string, gen: number, load: () => T): T {
    const hit = this.peek<T>(key, gen);
    if (hit !== undefined) return hit;
    const value = load();
    this.put(key, gen, value);
    return value;
  }

  peek<T>(key: string, gen: number): T | undefined {
    const hit = this.entries.get(key);
    return hit?.gen === gen ? (hit.value as T) : undefined;
  }

  put(key: string, gen: number, value: unknown): void {
    if (this.entries.size > 10_000) this.entries.clear();
    this.entries.set(key, { gen, value });
  }

  /** After writes the triggers did not see (bulk load) or a new time zone (day keys). */
  clear(): void {
    this.entries.clear();
  }
}

/** Migration 3: the generation table and the triggers bumping it for backup and index-snapshot changes. */
export const SUMMARY_GEN_SQL = `
  CREATE TABLE summary_gen (grp TEXT PRIMARY KEY, gen INTEGER NOT NULL) WITHOUT ROWID;
  CREATE TRIGGER summary_gen_ins AFTER INSERT ON operations WHEN NEW.kind IN (100, 101) BEGIN
    ${bump('NEW')}
  END;
  CREATE TRIGGER summary_gen_del AFTER DELETE ON operations WHEN OLD.kind IN (100, 101) BEGIN
    ${bump('OLD')}
  END;
  CREATE TRIGGER summary_gen_upd AFTER UPDATE ON operations
    WHEN (OLD.kind IN (100, 101) OR NEW.kind IN (100, 101))
      AND (OLD.kind, OLD.dry_run, OLD.forgot, OLD.start_ms, OLD.end_ms, OLD.status, OLD.instance_id, OLD.plan_id,
           OLD.repo_id, OLD.flow_id, OLD.bytes_added, OLD.bytes_scanned)
       <> (NEW.kind, NEW.dry_run, NEW.forgot, NEW.start_ms, NEW.end_ms, NEW.status, NEW.instance_id, NEW.plan_id,
           NEW.repo_id, NEW.flow_id, NEW.bytes_added, NEW.bytes_scanned) BEGIN
    ${bump('OLD')}
    ${bump('NEW')}
  END;`;

function bump(r: 'OLD' | 'NEW'): string {
  return `INSERT INTO summary_gen VALUES ('p:' || ${r}.plan_id, 1), ('r:' || ${r}.repo_id, 1),
      ('d:' || restora_day_start(${r}.start_ms), 1)
    ON CONFLICT DO UPDATE SET gen = gen + 1;`;
}

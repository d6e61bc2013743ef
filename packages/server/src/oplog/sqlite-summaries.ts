// SummarySource over SQLite: day rows from the trigger-kept backup_days table (or, for a custom day function, one
// GROUP BY over the window's covering index); per-group lookups are ORDER BY ... LIMIT on partial indexes. Each
// piece is cached until a write changes its group (summary-cache.ts).
import type { Statement } from 'better-sqlite3';
import { OperationStatus } from '@restora/proto';
import { KIND_CODES } from './columns.js';
import type { DayAgg, SummarySource } from './summaries.js';
import type { SummaryCache } from './summary-cache.js';
import type { RecentBackup, SummaryOptions } from './types.js';

const BACKUP = KIND_CODES.operationBackup;
const PENDING = OperationStatus.STATUS_PENDING;

interface RecentRow {
  id: number;
  flow_id: number;
  start_ms: number;
  end_ms: number;
  status: number;
  bytes_added: number;
}

type DayRow = [string, string, number, number, number, number, number, number];

/** `dayRows`: backup_days holds local days of the zone in use (else the window is aggregated from the ops). */
export function sqliteSummarySource(
  prepare: (sql: string) => Statement,
  opts: SummaryOptions,
  dayRows: boolean,
  cache: SummaryCache,
): SummarySource {
  const col = opts.groupBy === 'plan' ? 'plan_id' : 'repo_id';
  const inst = opts.instanceId !== undefined ? ' AND instance_id = ?' : '';
  const instO = opts.instanceId !== undefined ? ' AND o.instance_id = ?' : '';
  const ip = opts.instanceId !== undefined ? [opts.instanceId] : [];
  const gen = cache.gens(prepare);
  const grp = (gid: string) => `${opts.groupBy === 'plan' ? 'p' : 'r'}:${gid}`;
  const cached = <T>(what: string, gid: string, load: () => T): T =>
    cache.get(`${what}\0${grp(gid)}\0${opts.instanceId ?? '\0'}`, gen(grp(gid)), load);
  return {
    byDay: (days) => {
      if (days.length === 0) return [];
      if (!dayRows) {
        return prepare(
          `WITH days(i, s, e) AS (VALUES ${days.map(() => '(?, ?, ?)').join(', ')})
           SELECT d.i AS day, o.plan_id AS plan_id, o.repo_id AS repo_id, o.status AS status, COUNT(*) AS n,
             SUM(o.bytes_added) AS added, SUM(o.bytes_scanned) AS scanned,
             SUM(o.bytes_added > 0 OR o.bytes_scanned > 0) AS withSummary, MAX(o.end_ms) AS lastEnd
           FROM days d JOIN operations o INDEXED BY ops_backup_window
             ON o.kind = ${BACKUP} AND o.dry_run = 0 AND o.start_ms >= d.s AND o.start_ms < d.e
           WHERE 1${instO} GROUP BY d.i, o.plan_id, o.repo_id, o.status`,
        ).all(...days.map((d, i) => [i, ...d]).flat(), ...ip) as DayAgg[];
      }
      // Each day's rows are read once and kept until a backup of that day changes (the plan and repo calls share
      // them, and a backup today leaves the 29 days before alone).
      const read = prepare(
        `SELECT plan_id, repo_id, status, n, added, scanned, with_summary, last_end
         FROM backup_days WHERE day_ms = ?${inst}`,
      ).raw();
      const out: DayAgg[] = [];
      days.forEach(([s], day) => {
        const rows = cache.get(
          `day\0${s}\0${opts.instanceId ?? '\0'}`,
          gen(`d:${s}`),
          () => read.all(s, ...ip) as DayRow[],
        );
        for (const [plan_id, repo_id, status, n, added, scanned, withSummary, lastEnd] of rows)
          out.push({ day, plan_id, repo_id, status, n, added, scanned, withSummary, lastEnd });
      });
      return out;
    },
    // Copies: the rows returned to the caller are theirs to change.
    recent: (gid, limit) =>
      cached(`recent${limit}`, gid, () =>
        (
          prepare(
            `SELECT id, flow_id, start_ms, end_ms, status, bytes_added FROM operations
             WHERE kind = ${BACKUP} AND dry_run = 0 AND status <> ${PENDING} AND ${col} = ?${inst}
             ORDER BY start_ms DESC, id DESC LIMIT ?`,
          ).all(gid, ...ip, limit) as RecentRow[]
        ).map(toRecent),
      ).map((r) => ({ ...r })),
    totalSnapshots: (gid) =>
      cached(
        'snapshots',
        gid,
        () =>
          (
            prepare(`SELECT COALESCE(SUM(n), 0) AS n FROM snapshot_counts WHERE ${col} = ?${inst}`).get(
              gid,
              ...ip,
            ) as { n: number }
          ).n,
      ),
    lastSuccessMs: (gid) =>
      cached(
        'lastSuccess',
        gid,
        () =>
          (
            prepare(
              `SELECT end_ms FROM operations WHERE kind = ${BACKUP} AND dry_run = 0 AND status IN (3, 7)
               AND ${col} = ?${inst} ORDER BY end_ms DESC LIMIT 1`,
            ).get(gid, ...ip) as { end_ms: number } | undefined
          )?.end_ms,
      ),
  };
}

export function toRecent(r: RecentRow): RecentBackup {
  return {
    id: BigInt(r.id),
    flowId: BigInt(r.flow_id),
    startMs: r.start_ms,
    durationMs: r.end_ms > r.start_ms ? r.end_ms - r.start_ms : 0,
    status: r.status,
    bytesAdded: BigInt(r.bytes_added),
  };
}

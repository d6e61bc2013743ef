// SummarySource over SQLite: GROUP BY in C over the covering index of backups; per-group lookups by index.
import type { Statement } from 'better-sqlite3';
import { KIND_CODES } from './columns.js';
import { DayAggCache } from './day-cache.js';
import type { DayAgg, SummarySource } from './summaries.js';
import type { RecentBackup, SummaryOptions } from './types.js';

const BACKUP = KIND_CODES.operationBackup;

interface RecentRow {
  id: number;
  flow_id: number;
  start_ms: number;
  end_ms: number;
  status: number;
  bytes_added: number;
}

export function sqliteSummarySource(
  prepare: (sql: string) => Statement,
  opts: SummaryOptions,
  cache: DayAggCache = new DayAggCache(),
): SummarySource {
  const col = opts.groupBy === 'plan' ? 'plan_id' : 'repo_id';
  const inst = opts.instanceId !== undefined ? ' AND instance_id = ?' : '';
  const instO = opts.instanceId !== undefined ? ' AND o.instance_id = ?' : '';
  const ip = opts.instanceId !== undefined ? [opts.instanceId] : [];
  return {
    byDay: (days) => {
      const missing = days
        .map((d, i) => [i, ...d] as const)
        .filter(([, s, e]) => !cache.get(opts.instanceId, s, e));
      if (missing.length) {
        const rows = prepare(
          `WITH days(i, s, e) AS (VALUES ${missing.map(() => '(?, ?, ?)').join(', ')})
           SELECT d.i AS day, o.plan_id AS plan_id, o.repo_id AS repo_id, o.status AS status, COUNT(*) AS n,
             SUM(o.bytes_added) AS added, SUM(o.bytes_scanned) AS scanned,
             SUM(o.bytes_added > 0 OR o.bytes_scanned > 0) AS withSummary, MAX(o.end_ms) AS lastEnd
           FROM days d JOIN operations o INDEXED BY ops_backup_window
             ON o.kind = ${BACKUP} AND o.dry_run = 0 AND o.start_ms >= d.s AND o.start_ms < d.e
           WHERE 1${instO} GROUP BY d.i, o.plan_id, o.repo_id, o.status`,
        ).all(...missing.flat(), ...ip) as DayAgg[];
        for (const [i, s, e] of missing) {
          cache.set(
            opts.instanceId,
            s,
            e,
            rows.filter((r) => r.day === i).map(({ day: _day, ...rest }) => rest),
          );
        }
      }
      return days.flatMap(([s, e], day) =>
        (cache.get(opts.instanceId, s, e) ?? []).map((r) => ({ ...r, day })),
      );
    },
    recent: (gid, limit) => {
      const cols = 'id, flow_id, start_ms, end_ms, status, bytes_added';
      const finished = prepare(
        `SELECT ${cols} FROM operations WHERE kind = ${BACKUP} AND ${col} = ?${inst} AND forgot = 0 AND dry_run = 0
         ORDER BY end_ms DESC LIMIT ?`,
      ).all(gid, ...ip, limit) as RecentRow[];
      const unfinished = prepare(
        `SELECT ${cols} FROM operations WHERE status IN (0, 1, 2) AND kind = ${BACKUP} AND ${col} = ?${inst} AND dry_run = 0`,
      ).all(gid, ...ip) as RecentRow[];
      const seen = new Set<number>();
      return [...unfinished, ...finished]
        .filter((r) => !seen.has(r.id) && seen.add(r.id))
        .sort((a, b) => b.start_ms - a.start_ms || b.id - a.id)
        .slice(0, limit)
        .map(toRecent);
    },
    totalSnapshots: (gid) =>
      (
        prepare(`SELECT COALESCE(SUM(n), 0) AS n FROM snapshot_counts WHERE ${col} = ?${inst}`).get(
          gid,
          ...ip,
        ) as {
          n: number;
        }
      ).n,
    lastSuccessMs: (gid) =>
      (
        prepare(
          `SELECT end_ms FROM operations WHERE kind = ${BACKUP} AND ${col} = ?${inst} AND forgot = 0
           AND status IN (3, 7) AND dry_run = 0 ORDER BY end_ms DESC LIMIT 1`,
        ).get(gid, ...ip) as { end_ms: number } | undefined
      )?.end_ms,
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

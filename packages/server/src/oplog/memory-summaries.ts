// SummarySource over in-memory column rows (same answers as the SQL version, by plain loops).
import { OperationStatus } from '@restora/proto';
import { KIND_CODES, type OpColumns } from './columns.js';
import { toRecent } from './sqlite-summaries.js';
import type { DayAgg, SummarySource } from './summaries.js';
import type { SummaryOptions } from './types.js';

export function memorySummarySource(all: readonly OpColumns[], opts: SummaryOptions): SummarySource {
  const gidOf = opts.groupBy === 'plan' ? (c: OpColumns) => c.plan_id : (c: OpColumns) => c.repo_id;
  const mine = all.filter((c) => opts.instanceId === undefined || c.instance_id === opts.instanceId);
  const backups = mine.filter((c) => c.kind === KIND_CODES.operationBackup && c.dry_run === 0);
  return {
    byDay: (days) => {
      const dayOf = (ms: number) => days.findIndex(([s, e]) => ms >= s && ms < e);
      const m = new Map<string, DayAgg>();
      for (const c of backups) {
        const day = dayOf(c.start_ms);
        if (day < 0) continue;
        const k = `${day}\0${c.plan_id}\0${c.repo_id}\0${c.status}`;
        let t = m.get(k);
        if (!t) {
          t = {
            day,
            plan_id: c.plan_id,
            repo_id: c.repo_id,
            status: c.status,
            n: 0,
            added: 0,
            scanned: 0,
            withSummary: 0,
            lastEnd: 0,
          };
          m.set(k, t);
        }
        t.n++;
        t.added += c.bytes_added;
        t.scanned += c.bytes_scanned;
        if (c.bytes_added > 0 || c.bytes_scanned > 0) t.withSummary++;
        t.lastEnd = Math.max(t.lastEnd, c.end_ms);
      }
      return [...m.values()];
    },
    recent: (gid, limit) =>
      backups
        .filter((c) => gidOf(c) === gid && c.status !== OperationStatus.STATUS_PENDING)
        .sort((a, b) => b.start_ms - a.start_ms || b.id - a.id)
        .slice(0, limit)
        .map(toRecent),
    totalSnapshots: (gid) =>
      mine.filter((c) => c.kind === KIND_CODES.operationIndexSnapshot && gidOf(c) === gid && c.forgot === 0)
        .length,
    lastSuccessMs: (gid) => {
      const ends = backups
        .filter(
          (c) =>
            gidOf(c) === gid &&
            (c.status === OperationStatus.STATUS_SUCCESS || c.status === OperationStatus.STATUS_WARNING),
        )
        .map((c) => c.end_ms);
      return ends.length ? Math.max(...ends) : undefined;
    },
  };
}

// Dashboard summaries, composed from a few aggregate queries each store answers its own way (SQL GROUP BY in
// SQLite, loops in memory). Only indexed columns are used, never blobs.
import { OperationStatus } from '@restora/proto';
import type { DayBucket, RecentBackup, SummaryOptions, SummaryRow } from './types.js';

export const DAY_MS = 24 * 3600 * 1000;
export const DEFAULT_WINDOW_MS = 30 * DAY_MS;

export function localDayStart(ms: number): number {
  return new Date(ms).setHours(0, 0, 0, 0);
}

/** Non-dry-run backups started in one day range, with one (plan, repo, status). */
export interface DayAgg {
  day: number;
  plan_id: string;
  repo_id: string;
  status: number;
  n: number;
  added: number;
  scanned: number;
  /** Backups that reported a summary (bytes). */
  withSummary: number;
  lastEnd: number;
}

export interface SummarySource {
  /** Backups grouped by (index into the `days` [start, end) ranges, plan, repo, status). */
  byDay(days: readonly [number, number][]): DayAgg[];
  /** Newest `limit` backups of the group by start time, whatever their age, pending ones (next runs) left out. */
  recent(gid: string, limit: number): RecentBackup[];
  totalSnapshots(gid: string): number;
  /** Newest successful (or warning) backup end, all time. */
  lastSuccessMs(gid: string): number | undefined;
}

const OK = new Set<number>([OperationStatus.STATUS_SUCCESS, OperationStatus.STATUS_WARNING]);

/** Day ranges covering the window, oldest first, aligned on `dayStart` (DST-safe: steps by dayStart(d + 36 h)). */
export function dayRanges(
  nowMs: number,
  windowMs: number,
  dayStart: (ms: number) => number,
): [number, number][] {
  const out: [number, number][] = [];
  for (let d = dayStart(nowMs - windowMs + DAY_MS); d <= nowMs;) {
    const next = dayStart(d + 1.5 * DAY_MS);
    out.push([d, next]);
    d = next;
  }
  return out;
}

/** The window is whole days: the last `windowMs / 1 day` days including today (30 by default). */
export function buildSummaries(src: SummarySource, opts: SummaryOptions): SummaryRow[] {
  const nowMs = opts.nowMs ?? Date.now();
  const days = dayRanges(nowMs, opts.windowMs ?? DEFAULT_WINDOW_MS, opts.dayStart ?? localDayStart);
  const gidOf = opts.groupBy === 'plan' ? (r: DayAgg) => r.plan_id : (r: DayAgg) => r.repo_id;
  const byGid = new Map<string, DayAgg[]>();
  for (const id of opts.ids ?? []) byGid.set(id, []);
  for (const r of src.byDay(days)) {
    // a pending backup is the next scheduled run, not a backup (Backrest counts it nowhere)
    if (r.status === OperationStatus.STATUS_PENDING) continue;
    let list = byGid.get(gidOf(r));
    if (!list) {
      if (opts.ids) continue;
      byGid.set(gidOf(r), (list = []));
    }
    list.push(r);
  }
  const rows: SummaryRow[] = [];
  for (const [id, list] of [...byGid.entries()].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))) {
    let added = 0n;
    let scanned = 0n;
    let withSummary = 0;
    const counts = { ok: 0, warn: 0, bad: 0 };
    let lastSuccessMs: number | undefined;
    let lastFailureMs: number | undefined;
    const buckets: DayBucket[] = days.map(([s]) => ({
      startMs: s,
      bytesAdded: 0n,
      bytesScanned: 0n,
      statusCounts: [],
    }));
    // Per day with backups: counts by status.
    const dayCounts: (Map<number, number> | undefined)[] = [];
    for (const r of list) {
      added += BigInt(r.added);
      scanned += BigInt(r.scanned);
      if (r.status === OperationStatus.STATUS_SUCCESS) counts.ok += r.n;
      else if (r.status === OperationStatus.STATUS_WARNING) counts.warn += r.n;
      else if (r.status === OperationStatus.STATUS_ERROR) counts.bad += r.n;
      if (OK.has(r.status)) {
        withSummary += r.withSummary;
        lastSuccessMs = Math.max(lastSuccessMs ?? 0, r.lastEnd);
      } else if (r.status === OperationStatus.STATUS_ERROR) {
        lastFailureMs = Math.max(lastFailureMs ?? 0, r.lastEnd);
      }
      const b = buckets[r.day]!;
      b.bytesAdded += BigInt(r.added);
      b.bytesScanned += BigInt(r.scanned);
      const c = (dayCounts[r.day] ??= new Map());
      c.set(r.status, (c.get(r.status) ?? 0) + r.n);
    }
    dayCounts.forEach((c, i) => {
      if (c)
        buckets[i]!.statusCounts = [...c.entries()]
          .sort((x, y) => x[0] - y[0])
          .map(([status, count]) => ({ status, count }));
    });
    rows.push({
      id,
      backupsSuccess: counts.ok,
      backupsWarning: counts.warn,
      backupsFailed: counts.bad,
      bytesAdded: added,
      bytesScanned: scanned,
      bytesAddedAvg: withSummary ? added / BigInt(withSummary) : 0n,
      bytesScannedAvg: withSummary ? scanned / BigInt(withSummary) : 0n,
      totalSnapshots: src.totalSnapshots(id),
      lastSuccessMs: lastSuccessMs ?? src.lastSuccessMs(id),
      lastFailureMs,
      recent: src.recent(id, opts.recentLimit ?? 60),
      days: buckets,
    });
  }
  return rows;
}

// Dashboard aggregation shared by both stores: works on indexed columns only, never on blobs.
import { OperationStatus } from '@restora/proto';
import type { DayBucket, RecentBackup, SummaryOptions, SummaryRow } from './types.js';

export interface WindowRow {
  id: number;
  flow_id: number;
  plan_id: string;
  repo_id: string;
  status: number;
  start_ms: number;
  end_ms: number;
  bytes_added: number;
  bytes_scanned: number;
}

export const DAY_MS = 24 * 3600 * 1000;
export const DEFAULT_WINDOW_MS = 30 * DAY_MS;

export function localDayStart(ms: number): number {
  return new Date(ms).setHours(0, 0, 0, 0);
}

export interface SummaryExtras {
  totalSnapshots: (id: string) => number;
  /** All-time newest successful (or warning) backup end, used when the window has none. */
  lastSuccessMs: (id: string) => number | undefined;
}

const OK = new Set<number>([OperationStatus.STATUS_SUCCESS, OperationStatus.STATUS_WARNING]);

/** `rows`: non-dry-run backup ops in the window, any order. */
export function buildSummaries(
  rows: readonly WindowRow[],
  ids: readonly string[] | undefined,
  extras: SummaryExtras,
  opts: SummaryOptions,
): SummaryRow[] {
  const nowMs = opts.nowMs ?? Date.now();
  const windowMs = opts.windowMs ?? DEFAULT_WINDOW_MS;
  const dayStart = opts.dayStart ?? localDayStart;
  const recentLimit = opts.recentLimit ?? 60;
  const keyOf = opts.groupBy === 'plan' ? (r: WindowRow) => r.plan_id : (r: WindowRow) => r.repo_id;
  const byId = new Map<string, WindowRow[]>();
  for (const id of ids ?? []) byId.set(id, []);
  for (const r of rows) {
    const k = keyOf(r);
    let list = byId.get(k);
    if (!list) {
      if (ids) continue;
      list = [];
      byId.set(k, list);
    }
    list.push(r);
  }
  const days: number[] = [];
  for (let d = dayStart(nowMs - windowMs + DAY_MS); d <= nowMs; d = dayStart(d + 1.5 * DAY_MS)) days.push(d);
  const out: SummaryRow[] = [];
  for (const [id, list] of [...byId.entries()].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))) {
    out.push(summarize(id, list, days, dayStart, recentLimit, extras));
  }
  return out;
}

function summarize(
  id: string,
  list: WindowRow[],
  days: number[],
  dayStart: (ms: number) => number,
  recentLimit: number,
  extras: SummaryExtras,
): SummaryRow {
  let success = 0;
  let warning = 0;
  let failed = 0;
  let added = 0n;
  let scanned = 0n;
  let withSummary = 0;
  let lastSuccessMs: number | undefined;
  let lastFailureMs: number | undefined;
  const buckets = new Map<number, { added: bigint; scanned: bigint; counts: Map<number, number> }>(
    days.map((d) => [d, { added: 0n, scanned: 0n, counts: new Map() }]),
  );
  for (const r of list) {
    if (r.status === OperationStatus.STATUS_SUCCESS) success++;
    else if (r.status === OperationStatus.STATUS_WARNING) warning++;
    else if (r.status === OperationStatus.STATUS_ERROR) failed++;
    if (OK.has(r.status)) {
      if (r.bytes_added || r.bytes_scanned) withSummary++;
      if (lastSuccessMs === undefined || r.end_ms > lastSuccessMs) lastSuccessMs = r.end_ms;
    } else if (r.status === OperationStatus.STATUS_ERROR) {
      if (lastFailureMs === undefined || r.end_ms > lastFailureMs) lastFailureMs = r.end_ms;
    }
    added += BigInt(r.bytes_added);
    scanned += BigInt(r.bytes_scanned);
    const b = buckets.get(dayStart(r.start_ms));
    if (b) {
      b.added += BigInt(r.bytes_added);
      b.scanned += BigInt(r.bytes_scanned);
      b.counts.set(r.status, (b.counts.get(r.status) ?? 0) + 1);
    }
  }
  const recent: RecentBackup[] = [...list]
    .sort((a, b) => b.start_ms - a.start_ms || b.id - a.id)
    .slice(0, recentLimit)
    .map((r) => ({
      id: BigInt(r.id),
      flowId: BigInt(r.flow_id),
      startMs: r.start_ms,
      durationMs: r.end_ms > r.start_ms ? r.end_ms - r.start_ms : 0,
      status: r.status,
      bytesAdded: BigInt(r.bytes_added),
    }));
  const dayList: DayBucket[] = days.map((d) => {
    const b = buckets.get(d)!;
    return {
      startMs: d,
      bytesAdded: b.added,
      bytesScanned: b.scanned,
      statusCounts: [...b.counts.entries()]
        .sort((x, y) => x[0] - y[0])
        .map(([status, count]) => ({ status, count })),
    };
  });
  return {
    id,
    backupsSuccess: success,
    backupsWarning: warning,
    backupsFailed: failed,
    bytesAdded: added,
    bytesScanned: scanned,
    bytesAddedAvg: withSummary ? added / BigInt(withSummary) : 0n,
    bytesScannedAvg: withSummary ? scanned / BigInt(withSummary) : 0n,
    totalSnapshots: extras.totalSnapshots(id),
    lastSuccessMs: lastSuccessMs ?? extras.lastSuccessMs(id),
    lastFailureMs,
    recent,
    days: dayList,
  };
}

// GetSummaryDashboard from the oplog's indexed aggregates plus the planner's next run times.
import { create } from '@bufbuild/protobuf';
import {
  OperationStatus,
  SummaryDashboardResponseSchema,
  SummaryDashboardResponse_SummarySchema,
  type Config,
  type SummaryDashboardResponse,
  type SummaryDashboardResponse_Summary,
} from '@restora/proto';
import { NotFoundError } from '../errors.js';
import type { OpLog, SummaryRow } from '../oplog/types.js';
import { nominalPeriodMs } from '../scheduler/schedule.js';

export interface DashboardDeps {
  config: () => Config;
  oplog: OpLog;
  upcoming: () => { key: string; runAt: number }[];
  configPath: string;
  dataPath: string;
  now?: () => number;
  /** A synced client's instance id and the plan / repo ids it shares (sync/); undefined for an unknown key id. */
  peer?: (keyid: string) => PeerDashboardScope | undefined;
}

export interface PeerDashboardScope {
  instanceId: string;
  /** Undefined: the ids seen in the client's operations. */
  planIds?: string[];
  repoIds?: string[];
}

const DAY = 24 * 3_600_000;
const GOOD = new Set([OperationStatus.STATUS_SUCCESS, OperationStatus.STATUS_WARNING]);

/**
 * Per day bucket: overdue when, at the end of that day (or now), the last good backup is older than 1.25 × the
 * schedule's nominal period (Backrest's rule). Plans without a schedule or without any good backup never are.
 */
function overdueDays(row: SummaryRow, periodMs: number | undefined, now: number): boolean[] | undefined {
  if (!periodMs) return undefined;
  const good = row.recent.filter((r) => GOOD.has(r.status)).map((r) => r.startMs + r.durationMs);
  if (row.lastSuccessMs !== undefined) good.push(row.lastSuccessMs);
  good.sort((a, b) => a - b);
  // Days are oldest first, so one pass finds each day's last good backup.
  let j = 0;
  return row.days.map((d) => {
    const at = Math.min(d.startMs + DAY, now);
    while (j < good.length && good[j]! <= at) j++;
    return j > 0 && at - good[j - 1]! > 1.25 * periodMs;
  });
}

export class DashboardService {
  /** Messages built from a row the store handed out before (unchanged plan or repo), by next run and overdue days. */
  private readonly built = new WeakMap<SummaryRow, { key: string; msg: SummaryDashboardResponse_Summary }>();

  constructor(private readonly d: DashboardDeps) {}

  private summaryOf(row: SummaryRow, nextMs: number | undefined, overdue: boolean[] | undefined) {
    const key = `${nextMs}|${overdue?.map(Number).join('')}`;
    const hit = this.built.get(row);
    if (hit?.key === key) return hit.msg;
    const msg = toSummary(row, nextMs, overdue);
    this.built.set(row, { key, msg });
    return msg;
  }

  /** `firstRun`: an unauthenticated first-run poll, answered empty (no repo, plan or path of the install). */
  summary(o: { firstRun?: boolean; peerKeyid?: string } = {}): SummaryDashboardResponse {
    if (o.firstRun) return create(SummaryDashboardResponseSchema, {});
    if (o.peerKeyid !== undefined) return this.peerSummary(o.peerKeyid);
    const config = this.d.config();
    const next = new Map(this.d.upcoming().map((u) => [u.key, u.runAt]));
    const now = this.d.now?.() ?? Date.now();
    // One clock for the window and the overdue flags.
    const common = { instanceId: config.instance, nowMs: now };
    const plans = this.d.oplog.summaries({ groupBy: 'plan', ids: config.plans.map((p) => p.id), ...common });
    const repos = this.d.oplog.summaries({ groupBy: 'repo', ids: config.repos.map((r) => r.id), ...common });
    // a repo's next backup is the soonest next run of its plans (Backrest: its pending backup op)
    const repoNext = new Map<string, number>();
    for (const p of config.plans) {
      const at = next.get(`backup:${p.id}`);
      if (at !== undefined) repoNext.set(p.repo, Math.min(at, repoNext.get(p.repo) ?? Infinity));
    }
    const periods = new Map(config.plans.map((p) => [p.id, nominalPeriodMs(p.schedule, now) ?? undefined]));
    return create(SummaryDashboardResponseSchema, {
      planSummaries: plans.map((row) =>
        this.summaryOf(row, next.get(`backup:${row.id}`), overdueDays(row, periods.get(row.id), now)),
      ),
      repoSummaries: repos.map((row) => this.summaryOf(row, repoNext.get(row.id), undefined)),
      configPath: this.d.configPath,
      dataPath: this.d.dataPath,
    });
  }

  /**
   * Restora extension (header restora-instance-keyid): the dashboard of a synced client from its operations on
   * this host. Next run times and overdue days need its schedules, which stay on the client: not reported.
   */
  private peerSummary(keyid: string): SummaryDashboardResponse {
    const scope = this.d.peer?.(keyid);
    if (!scope) throw new NotFoundError(`no synced client with key id ${keyid}`, 'peer', keyid);
    const common = { instanceId: scope.instanceId, nowMs: this.d.now?.() ?? Date.now() };
    const rows = (groupBy: 'plan' | 'repo', ids: string[] | undefined) =>
      this.d.oplog.summaries({ groupBy, ...common, ...(ids ? { ids } : {}) });
    return create(SummaryDashboardResponseSchema, {
      planSummaries: rows('plan', scope.planIds).map((r) => toSummary(r, undefined, undefined)),
      repoSummaries: rows('repo', scope.repoIds).map((r) => toSummary(r, undefined, undefined)),
    });
  }
}

function toSummary(row: SummaryRow, nextMs: number | undefined, overdue: boolean[] | undefined) {
  return create(SummaryDashboardResponse_SummarySchema, {
    id: row.id,
    backupsFailed30days: BigInt(row.backupsFailed),
    backupsWarningLast30days: BigInt(row.backupsWarning),
    backupsSuccessLast30days: BigInt(row.backupsSuccess),
    bytesScannedLast30days: row.bytesScanned,
    bytesAddedLast30days: row.bytesAdded,
    totalSnapshots: BigInt(row.totalSnapshots),
    bytesScannedAvg: row.bytesScannedAvg,
    bytesAddedAvg: row.bytesAddedAvg,
    nextBackupTimeMs: BigInt(nextMs ?? 0),
    recentBackups: {
      flowId: row.recent.map((r) => r.flowId),
      timestampMs: row.recent.map((r) => BigInt(r.startMs)),
      durationMs: row.recent.map((r) => BigInt(r.durationMs)),
      status: row.recent.map((r) => r.status),
      bytesAdded: row.recent.map((r) => r.bytesAdded),
    },
    historyLast30days: row.days.map((d, i) => ({
      overdue: overdue?.[i] ?? false,
      timestampMs: BigInt(d.startMs),
      bytesAdded: d.bytesAdded,
      bytesScanned: d.bytesScanned,
      statusCounts: d.statusCounts.map((s) => ({ status: s.status, count: BigInt(s.count) })),
    })),
  });
}

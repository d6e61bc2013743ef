// GetSummaryDashboard from the oplog's indexed aggregates plus the planner's next run times.
import { create } from '@bufbuild/protobuf';
import {
  SummaryDashboardResponseSchema,
  SummaryDashboardResponse_SummarySchema,
  type Config,
  type SummaryDashboardResponse,
} from '@restora/proto';
import type { OpLog, SummaryRow } from '../oplog/types.js';

export interface DashboardDeps {
  config: () => Config;
  oplog: OpLog;
  upcoming: () => { key: string; runAt: number }[];
  configPath: string;
  dataPath: string;
}

export class DashboardService {
  constructor(private readonly d: DashboardDeps) {}

  summary(): SummaryDashboardResponse {
    const config = this.d.config();
    const next = new Map(this.d.upcoming().map((u) => [u.key, u.runAt]));
    const common = { instanceId: config.instance };
    const plans = this.d.oplog.summaries({ groupBy: 'plan', ids: config.plans.map((p) => p.id), ...common });
    const repos = this.d.oplog.summaries({ groupBy: 'repo', ids: config.repos.map((r) => r.id), ...common });
    return create(SummaryDashboardResponseSchema, {
      planSummaries: plans.map((row) => toSummary(row, next.get(`backup:${row.id}`))),
      repoSummaries: repos.map((row) => toSummary(row, undefined)),
      configPath: this.d.configPath,
      dataPath: this.d.dataPath,
    });
  }
}

function toSummary(row: SummaryRow, nextMs: number | undefined) {
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
    historyLast30days: row.days.map((d) => ({
      timestampMs: BigInt(d.startMs),
      bytesAdded: d.bytesAdded,
      bytesScanned: d.bytesScanned,
      statusCounts: d.statusCounts.map((s) => ({ status: s.status, count: BigInt(s.count) })),
    })),
  });
}

import { create } from '@bufbuild/protobuf';
import { ConfigSchema, OperationStatus, SummaryDashboardResponseSchema } from '@restora/proto';
import { describe, expect, it } from 'vitest';
import { MemoryOpLog } from '../oplog/memory-store.js';
import { backupOp } from '../oplog/test-ops.js';
import { DashboardService } from './dashboard-service.js';

const DAY = 86_400_000;

describe('DashboardService', () => {
  it('summarises plans with next run time and overdue days (1.25 × the schedule period)', () => {
    const now = Date.UTC(2026, 10, 22, 12);
    const oplog = new MemoryOpLog();
    oplog.add(
      backupOp({ planId: 'daily', repoId: 'r', instanceId: 'me', startMs: now - 3 * DAY, bytesAdded: 10 }),
    );
    const config = create(ConfigSchema, {
      instance: 'me',
      repos: [{ id: 'r' }],
      plans: [
        { id: 'daily', repo: 'r', schedule: { schedule: { case: 'maxFrequencyDays', value: 1 } } },
        { id: 'manual', repo: 'r' },
      ],
    });
    const svc = new DashboardService({
      config: () => config,
      oplog,
      upcoming: () => [{ key: 'backup:daily', runAt: now + 1000 }],
      configPath: '/c.json',
      dataPath: '/data',
      now: () => now,
    });
    const res = svc.summary();
    const daily = res.planSummaries.find((p) => p.id === 'daily')!;
    expect(daily.backupsSuccessLast30days).toBe(1n);
    expect(daily.nextBackupTimeMs).toBe(BigInt(now + 1000));
    const days = daily.historyLast30days;
    expect(days.at(-1)?.overdue).toBe(true);
    const backupDay = days.findIndex((d) => d.bytesAdded === 10n);
    expect(backupDay).toBeGreaterThanOrEqual(0);
    expect(days[backupDay]?.overdue).toBe(false);
    expect(days.slice(0, backupDay).every((d) => !d.overdue)).toBe(true);
    expect(res.planSummaries.find((p) => p.id === 'manual')?.historyLast30days.some((d) => d.overdue)).toBe(
      false,
    );
    expect([res.configPath, res.dataPath]).toEqual(['/c.json', '/data']);
  });

  it("leaves the pending next run out of recentBackups and counts, and gives repos their plans' soonest next run", () => {
    const now = Date.UTC(2026, 10, 22, 12);
    const oplog = new MemoryOpLog();
    const base = { repoId: 'r', instanceId: 'me' };
    oplog.add(
      backupOp({ ...base, planId: 'a', startMs: now - DAY, bytesAdded: 10 }),
      backupOp({ ...base, planId: 'a', startMs: now + 3_600_000, status: OperationStatus.STATUS_PENDING }),
    );
    const config = create(ConfigSchema, {
      instance: 'me',
      repos: [{ id: 'r' }, { id: 'idle' }],
      plans: [
        { id: 'a', repo: 'r' },
        { id: 'b', repo: 'r' },
      ],
    });
    const svc = new DashboardService({
      config: () => config,
      oplog,
      upcoming: () => [
        { key: 'backup:a', runAt: now + 3_600_000 },
        { key: 'backup:b', runAt: now + 60_000 },
      ],
      configPath: '/c.json',
      dataPath: '/data',
      now: () => now,
    });
    const res = svc.summary();
    for (const s of [
      res.planSummaries.find((p) => p.id === 'a')!,
      res.repoSummaries.find((r) => r.id === 'r')!,
    ]) {
      expect(s.recentBackups?.status).toEqual([OperationStatus.STATUS_SUCCESS]);
      expect(s.backupsSuccessLast30days).toBe(1n);
      expect(s.historyLast30days.flatMap((d) => d.statusCounts.map((c) => c.status))).toEqual([
        OperationStatus.STATUS_SUCCESS,
      ]);
    }
    expect(res.repoSummaries.map((r) => [r.id, r.nextBackupTimeMs])).toEqual([
      ['idle', 0n],
      ['r', BigInt(now + 60_000)],
    ]);
    // an unauthenticated first-run poll learns nothing of the install
    expect(svc.summary({ firstRun: true })).toEqual(create(SummaryDashboardResponseSchema, {}));
  });
});

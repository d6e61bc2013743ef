import { create } from '@bufbuild/protobuf';
import { ConfigSchema } from '@restora/proto';
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
});

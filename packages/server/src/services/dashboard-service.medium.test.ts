// GetSummaryDashboard over the SQLite store equals the one over the memory store for the same random history, and
// its overdue flags equal the rule applied the obvious way (every good backup against every day).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { create } from '@bufbuild/protobuf';
import { ConfigSchema, OperationStatus } from '@restora/proto';
import { afterEach, describe, expect, it, onTestFinished } from 'vitest';
import { MemoryOpLog } from '../oplog/memory-store.js';
import { SqliteOpLog } from '../oplog/sqlite-store.js';
import { backupOp } from '../oplog/test-ops.js';
import type { OpLog } from '../oplog/types.js';
import { DashboardService } from './dashboard-service.js';

const DAY = 86_400_000;
const HOUR = 3_600_000;
const NOW = Date.UTC(2026, 10, 22, 12);
const GOOD = new Set<number>([OperationStatus.STATUS_SUCCESS, OperationStatus.STATUS_WARNING]);
const PERIODS: Record<string, number> = { hourly: HOUR, sixhourly: 6 * HOUR, daily: DAY };

const config = create(ConfigSchema, {
  instance: 'me',
  repos: [{ id: 'r1' }, { id: 'r2' }],
  plans: [
    { id: 'hourly', repo: 'r1', schedule: { schedule: { case: 'maxFrequencyHours', value: 1 } } },
    { id: 'sixhourly', repo: 'r1', schedule: { schedule: { case: 'maxFrequencyHours', value: 6 } } },
    { id: 'daily', repo: 'r2', schedule: { schedule: { case: 'maxFrequencyDays', value: 1 } } },
    { id: 'manual', repo: 'r2' },
  ],
});

let dir = '';
afterEach(() => {
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

function service(oplog: OpLog, now = () => NOW): DashboardService {
  return new DashboardService({
    config: () => config,
    oplog,
    upcoming: () => [{ key: 'backup:daily', runAt: NOW + 1000 }],
    configPath: '/c.json',
    dataPath: '/data',
    now,
  });
}

describe('DashboardService over both stores', () => {
  it('answers the same for the same random history, with overdue days by the obvious rule', () => {
    let seed = 3;
    const rand = () => (seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32;
    const mem = new MemoryOpLog();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'restora-dashboard-'));
    const sql = SqliteOpLog.open({ file: path.join(dir, 'oplog.sqlite') });
    for (let i = 0; i < 400; i++) {
      const planId = config.plans[Math.floor(rand() * 4)]!.id;
      const startMs = NOW - Math.floor(rand() * 45 * DAY);
      const op = backupOp({
        planId,
        repoId: config.plans.find((p) => p.id === planId)!.repo,
        instanceId: rand() < 0.9 ? 'me' : 'peer',
        status: [3, 3, 3, 4, 7, 2][Math.floor(rand() * 6)] as OperationStatus,
        startMs,
        endMs: startMs + Math.floor(rand() * 3 * HOUR),
        bytesAdded: Math.floor(rand() * 1000),
        bytesScanned: Math.floor(rand() * 5000),
      });
      mem.add(op);
      sql.add(op);
    }
    const fromSql = service(sql).summary();
    expect(fromSql).toEqual(service(mem).summary());
    const rows = mem.summaries({
      groupBy: 'plan',
      ids: config.plans.map((p) => p.id),
      instanceId: 'me',
      nowMs: NOW,
    });
    let overdue = 0;
    for (const plan of fromSql.planSummaries) {
      const row = rows.find((r) => r.id === plan.id)!;
      const good = row.recent.filter((r) => GOOD.has(r.status)).map((r) => r.startMs + r.durationMs);
      if (row.lastSuccessMs !== undefined) good.push(row.lastSuccessMs);
      const period = PERIODS[plan.id];
      const want = row.days.map((d) => {
        const at = Math.min(d.startMs + DAY, NOW);
        const last = Math.max(-Infinity, ...good.filter((t) => t <= at));
        return period !== undefined && Number.isFinite(last) && at - last > 1.25 * period;
      });
      expect(
        plan.historyLast30days.map((d) => d.overdue),
        plan.id,
      ).toEqual(want);
      overdue += want.filter(Boolean).length;
    }
    // The history is sparse enough that some days are overdue, and not all.
    expect(overdue).toBeGreaterThan(0);
    expect(overdue).toBeLessThan(3 * 30);
    sql.close();
  });

  it('reuses what it built for unchanged plans and rebuilds after a write or a new day', () => {
    const tz = process.env.TZ;
    process.env.TZ = 'UTC';
    onTestFinished(() => {
      if (tz === undefined) delete process.env.TZ;
      else process.env.TZ = tz;
    });
    const mem = new MemoryOpLog();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'restora-dashboard-'));
    const sql = SqliteOpLog.open({ file: path.join(dir, 'oplog.sqlite') });
    let now = NOW;
    const both = (op: ReturnType<typeof backupOp>) => (mem.add(op), sql.add(op));
    for (const planId of ['hourly', 'daily'])
      both(backupOp({ planId, repoId: 'r1', instanceId: 'me', startMs: NOW - 2 * DAY, bytesAdded: 3 }));
    const svc = service(sql, () => now);
    const first = svc.summary();
    const again = svc.summary();
    expect(again.planSummaries[0]).toBe(first.planSummaries[0]);
    both(backupOp({ planId: 'hourly', repoId: 'r1', instanceId: 'me', startMs: NOW - HOUR, bytesAdded: 7 }));
    const third = svc.summary();
    const hourly = (r: typeof first) => r.planSummaries.find((p) => p.id === 'hourly')!;
    expect(hourly(third)).not.toBe(hourly(first));
    expect(third).toEqual(service(mem).summary());
    // Two hours on, the same rows but the hourly plan is overdue today.
    now += 2 * HOUR;
    const later = svc.summary();
    expect(hourly(later).historyLast30days.at(-1)!.overdue).toBe(true);
    expect(later).toEqual(service(mem, () => now).summary());
    // A day later the window and the overdue days move: nothing stale comes back.
    now += DAY;
    expect(svc.summary()).toEqual(service(mem, () => now).summary());
    sql.close();
  });
});

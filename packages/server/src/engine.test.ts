import { create } from '@bufbuild/protobuf';
import { OperationBackupSchema, OperationSchema, OperationStatus } from '@restora/proto';
import type { OperationBackup, OperationForget, OperationRunHook } from '@restora/proto';
import { afterEach, describe, expect, it } from 'vitest';
import { Condition } from './hooks/conditions.js';
import { engineFixture, GUID, tick } from './tasks/testing/fixture.js';

const HOUR = 3_600_000;
const repo = (id: string, extra: Record<string, unknown> = {}) => ({
  id,
  uri: `/srv/${id}`,
  password: 'pw',
  guid: GUID(id[0]!),
  ...extra,
});
const plan = (id: string, repoId: string, extra: Record<string, unknown> = {}) => ({
  id,
  repo: repoId,
  paths: ['/data'],
  ...extra,
});

let stopAll: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const s of stopAll) await s();
  stopAll = [];
});
const fixture = (cfg: Record<string, unknown>, extra = {}) => {
  const f = engineFixture(cfg, extra);
  stopAll.push(() => f.engine.stop());
  return f;
};

describe('Engine: backups', () => {
  it('runs a backup with plan and instance tags, indexes the snapshot and applies plan retention in one flow', async () => {
    const f = fixture({
      repos: [repo('a')],
      plans: [
        plan('p1', 'a', {
          excludes: ['*.tmp'],
          iexcludes: ['*.LOG'],
          backup_flags: ['--one-file-system'],
          retention: { policyKeepLastN: 1 },
        }),
      ],
    });
    await f.engine.start();
    await f.engine.backup('p1');
    const op = await f.engine.backup('p1');
    await f.engine.scheduler.idle();
    const r = f.resticOf('a');
    expect(r.calls[0]).toMatchObject({
      method: 'backup',
      args: {
        tags: ['plan:p1', 'created-by:test-host'],
        excludes: ['*.tmp'],
        iexcludes: ['*.LOG'],
        flags: ['--one-file-system'],
      },
    });
    expect(f.statusName(op)).toBe('STATUS_SUCCESS');
    expect(op.snapshotId).toMatch(/^[0-9a-f]{64}$/);
    const backupOp = op.op.value as OperationBackup;
    expect(backupOp.lastStatus?.entry.case).toBe('summary');
    // forget: plan tag filter, one group, keep last 1 → the first snapshot is gone
    const forgets = f.ops('operationForget');
    expect(forgets).toHaveLength(2);
    expect(r.calls.find((c) => c.method === 'forget')?.args).toMatchObject({
      tags: ['plan:p1', 'created-by:test-host'],
      groupBy: [],
      flags: { keepLast: 1 },
    });
    expect(forgets.every((o) => o.status === OperationStatus.STATUS_SUCCESS)).toBe(true);
    expect(forgets.flatMap((o) => (o.op.value as OperationForget).forget).map((s) => s.id)).toHaveLength(1);
    // index ops share the backup's flow; the forgotten one is marked forgot
    const idx = f.ops('operationIndexSnapshot');
    expect(idx).toHaveLength(2);
    const mine = idx.find((o) => o.snapshotId === op.snapshotId)!;
    expect(mine.flowId).toBe(op.flowId);
    expect(mine.planId).toBe('p1');
    expect(mine.instanceId).toBe('test-host');
    expect(forgets.map((o) => o.flowId)).toContain(op.flowId);
    expect(idx.filter((o) => o.op.case === 'operationIndexSnapshot' && o.op.value.forgot)).toHaveLength(1);
  });

  it('marks partial backups WARNING, no-snapshot runs with a message, and failures ERROR', async () => {
    const f = fixture({ repos: [repo('a')], plans: [plan('p1', 'a')] });
    await f.engine.start();
    const r = f.resticOf('a');
    r.backupBehavior = 'partial';
    const w = await f.engine.backup('p1');
    expect(f.statusName(w)).toBe('STATUS_WARNING');
    expect(w.displayMessage).toBe('Partial backup, some files may not have been read completely.');
    expect((w.op.value as OperationBackup).errors.map((e) => e.message)).toEqual(['permission denied']);
    r.backupBehavior = 'nosnapshot';
    const n = await f.engine.backup('p1');
    expect(n.displayMessage).toBe('No snapshot added, possibly due to no changes in the source data.');
    r.backupBehavior = 'fail';
    await expect(f.engine.backup('p1')).rejects.toThrow(/unable to open repo/);
    const dry = await ((r.backupBehavior = 'ok'), f.engine.backup('p1', { dryRun: true }));
    expect(dry.displayMessage).toBe('Dry run backup, not saved in repo');
    expect(dry.snapshotId).toBe('');
    expect(() => f.engine.runBackup('nope')).toThrow(/plan "nope" not found/);
  });

  it('writes progress at most once per interval', async () => {
    const f = fixture({ repos: [repo('a')], plans: [plan('p1', 'a')] });
    await f.engine.start();
    const updates: number[] = [];
    f.oplog.subscribe((e) => {
      if (e.type === 'updated')
        for (const o of e.operations) if (o.op.case === 'operationBackup') updates.push(o.status);
    });
    const r = f.resticOf('a');
    const orig = r.backup.bind(r);
    r.backup = async (a) => {
      for (let i = 0; i < 50; i++) a.onEvent({ type: 'status', percentDone: i / 50 });
      return orig(a);
    };
    await f.engine.backup('p1');
    // INPROGRESS start, at most one progress write (fake time does not advance), final
    expect(updates.length).toBeLessThanOrEqual(4);
  });
});

describe('Engine: concurrency and cancel', () => {
  it('runs different repos in parallel and one op per repo, and cancels queued and running work', async () => {
    const f = fixture({
      repos: [repo('a'), repo('b')],
      plans: [plan('pa', 'a'), plan('pa2', 'a'), plan('pb', 'b')],
    });
    await f.engine.start();
    f.resticOf('a').holdBackups = true;
    f.resticOf('b').holdBackups = true;
    const a1 = f.engine.runBackup('pa');
    const a2 = f.engine.runBackup('pa2');
    const b1 = f.engine.runBackup('pb');
    await tick();
    expect(f.resticOf('a').runningBackups()).toBe(1);
    expect(f.resticOf('b').runningBackups()).toBe(1);
    expect(f.statusName(f.oplog.get(a2.op!.id))).toBe('STATUS_PENDING');
    expect(f.engine.cancel(a2.op!.id)).toBe('queued');
    expect(f.statusName(await a2.done)).toBe('STATUS_USER_CANCELLED');
    expect(f.engine.cancel(a1.op!.id)).toBe('running');
    const a1op = await a1.done;
    expect(f.statusName(a1op)).toBe('STATUS_USER_CANCELLED');
    expect(a1op!.displayMessage).toContain('note: task was cancelled by user request');
    expect(f.resticOf('a').locks).toBe(0);
    f.resticOf('b').release();
    expect(f.statusName(await b1.done)).toBe('STATUS_SUCCESS');
    expect(f.engine.cancel(b1.op!.id)).toBe('unknown');
  });

  it('unlocks a repo at once as an op, while a backup holds the repo and the concurrency limit is full', async () => {
    const f = fixture({ repos: [repo('a')], plans: [plan('pa', 'a')] }, { concurrency: 1 });
    await f.engine.start();
    f.resticOf('a').holdBackups = true;
    const backup = f.engine.runBackup('pa');
    await tick();
    expect(f.resticOf('a').runningBackups()).toBe(1);
    const op = await f.engine.unlock('a');
    expect(f.statusName(op)).toBe('STATUS_SUCCESS');
    expect(op.op.case === 'operationRunCommand' && op.op.value.command).toBe('restic unlock');
    expect(f.resticOf('a').runningBackups()).toBe(1);
    f.resticOf('a').release();
    expect(f.statusName(await backup.done)).toBe('STATUS_SUCCESS');
  });

  it("runs a lock-free job (snapshot indexing) beside the repo's backup; a locking job waits for it", async () => {
    const f = fixture({ repos: [repo('a')], plans: [plan('pa', 'a')] });
    await f.engine.start();
    f.resticOf('a').holdBackups = true;
    const backup = f.engine.runBackup('pa');
    await tick();
    expect(f.resticOf('a').runningBackups()).toBe(1);
    const ran: string[] = [];
    const job = (name: string, lockFree: boolean) =>
      f.engine.runJob('a', {
        view: { kind: name, resourceType: 'repository', resourceId: 'a', input: {} },
        command: `restic ${name}`,
        lockFree,
        run: async () => void ran.push(name),
      });
    const free = job('ls', true);
    const locking = job('tag', false);
    expect(f.statusName(await free.done)).toBe('STATUS_SUCCESS');
    expect(ran).toEqual(['ls']);
    expect(f.statusName(f.oplog.get(locking.op!.id))).toBe('STATUS_PENDING');
    f.resticOf('a').release();
    expect(f.statusName(await backup.done)).toBe('STATUS_SUCCESS');
    expect(f.statusName(await locking.done)).toBe('STATUS_SUCCESS');
    expect(ran).toEqual(['ls', 'tag']);
  });

  it('honours the global concurrency limit', async () => {
    const f = fixture(
      {
        repos: [repo('a'), repo('b'), repo('c')],
        plans: [plan('pa', 'a'), plan('pb', 'b'), plan('pc', 'c')],
      },
      { concurrency: 2 },
    );
    await f.engine.start();
    for (const id of ['a', 'b', 'c']) f.resticOf(id).holdBackups = true;
    const hs = ['pa', 'pb', 'pc'].map((p) => f.engine.runBackup(p));
    await tick();
    const running = ['a', 'b', 'c'].map((id) => f.resticOf(id).runningBackups());
    expect(running.reduce((x, y) => x + y)).toBe(2);
    for (const id of ['a', 'b', 'c']) f.resticOf(id).release();
    await tick();
    for (const id of ['a', 'b', 'c']) f.resticOf(id).release();
    const done = await Promise.all(hs.map((h) => h.done));
    expect(done.map(f.statusName)).toEqual(['STATUS_SUCCESS', 'STATUS_SUCCESS', 'STATUS_SUCCESS']);
  });
});

describe('Engine: scheduling', () => {
  it('runs a scheduled backup when due, shows it PENDING before, and replans the next slot', async () => {
    const f = fixture({
      repos: [repo('a')],
      plans: [plan('p1', 'a', { schedule: { maxFrequencyHours: 1, clock: 'CLOCK_LOCAL' } })],
    });
    await f.engine.start();
    const pending = f.ops('operationBackup');
    expect(pending.map(f.statusName)).toEqual(['STATUS_PENDING']);
    expect(Number(pending[0]!.unixTimeStartMs)).toBe(f.clock.now() + HOUR);
    await f.clock.advance(HOUR);
    await f.engine.scheduler.idle();
    const after = f.ops('operationBackup');
    expect(after.map(f.statusName)).toEqual(['STATUS_SUCCESS', 'STATUS_PENDING']);
    expect(Number(after[1]!.unixTimeStartMs)).toBeGreaterThan(f.clock.now());
  });

  it('a wake from sleep runs an overdue cron slot once, not once per missed slot', async () => {
    const f = fixture({
      repos: [repo('a')],
      plans: [plan('p1', 'a', { schedule: { cron: '0 * * * *', clock: 'CLOCK_LOCAL' } })],
    });
    await f.engine.start();
    f.clock.jump(5 * HOUR + 10 * 60_000); // suspended for 5 h
    await f.clock.advance(60_000); // the scheduler re-reads the wall clock within a minute
    await f.engine.scheduler.idle();
    await f.clock.advance(1000);
    await f.engine.scheduler.idle();
    const backups = f.ops('operationBackup');
    expect(backups.filter((o) => o.status === OperationStatus.STATUS_SUCCESS)).toHaveLength(1);
    const next = backups.find((o) => o.status === OperationStatus.STATUS_PENDING)!;
    expect(new Date(Number(next.unixTimeStartMs)).toISOString()).toBe('2026-06-01T16:00:00.000Z');
  });

  it('a backward clock jump does not run the same slot twice', async () => {
    const f = fixture({
      repos: [repo('a')],
      plans: [plan('p1', 'a', { schedule: { cron: '0 * * * *', clock: 'CLOCK_LOCAL' } })],
    });
    await f.engine.start();
    await f.clock.advance(HOUR);
    await f.engine.scheduler.idle();
    expect(f.ops('operationBackup').filter((o) => o.status === OperationStatus.STATUS_SUCCESS)).toHaveLength(
      1,
    );
    f.clock.set(f.clock.now() - 30 * 60_000); // NTP moves the clock back 30 min
    await f.config.update((c) => void (c.plans[0]!.excludes = ['x'])); // unrelated config change
    await f.clock.advance(40 * 60_000);
    await f.engine.scheduler.idle();
    expect(f.ops('operationBackup').filter((o) => o.status === OperationStatus.STATUS_SUCCESS)).toHaveLength(
      1,
    );
  });

  it('a config change replans only what changed and keeps queued one-off work', async () => {
    const f = fixture({
      repos: [repo('a'), repo('b')],
      plans: [
        plan('p1', 'a', { schedule: { maxFrequencyHours: 2, clock: 'CLOCK_LOCAL' } }),
        plan('p2', 'b', { schedule: { maxFrequencyHours: 3, clock: 'CLOCK_LOCAL' } }),
      ],
    });
    await f.engine.start();
    f.resticOf('a').holdBackups = true;
    const running = f.engine.runBackup('p1');
    await tick();
    const restore = f.engine.restore({
      repoId: 'a',
      planId: 'p1',
      snapshotId: 'f'.repeat(64),
      path: '/data',
      target: '/tmp/restora-no-such-dir-xyz',
    });
    const p2Before = f
      .ops('operationBackup')
      .find((o) => o.planId === 'p2' && o.status === OperationStatus.STATUS_PENDING)!;
    await f.clock.advance(10 * 60_000);
    await f.config.update((c) => {
      c.plans[0]!.schedule = c.plans[0]!.schedule
        ? { ...c.plans[0]!.schedule, schedule: { case: 'maxFrequencyHours', value: 5 } }
        : undefined;
    });
    const p2After = f
      .ops('operationBackup')
      .find((o) => o.planId === 'p2' && o.status === OperationStatus.STATUS_PENDING)!;
    expect(p2After.id).toBe(p2Before.id); // untouched
    expect(f.statusName(f.oplog.get(restore.op!.id))).toBe('STATUS_PENDING'); // one-off kept
    const p1 = f
      .ops('operationBackup')
      .filter(
        (o) => o.planId === 'p1' && o.status === OperationStatus.STATUS_PENDING && o.id !== running.op!.id,
      );
    expect(p1).toHaveLength(1);
    expect(Number(p1[0]!.unixTimeStartMs)).toBe(f.clock.now() + 5 * HOUR);
    f.resticOf('a').release();
    expect(f.statusName(await restore.done)).toBe('STATUS_SUCCESS');
    // removing the plan drops its pending op
    await f.config.update((c) => void (c.plans = c.plans.filter((p) => p.id !== 'p1')));
    expect(
      f
        .ops('operationBackup')
        .filter((o) => o.planId === 'p1' && o.status === OperationStatus.STATUS_PENDING),
    ).toHaveLength(0);
  });

  it('cancelling a queued scheduled backup moves it to its next natural slot', async () => {
    const f = fixture({
      repos: [repo('a')],
      plans: [plan('p1', 'a', { schedule: { cron: '0 * * * *', clock: 'CLOCK_UTC' } })],
    });
    await f.engine.start();
    const pending = f.ops('operationBackup')[0]!;
    expect(f.engine.cancel(pending.id)).toBe('queued');
    expect(f.statusName(f.oplog.get(pending.id))).toBe('STATUS_USER_CANCELLED');
    const next = f.ops('operationBackup').find((o) => o.status === OperationStatus.STATUS_PENDING)!;
    expect(new Date(Number(next.unixTimeStartMs)).toISOString()).toBe('2026-06-01T12:00:00.000Z');
  });

  it('prune and check with LAST_RUN_TIME wait for data, then run once backups exist', async () => {
    const f = fixture({
      repos: [
        repo('a', {
          prunePolicy: {
            schedule: { maxFrequencyDays: 7, clock: 'CLOCK_LAST_RUN_TIME' },
            maxUnusedPercent: 10,
          },
          checkPolicy: {
            schedule: { maxFrequencyDays: 7, clock: 'CLOCK_LAST_RUN_TIME' },
            readDataSubsetPercent: 5,
          },
        }),
      ],
      plans: [plan('p1', 'a')],
    });
    await f.engine.start();
    const prunePending = () =>
      f.ops('operationPrune').find((o) => o.status === OperationStatus.STATUS_PENDING);
    expect(Number(prunePending()!.unixTimeStartMs)).toBe(f.clock.now() + 7 * 24 * HOUR); // postponed: no data
    await f.engine.backup('p1');
    await f.clock.advance(1000);
    await f.engine.scheduler.idle();
    const r = f.resticOf('a');
    expect(r.calls.find((c) => c.method === 'prune')?.args).toEqual({ maxUnused: '10%' });
    expect(r.calls.find((c) => c.method === 'check')?.args).toEqual({ readDataSubset: '5.0000%' });
    expect(f.ops('operationPrune').map(f.statusName)).toEqual(['STATUS_SUCCESS', 'STATUS_PENDING']);
    expect(f.ops('operationStats').map(f.statusName)).toContain('STATUS_SUCCESS');
    const prune = f.ops('operationPrune')[0]!;
    expect(prune.op.case === 'operationPrune' && f.logs.text(prune.op.value.outputLogref)).toBe('pruned\n');
  });
});

describe('Engine: hooks', () => {
  const cmdHook = (conditions: string[], command: string, onError = 'ON_ERROR_IGNORE') => ({
    conditions,
    onError,
    actionCommand: { command },
  });

  it('fires repo then plan hooks in order as ops in the backup flow', async () => {
    const f = fixture({
      repos: [
        repo('a', {
          hooks: [
            cmdHook(
              ['CONDITION_SNAPSHOT_START', 'CONDITION_SNAPSHOT_END'],
              'echo repo {{ .EventName .Event }}',
            ),
          ],
        }),
      ],
      plans: [
        plan('p1', 'a', { hooks: [cmdHook(['CONDITION_SNAPSHOT_SUCCESS'], 'echo plan {{ .SnapshotId }}')] }),
      ],
    });
    await f.engine.start();
    const op = await f.engine.backup('p1');
    const hooks = f.ops('operationRunHook');
    expect(hooks.map((h) => (h.op.value as OperationRunHook).name)).toEqual([
      'command hook repo/a/hook/0',
      'command hook repo/a/hook/0',
      'command hook plan/p1/hook/0',
    ]);
    // SNAPSHOT_END comes after SUCCESS in the event list but repo hooks run first
    expect(hooks.map((h) => (h.op.value as OperationRunHook).condition)).toEqual([
      Condition.SNAPSHOT_START,
      Condition.SNAPSHOT_END,
      Condition.SNAPSHOT_SUCCESS,
    ]);
    expect(
      hooks.every((h) => h.flowId === op.flowId && (h.op.value as OperationRunHook).parentOp === op.id),
    ).toBe(true);
    expect(f.logs.text(hooks[2]!.logref)).toBe(`plan ${op.snapshotId}\n`);
    expect(hooks[0]!.displayMessage).toBe(
      'running command hook repo/a/hook/0 triggered by CONDITION_SNAPSHOT_START',
    );
  });

  it('applies on_error: cancel stops the backup, fatal fails it, ignore continues', async () => {
    const f = fixture({
      repos: [repo('a')],
      plans: [
        plan('cancel', 'a', { hooks: [cmdHook(['CONDITION_SNAPSHOT_START'], 'exit 1', 'ON_ERROR_CANCEL')] }),
        plan('fatal', 'a', { hooks: [cmdHook(['CONDITION_SNAPSHOT_START'], 'exit 2', 'ON_ERROR_FATAL')] }),
        plan('ignore', 'a', { hooks: [cmdHook(['CONDITION_SNAPSHOT_START'], 'exit 3')] }),
      ],
    });
    await f.engine.start();
    const c = await f.engine.runBackup('cancel').done;
    expect(f.statusName(c)).toBe('STATUS_USER_CANCELLED');
    await expect(f.engine.backup('fatal')).rejects.toThrow(
      /hook command hook plan\/fatal\/hook\/0 failed: command hook: exit code 2/,
    );
    expect(f.statusName(await f.engine.runBackup('ignore').done)).toBe('STATUS_SUCCESS');
    expect(
      f
        .resticOf('a')
        .methods()
        .filter((m) => m === 'backup'),
    ).toHaveLength(1);
    expect(f.ops('operationRunHook').map(f.statusName)).toEqual([
      'STATUS_ERROR',
      'STATUS_ERROR',
      'STATUS_ERROR',
    ]);
  });

  it('retries the parent after a retry hook failure, replacing the old hook ops', async () => {
    const f = fixture({
      repos: [repo('a')],
      plans: [
        plan('p1', 'a', {
          hooks: [
            cmdHook(['CONDITION_SNAPSHOT_START'], 'test -e /tmp/restora-never-$$', 'ON_ERROR_RETRY_1MINUTE'),
          ],
        }),
      ],
    });
    await f.engine.start();
    const h = f.engine.runBackup('p1');
    await f.engine.scheduler.idle();
    await tick(20);
    await f.engine.scheduler.idle();
    const op = f.oplog.get(h.op!.id)!;
    expect(f.statusName(op)).toBe('STATUS_PENDING');
    expect(op.displayMessage).toBe('waiting for retry, current backoff delay: 1m0s');
    await f.clock.advance(60_000);
    await f.engine.scheduler.idle();
    await tick(20);
    expect(f.oplog.get(h.op!.id)!.displayMessage).toContain('waiting for retry');
    expect(f.ops('operationRunHook')).toHaveLength(1); // the first attempt's hook op was replaced
    expect(f.engine.cancel(h.op!.id)).toBe('queued');
    expect(f.statusName(await h.done)).toBe('STATUS_USER_CANCELLED');
  });
});

describe('Engine: repo tasks', () => {
  it('queues repo tasks, forgets one snapshot, restores, runs commands in a shared flow and unlocks', async () => {
    const f = fixture({
      repos: [repo('a', { forgetPolicy: { retention: { policyKeepLastN: 5 } } })],
      plans: [plan('p1', 'a')],
    });
    await f.engine.start();
    const b = await f.engine.backup('p1');
    await f.engine.scheduler.idle();
    const id = await f.engine.runRepoTask('a', 'stats');
    expect(id).toBeGreaterThan(0n);
    const unlockId = await f.engine.runRepoTask('a', 'unlock');
    const unlockOp = f.oplog.get(unlockId);
    expect(f.statusName(unlockOp)).toBe('STATUS_SUCCESS');
    expect(unlockOp?.op.case === 'operationRunCommand' && unlockOp.op.value.command).toBe('restic unlock');
    const forget = f.engine.forget({ repoId: 'a', planId: 'p1', snapshotId: b.snapshotId });
    expect(f.statusName(await forget.done)).toBe('STATUS_SUCCESS');
    await f.engine.scheduler.idle();
    expect(
      f
        .ops('operationIndexSnapshot')
        .every((o) => o.op.case === 'operationIndexSnapshot' && o.op.value.forgot),
    ).toBe(true);
    const c1 = f.engine.runCommand('a', 'snapshots --json');
    const c1op = await c1.done;
    const c2op = await f.engine.runCommand('a', 'fail now').done;
    expect(f.statusName(c1op)).toBe('STATUS_SUCCESS');
    expect(f.statusName(c2op)).toBe('STATUS_ERROR');
    expect(c2op!.flowId).toBe(c1op!.flowId);
    expect(c1op!.op.case === 'operationRunCommand' && f.logs.text(c1op!.op.value.outputLogref)).toBe(
      'ran snapshots --json\n',
    );
    expect(() => f.engine.forget({ repoId: 'a', planId: '' })).toThrow(/must specify repoId and planId/);
    expect(() => f.engine.restore({ repoId: 'a', planId: 'p1', snapshotId: 'x', target: '/tmp' })).toThrow(
      /already exists/,
    );
    await expect(f.engine.runRepoTask('nope', 'prune')).rejects.toThrow(/repo "nope" not found/);
    expect(f.resticOf('a').methods()).toContain('unlock');
  });

  it('startup recovery unlocks repos touched by interrupted ops and auto-initializes repos', async () => {
    const f = fixture({
      repos: [repo('a'), { id: 'new', uri: '/srv/new', password: 'pw', autoInitialize: true }],
      plans: [plan('p1', 'a')],
    });
    const [stuck] = f.oplog.add(
      create(OperationSchema, {
        repoId: 'a',
        planId: 'p1',
        instanceId: 'test-host',
        status: OperationStatus.STATUS_INPROGRESS,
        unixTimeStartMs: BigInt(f.clock.now()),
        op: { case: 'operationBackup', value: create(OperationBackupSchema, {}) },
      }),
    );
    const report = await f.engine.start();
    await f.engine.stop();
    if (!stuck) throw new Error('no op');
    expect(report.failedOps).toBe(1);
    expect(report.unlockedRepos).toEqual(['a']);
    expect(report.initializedRepos).toEqual(['new']);
    expect(f.config.get().repos.find((r) => r.id === 'new')!.guid).toBe('f'.repeat(64));
    expect(f.oplog.get(stuck.id)!.displayMessage).toMatch(/incomplete when orchestrator was restarted/);
  });
});

describe('Engine: watchdogs', () => {
  it('fails a task that exceeds its time limit or stops making progress', async () => {
    const f = fixture(
      { repos: [repo('a'), repo('b')], plans: [plan('pa', 'a'), plan('pb', 'b')] },
      { timeouts: { backup: 10_000 }, stallTimeoutMs: 3000 },
    );
    await f.engine.start();
    f.resticOf('a').holdBackups = true;
    const stalled = f.engine.runBackup('pa');
    await tick();
    await f.clock.advance(3000);
    const op = (await stalled.done)!;
    expect(f.statusName(op)).toBe('STATUS_ERROR');
    expect(op.displayMessage).toBe('task stalled: no progress for 3 s');
    // progress keeps the stall watchdog quiet, but the hard limit still applies
    const r = f.resticOf('b');
    r.holdBackups = true;
    const orig = r.backup.bind(r);
    r.backup = (a) => {
      const beat = setInterval(() => a.onEvent({ type: 'status', percentDone: 0.1 }), 1);
      return orig(a).finally(() => clearInterval(beat));
    };
    const slow = f.engine.runBackup('pb');
    await tick();
    for (let t = 0; t < 10; t++) {
      await new Promise((res) => setTimeout(res, 3));
      await f.clock.advance(1000);
    }
    const op2 = (await slow.done)!;
    expect(op2.displayMessage).toBe('task timed out after 10 s');
  });

  it('queues stats after prune at most once per 24 h', async () => {
    const f = fixture({ repos: [repo('a')], plans: [plan('p1', 'a')] });
    await f.engine.start();
    for (let i = 0; i < 2; i++) {
      const id = await f.engine.runRepoTask('a', 'prune');
      await f.engine.scheduler.idle();
      expect(f.statusName(f.oplog.get(id))).toBe('STATUS_SUCCESS');
    }
    expect(f.ops('operationStats')).toHaveLength(1);
  });
});

describe('Engine: restart', () => {
  it('re-queues a restore that was waiting when the server stopped and drops stale scheduled ops', async () => {
    const cfg = {
      repos: [repo('a')],
      plans: [plan('p1', 'a', { schedule: { maxFrequencyHours: 1, clock: 'CLOCK_LOCAL' } })],
    };
    const f = fixture(cfg);
    await f.engine.start();
    f.resticOf('a').holdBackups = true;
    f.engine.runBackup('p1');
    await tick();
    const restore = f.engine.restore({
      repoId: 'a',
      planId: 'p1',
      snapshotId: 'd'.repeat(64),
      target: '/tmp/restora-none-abc',
    });
    await f.engine.stop(); // restic is interrupted; the restore never ran
    expect(f.statusName(f.oplog.get(restore.op!.id))).toBe('STATUS_PENDING');
    const { composeEngine } = await import('./compose-engine.js');
    const again = composeEngine({
      config: f.config,
      oplog: f.oplog,
      logs: f.logs,
      clock: f.clock,
      resticFor: () => f.resticOf('a'),
      gcDelayMs: false,
      log: () => {},
    });
    stopAll.push(() => again.stop());
    f.resticOf('a').holdBackups = false;
    const report = await again.start();
    expect(report.adoptedOps).toBe(1);
    await again.scheduler.idle();
    expect(f.statusName(f.oplog.get(restore.op!.id))).toBe('STATUS_SUCCESS');
    expect(f.resticOf('a').calls.find((c) => c.method === 'restore')?.args).toMatchObject({
      snapshotId: 'd'.repeat(64),
      target: '/tmp/restora-none-abc',
    });
    expect(f.ops('operationBackup').filter((o) => o.status === OperationStatus.STATUS_PENDING)).toHaveLength(
      1,
    );
  });
});

describe('Engine: missed runs', () => {
  it('LAST_RUN_TIME catches up once after downtime; LOCAL waits for the next slot', async () => {
    const f = fixture({
      repos: [repo('a')],
      plans: [
        plan('catchup', 'a', { schedule: { maxFrequencyDays: 1, clock: 'CLOCK_LAST_RUN_TIME' } }),
        plan('wall', 'a', { schedule: { maxFrequencyDays: 1, clock: 'CLOCK_LOCAL' } }),
      ],
    });
    const threeDaysAgo = BigInt(f.clock.now() - 72 * HOUR);
    for (const planId of ['catchup', 'wall']) {
      f.oplog.add(
        create(OperationSchema, {
          repoId: 'a',
          planId,
          instanceId: 'test-host',
          status: OperationStatus.STATUS_SUCCESS,
          unixTimeStartMs: threeDaysAgo,
          unixTimeEndMs: threeDaysAgo,
          op: { case: 'operationBackup', value: create(OperationBackupSchema, {}) },
        }),
      );
    }
    await f.engine.start();
    await f.engine.scheduler.idle();
    const ran = (planId: string) =>
      f
        .ops('operationBackup')
        .filter((o) => o.planId === planId && o.status === OperationStatus.STATUS_SUCCESS).length;
    expect(ran('catchup')).toBe(2); // the old one + exactly one catch-up run
    expect(ran('wall')).toBe(1);
    const next = (planId: string) =>
      Number(
        f
          .ops('operationBackup')
          .find((o) => o.planId === planId && o.status === OperationStatus.STATUS_PENDING)!.unixTimeStartMs,
      );
    expect(next('catchup')).toBe(f.clock.now() + 24 * HOUR);
    expect(next('wall')).toBe(f.clock.now() + 24 * HOUR);
  });
});

describe('Engine: garbage collection', () => {
  it('collects history 1 s after start and then daily', async () => {
    const f = fixture({ repos: [repo('a')], plans: [plan('p1', 'a')] }, { gcDelayMs: 1000 });
    let runs = 0;
    const orig = f.oplog.collectGarbage.bind(f.oplog);
    f.oplog.collectGarbage = (o) => {
      runs++;
      return orig(o);
    };
    await f.engine.start();
    expect(runs).toBe(0);
    await f.clock.advance(1000);
    await f.engine.scheduler.idle();
    expect(runs).toBe(1);
    await f.clock.advance(24 * HOUR);
    await f.engine.scheduler.idle();
    expect(runs).toBe(2);
  });
});

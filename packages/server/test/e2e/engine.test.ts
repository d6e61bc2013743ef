import { OperationStatus } from '@restora/proto';
import type { OperationForget, OperationRunHook } from '@restora/proto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startReceiver } from '../../src/hooks/test-receiver.js';
import { FakeClock } from '../../src/scheduler/fake-clock.js';
import {
  isFinished,
  openEngine,
  PASSWORD,
  resticJson,
  resticLocks,
  waitFor,
  workspace,
  writeConfig,
} from './engine-helpers.js';

const HOUR = 3_600_000;

describe('engine with real restic 0.14', () => {
  const ws = workspace('engine');
  let rx: Awaited<ReturnType<typeof startReceiver>>;
  let h: ReturnType<typeof openEngine>;
  const clock = new FakeClock(Date.now());

  beforeAll(async () => {
    rx = await startReceiver();
    const hook = (cond: string, body: string) => ({
      conditions: [cond],
      actionWebhook: { webhookUrl: `${rx.url}/hook`, method: 'POST', template: body },
    });
    writeConfig(ws.configFile, {
      repos: [
        {
          id: 'local',
          uri: ws.repo,
          password: PASSWORD,
          autoInitialize: true,
          prunePolicy: { maxUnusedPercent: 5 },
          checkPolicy: { readDataSubsetPercent: 50 },
          commandPrefix: { cpuNice: 'CPU_LOW' },
          hooks: [hook('CONDITION_SNAPSHOT_START', '{"n":"repo-start","plan":"{{ .Plan.Id }}"}')],
        },
      ],
      plans: [
        {
          id: 'docs',
          repo: 'local',
          paths: [ws.src],
          excludes: ['*.skip'],
          schedule: { maxFrequencyHours: 1, clock: 'CLOCK_LOCAL' },
          retention: { policyKeepLastN: 2 },
          hooks: [
            hook(
              'CONDITION_SNAPSHOT_SUCCESS',
              '{"n":"success","snap":"{{ .SnapshotId }}","added":{{ .SnapshotStats.DataAdded }}}',
            ),
            hook(
              'CONDITION_SNAPSHOT_END',
              '{"n":"end","event":"{{ .EventName .Event }}","err":{{ .JsonMarshal .Error }}}',
            ),
          ],
        },
      ],
    });
    h = openEngine(ws, { clock });
  });

  afterAll(async () => {
    await h?.close();
    await rx?.close();
    ws.cleanup();
  });

  it('auto-initializes the repo and runs the scheduled backup when due, with hooks in order', async () => {
    const report = await h.engine.start();
    expect(report.initializedRepos).toEqual(['local']);
    expect(h.config.get().repos[0]!.guid).toMatch(/^[0-9a-f]{64}$/);
    const pending = h.oplog.query({ kinds: ['operationBackup'] });
    expect(pending.map((o) => o.status)).toEqual([OperationStatus.STATUS_PENDING]);
    await clock.advance(HOUR);
    const ran = h.oplog.query({ kinds: ['operationBackup'] })[0]!;
    await waitFor(
      () =>
        h.oplog.get(ran.id)!.status !== OperationStatus.STATUS_INPROGRESS &&
        h.oplog.get(ran.id)!.status !== OperationStatus.STATUS_PENDING,
    );
    await h.engine.scheduler.idle();
    const op = h.oplog.get(ran.id)!;
    expect(OperationStatus[op.status]).toBe('STATUS_SUCCESS');
    const snaps = resticJson<{ id: string; tags: string[]; excludes?: string[] }[]>(ws.repo, 'snapshots');
    expect(snaps).toHaveLength(1);
    expect(snaps[0]!.id).toBe(op.snapshotId);
    expect(snaps[0]!.tags.sort()).toEqual(['created-by:e2e-host', 'plan:docs']);
    expect(snaps[0]!.excludes).toEqual(['*.skip']);
    const bodies = rx.requests.map((r) => JSON.parse(r.body) as Record<string, unknown>);
    expect(bodies.map((b) => b.n)).toEqual(['repo-start', 'success', 'end']);
    expect(bodies[0]).toEqual({ n: 'repo-start', plan: 'docs' });
    expect(bodies[1]!.snap).toBe(op.snapshotId);
    expect(bodies[1]!.added).toBeGreaterThan(0);
    expect(bodies[2]).toEqual({ n: 'end', event: 'snapshot end', err: '' });
    const hookOps = h.oplog.query({ flowId: op.flowId, kinds: ['operationRunHook'] });
    expect(hookOps.map((o) => (o.op.value as OperationRunHook).name)).toEqual([
      'webhook hook repo/local/hook/0',
      'webhook hook plan/docs/hook/0',
      'webhook hook plan/docs/hook/1',
    ]);
    // the next run is planned an hour after now
    const next = h.oplog
      .query({ kinds: ['operationBackup'] })
      .find((o) => o.status === OperationStatus.STATUS_PENDING)!;
    expect(Number(next.unixTimeStartMs)).toBe(clock.now() + HOUR);
  });

  it('retention keeps the newest snapshots of the plan and forgets the oldest', async () => {
    const { writeFileSync } = await import('node:fs');
    for (const n of [1, 2]) {
      writeFileSync(`${ws.src}/c${n}.txt`, `change ${n}\n`);
      await h.engine.backup('docs');
      await h.engine.scheduler.idle();
    }
    const snaps = resticJson<{ id: string }[]>(ws.repo, 'snapshots');
    expect(snaps).toHaveLength(2);
    const backups = h.oplog
      .query({ kinds: ['operationBackup'] })
      .filter((o) => o.status === OperationStatus.STATUS_SUCCESS)
      .map((o) => o.snapshotId);
    expect(backups).toHaveLength(3);
    expect(snaps.map((s) => s.id).sort()).toEqual(backups.slice(1).sort());
    const forgotten = h.oplog
      .query({ kinds: ['operationForget'] })
      .flatMap((o) => (o.op.value as OperationForget).forget.map((s) => s.id));
    expect(forgotten).toEqual([backups[0]]);
    const idx = h.oplog.query({ kinds: ['operationIndexSnapshot'] });
    expect(
      idx.filter((o) => o.op.case === 'operationIndexSnapshot' && o.op.value.forgot).map((o) => o.snapshotId),
    ).toEqual([backups[0]]);
  });

  it('restores one file (Backrest layout: <target>/<name>) and a whole snapshot', async () => {
    const { readFileSync } = await import('node:fs');
    const { join } = await import('node:path');
    const snap = resticJson<{ id: string }[]>(ws.repo, 'snapshots').at(-1)!.id;
    const one = join(ws.dir, 'restore-one');
    const h1 = h.engine.restore({
      repoId: 'local',
      planId: 'docs',
      snapshotId: snap,
      path: `${ws.src}/a.txt`,
      target: one,
    });
    const all = join(ws.dir, 'restore-all');
    const h2 = h.engine.restore({ repoId: 'local', planId: 'docs', snapshotId: snap, target: all });
    const [op1, op2] = await Promise.all([h1.done, h2.done]);
    expect([OperationStatus[op1!.status], OperationStatus[op2!.status]]).toEqual([
      'STATUS_SUCCESS',
      'STATUS_SUCCESS',
    ]);
    expect(readFileSync(join(one, 'a.txt'), 'utf8')).toBe('alpha\n');
    expect(readFileSync(join(all, ws.src, 'c2.txt'), 'utf8')).toBe('change 2\n');
    expect(op1!.op.case === 'operationRestore' && op1!.op.value.lastStatus?.messageType).toBe('summary');
    expect(() =>
      h.engine.restore({ repoId: 'local', planId: 'docs', snapshotId: snap, target: one }),
    ).toThrow(/already exists/);
  });

  it('runs prune and check (read-data subset) and collects stats', async () => {
    const pruneId = await h.engine.runRepoTask('local', 'prune');
    const checkId = await h.engine.runRepoTask('local', 'check');
    await waitFor(() => [pruneId, checkId].every((id) => isFinished(h.oplog.get(id)!.status)));
    await h.engine.scheduler.idle();
    const prune = h.oplog.get(pruneId)!;
    const check = h.oplog.get(checkId)!;
    expect([OperationStatus[prune.status], OperationStatus[check.status]]).toEqual([
      'STATUS_SUCCESS',
      'STATUS_SUCCESS',
    ]);
    const checkLog = check.op.case === 'operationCheck' ? h.logs.text(check.op.value.outputLogref) : '';
    expect(checkLog).toMatch(/no errors were found/);
    const stats = h.oplog.query({ kinds: ['operationStats'] }).at(-1)!;
    expect(stats.op.case === 'operationStats' && stats.op.value.stats!.totalSize).toBeGreaterThan(0n);
    expect(resticLocks(ws.repo)).toEqual([]);
  });
});

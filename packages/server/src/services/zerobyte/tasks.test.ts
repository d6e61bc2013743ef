import { create } from '@bufbuild/protobuf';
import { ConfigSchema, OperationSchema, OperationStatus, RepoSchema } from '@restora/proto';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createMemoryConfigStore } from '../../config/config-store.js';
import { composeEngine } from '../../compose-engine.js';
import { MemoryOpLog } from '../../oplog/memory-store.js';
import { FakeRestic } from '../../tasks/testing/fake-restic.js';
import type { ZbContext } from './context.js';
import { shortIdOf } from './ids.js';
import { MetaStore } from './meta-store.js';
import { TaskCenter } from './tasks.js';

const repos = ['repo0', 'repo1'].map((id) =>
  create(RepoSchema, { id, uri: `/srv/${id}`, guid: id.at(-1)!.repeat(64), password: 'pw' }),
);
const stops: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const stop of stops.splice(0)) await stop();
});

/** A server's Zerobyte task feed over a real engine; pass the stores of a previous one to "restart". */
async function setup(meta = new MetaStore(':memory:'), oplog = new MemoryOpLog()) {
  const config = createMemoryConfigStore(create(ConfigSchema, { version: 6, instance: 'host', repos }));
  const engine = composeEngine({
    config,
    oplog,
    resticFor: () => new FakeRestic(),
    gcDelayMs: false,
    log: () => {},
  });
  await engine.start();
  const ctx = { config, oplog, meta, engine, dataDir: '/nonexistent', restic: {}, now: Date.now };
  const center = new TaskCenter(ctx satisfies ZbContext);
  const stop = async () => {
    center.close();
    await engine.stop();
  };
  stops.push(stop);
  return { center, engine, meta, oplog, stop };
}

const job = (kind: string, run: (signal: AbortSignal) => Promise<Record<string, unknown> | void>) => ({
  kind,
  resourceType: 'repository' as const,
  resourceId: shortIdOf('repo', 'repo1'),
  repoId: 'repo1',
  input: { snapshotIds: ['abc'] },
  command: `restic ${kind}`,
  run: (rt: { signal: AbortSignal }) => run(rt.signal),
});
const untilAborted = (signal: AbortSignal) =>
  new Promise<void>((_r, reject) => signal.addEventListener('abort', () => reject(new Error('x'))));

const settled = async (center: TaskCenter, id: string) => {
  for (let i = 0; i < 400; i++) {
    const t = center.get(id);
    if (!['queued', 'running', 'cancelling'].includes(t.status)) return t;
    await new Promise((r) => setTimeout(r, 5));
  }
  throw new Error('task did not finish');
};

describe('TaskCenter: Zerobyte tasks as a projection of oplog operations', () => {
  it('runs a job as one run-command op, reports its changes, refuses a second one on the resource (409)', async () => {
    const { center, oplog } = await setup();
    const seen: string[] = [];
    center.onChange((t) => seen.push(t.status));
    let release!: () => void;
    const t = center.submit(
      job('doctor', () => new Promise<void>((r) => (release = r)).then(() => ({ ok: 1 }))),
    );
    expect(() => center.submit(job('doctor', async () => {}))).toThrow(/already in progress/);
    await vi.waitFor(() => expect(center.get(t.id).status).toBe('running'));
    expect(center.active().map((x) => x.id)).toEqual([t.id]);
    release();
    expect(await settled(center, t.id)).toMatchObject({
      kind: 'doctor',
      status: 'succeeded',
      resourceId: shortIdOf('repo', 'repo1'),
      operationKey: `doctor:${shortIdOf('repo', 'repo1')}`,
      input: { snapshotIds: ['abc'] },
      result: { ok: 1 },
    });
    expect(seen.filter((s, i) => s !== seen[i - 1])).toEqual(['queued', 'running', 'succeeded']);
    const op = oplog.get(BigInt(t.id))!;
    expect(op).toMatchObject({ repoId: 'repo1', planId: '_system_', displayMessage: 'zerobyte doctor' });
    expect(op.op.case === 'operationRunCommand' && op.op.value.command).toBe('restic doctor');
  });

  it('cancels a running job (cancelling, then cancelled), 409s on a finished one, 404s an unknown id', async () => {
    const { center } = await setup();
    const t = center.submit(job('tagSnapshots', untilAborted));
    await vi.waitFor(() => expect(center.get(t.id).status).toBe('running'));
    const changes: string[] = [];
    center.onChange((x) => changes.push(x.status));
    expect(center.cancel(t.id)).toEqual({ status: 'cancelling' });
    expect(await settled(center, t.id)).toMatchObject({ status: 'cancelled', cancellationRequested: true });
    expect(changes[0]).toBe('cancelling');
    expect(() => center.cancel(t.id)).toThrow(/not cancellable/);
    expect(() => center.get('missing')).toThrow(/Task not found/);
    expect(() => center.get('99999999999999999999')).toThrow(/Task not found/);
    expect(() => center.get('9999999999999999999')).toThrow(/Task not found/); // past int64
    expect(() => center.get('0b1a2c3d-0000-4000-8000-000000000000')).toThrow(/Task not found/);
  });

  it("is one model: Backrest's Cancel stops a job, the oplog lists it, an engine op is a task, no task rows", async () => {
    const { center, engine, oplog, meta } = await setup();
    let stopped!: () => void;
    // restic takes a moment to stop after SIGINT: meanwhile the task is `cancelling`, whoever asked
    const slowToStop = (signal: AbortSignal) =>
      new Promise<void>((_r, reject) =>
        signal.addEventListener('abort', () => (stopped = () => reject(new Error('interrupted')))),
      );
    const t = center.submit(job('deleteSnapshots', slowToStop));
    await vi.waitFor(() => expect(center.get(t.id).status).toBe('running'));
    expect(engine.cancel(BigInt(t.id))).toBe('running');
    expect(center.get(t.id)).toMatchObject({ status: 'cancelling', cancellationRequested: true });
    expect(center.active().map((x) => x.status)).toEqual(['cancelling']);
    stopped();
    expect(await settled(center, t.id)).toMatchObject({ status: 'cancelled' });
    expect(oplog.get(BigInt(t.id))?.status).toBe(OperationStatus.STATUS_USER_CANCELLED);

    const opId = await engine.runRepoTask('repo0', 'check');
    expect(await settled(center, String(opId))).toMatchObject({ kind: 'check', status: 'succeeded' });
    const kinds = center.history({}, 1, 10).items.map((i) => i.kind);
    expect(kinds.sort()).toEqual(['check', 'deleteSnapshots']);
    expect(meta.list('task')).toEqual([]);
  });

  it('keeps finished jobs across restarts (history and get): the oplog is their only store', async () => {
    const a = await setup();
    const t = a.center.submit(job('tagSnapshots', () => Promise.reject(new Error('boom'))));
    expect(await settled(a.center, t.id)).toMatchObject({ status: 'failed', error: 'boom' });
    await a.stop();
    const b = await setup(a.meta, a.oplog);
    expect(b.center.get(t.id)).toMatchObject({ status: 'failed', kind: 'tagSnapshots' });
    expect(b.center.history({}, 1, 10).items).toEqual([
      expect.objectContaining({ id: t.id, kind: 'tagSnapshots', outcome: 'error', message: 'boom' }),
    ]);
    expect(b.center.history({ outcome: 'success' }, 1, 10).totalItems).toBe(0);
  });

  it('reports jobs interrupted by a shutdown or a crash as stale (Zerobyte), a user cancel as cancelled', async () => {
    const a = await setup();
    const cancelled = a.center.submit({ ...job('doctor', untilAborted), resourceId: 'r0', repoId: 'repo0' });
    await vi.waitFor(() => expect(a.center.get(cancelled.id).status).toBe('running'));
    a.center.cancel(cancelled.id);
    expect(await settled(a.center, cancelled.id)).toMatchObject({ status: 'cancelled' });
    const running = a.center.submit(job('doctor', untilAborted));
    const queued = a.center.submit(job('tagSnapshots', untilAborted)); // waits for the repo lock
    await vi.waitFor(() => expect(a.center.get(running.id).status).toBe('running'));
    expect(a.center.get(queued.id).status).toBe('queued');
    await a.stop(); // a shutdown: the running job's signal aborts, the queued one never runs
    expect(a.center.get(running.id)).toMatchObject({ status: 'stale', error: expect.any(String) });

    const b = await setup(a.meta, a.oplog); // the restart: the job still queued at shutdown is stale too
    expect(b.center.get(queued.id)).toMatchObject({ status: 'stale', finishedAt: expect.any(Number) });
    const crashed = b.center.submit(job('restore', untilAborted));
    await vi.waitFor(() => expect(b.center.get(crashed.id).status).toBe('running'));

    const c = await setup(a.meta, a.oplog); // a crash of b: its running job was never finished
    expect(c.center.get(crashed.id)).toMatchObject({ status: 'stale' });
    const outcomes = Object.fromEntries(c.center.history({}, 1, 10).items.map((i) => [i.id, i.outcome]));
    expect(outcomes).toEqual({
      [cancelled.id]: 'cancelled',
      [running.id]: 'stale',
      [queued.id]: 'stale',
      [crashed.id]: 'stale',
    });
    expect(c.center.active()).toEqual([]);
  });

  it('moves the job rows of older versions from rest-api.sqlite into the oplog once', async () => {
    const meta = new MetaStore(':memory:');
    const dto = (id: string, status: string, resourceId: string) => ({
      id,
      kind: 'tagSnapshots',
      status,
      resourceType: 'repository',
      resourceId,
      operationKey: `tagSnapshots:${resourceId}`,
      targetAgentId: null,
      input: { snapshotIds: ['abc'] },
      progress: null,
      result: status === 'succeeded' ? { changedSnapshots: 1 } : null,
      error: status === 'failed' ? 'boom' : null,
      cancellationRequested: false,
      createdAt: 1000,
      startedAt: 1000,
      updatedAt: 2000,
      finishedAt: status === 'running' ? null : 2000,
    });
    const r1 = shortIdOf('repo', 'repo1');
    meta.put('task', 'a', { dto: dto('a', 'succeeded', r1), warning: true });
    meta.put('task', 'b', { dto: dto('b', 'failed', r1) });
    meta.put('task', 'c', { dto: dto('c', 'running', r1) });
    meta.put('task', 'd', { dto: dto('d', 'succeeded', 'gone1234') }); // its repository was removed
    meta.put('task', 'e', { dto: dto('e', 'succeeded', r1), opId: '99' }); // a restore: its op exists
    const { center, oplog } = await setup(meta);
    expect(meta.list('task')).toEqual([]);
    expect(oplog.query({}).length).toBe(3);
    const byOutcome = center.history({}, 1, 10).items.map((i) => [i.kind, i.outcome, i.message]);
    expect(byOutcome.sort()).toEqual([
      ['tagSnapshots', 'error', 'boom'],
      ['tagSnapshots', 'stale', expect.any(String)],
      ['tagSnapshots', 'warning', null],
    ]);
    const ok = center.history({ outcome: 'warning' }, 1, 1).items[0]!;
    expect(center.get(ok.id)).toMatchObject({ result: { changedSnapshots: 1 }, resourceId: r1 });
  });
  it('counts the whole history in totalItems, past the 2000-op read batch', async () => {
    const { center, oplog } = await setup();
    const ops = Array.from({ length: 4500 }, (_, i) =>
      create(OperationSchema, {
        instanceId: 'host',
        repoId: 'repo0',
        planId: '_system_',
        repoGuid: '0'.repeat(64),
        status: i % 3 === 0 ? OperationStatus.STATUS_ERROR : OperationStatus.STATUS_SUCCESS,
        unixTimeStartMs: BigInt(1_000 + i),
        unixTimeEndMs: BigInt(2_000 + i),
        op: { case: 'operationCheck', value: {} },
      }),
    );
    oplog.add(...ops);
    const all = center.history({}, 1, 50);
    expect(all).toMatchObject({ totalItems: 4500, totalPages: 90 });
    expect(all.items[0]?.finishedAt).toBe(2_000 + 4499);
    expect(center.history({ outcome: 'error' }, 30, 50)).toMatchObject({ totalItems: 1500, totalPages: 30 });
    expect(center.history({ outcome: 'error' }, 30, 50).items).toHaveLength(50);
  });
});

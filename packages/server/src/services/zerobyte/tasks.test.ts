import { OperationStatus } from '@restora/proto';
import { describe, expect, it, vi } from 'vitest';
import { createMemoryConfigStore } from '../../config/config-store.js';
import { MemoryOpLog } from '../../oplog/memory-store.js';
import { Scheduler } from '../../scheduler/scheduler.js';
import { restoreOperation } from '../../tasks/restore.js';
import type { ZbContext } from './context.js';
import { MetaStore } from './meta-store.js';
import { TaskCenter } from './tasks.js';

function setup(meta = new MetaStore(':memory:'), oplog = new MemoryOpLog()) {
  const scheduler = new Scheduler({ concurrency: 2 });
  scheduler.start();
  const ctx = {
    config: createMemoryConfigStore(),
    oplog,
    meta,
    engine: {
      scheduler,
      cancel: () => 'unknown',
      linkOperation: () => () => undefined,
    } as unknown as ZbContext['engine'],
    dataDir: '/nonexistent',
    restic: {},
    now: Date.now,
  } satisfies ZbContext;
  return { center: new TaskCenter(ctx), scheduler, meta, oplog };
}

const job = (kind: string, run: (signal: AbortSignal) => Promise<Record<string, unknown> | void>) => ({
  kind,
  resourceType: 'repository' as const,
  resourceId: 'r1',
  repoId: 'repo1',
  input: {},
  run: (rt: { signal: AbortSignal }) => run(rt.signal),
});

const settled = async (center: TaskCenter, id: string) => {
  for (let i = 0; i < 200; i++) {
    const t = center.get(id);
    if (!['queued', 'running', 'cancelling'].includes(t.status)) return t;
    await new Promise((r) => setTimeout(r, 5));
  }
  throw new Error('task did not finish');
};

describe('TaskCenter', () => {
  it('runs jobs, reports changes, refuses a second job of the same kind on a resource (409)', async () => {
    const { center, scheduler } = setup();
    const seen: string[] = [];
    center.onChange((t) => seen.push(t.status));
    let release!: () => void;
    const t = center.submit(job('doctor', () => new Promise<void>((r) => (release = r))));
    expect(() => center.submit(job('doctor', async () => {}))).toThrow(/already in progress/);
    await new Promise((r) => setTimeout(r, 20));
    expect(center.active().map((x) => x.id)).toEqual([t.id]);
    release();
    expect((await settled(center, t.id)).status).toBe('succeeded');
    expect(seen).toEqual(['queued', 'running', 'succeeded']);
    await scheduler.stop();
  });

  it('cancels a running job through its AbortSignal, and 409s on a finished one', async () => {
    const { center, scheduler } = setup();
    const t = center.submit(
      job(
        'restore',
        (signal) =>
          new Promise((_r, reject) => signal.addEventListener('abort', () => reject(new Error('x')))),
      ),
    );
    await new Promise((r) => setTimeout(r, 20));
    expect(center.cancel(t.id)).toEqual({ status: 'cancelling' });
    const done = await settled(center, t.id);
    expect(done).toMatchObject({ status: 'cancelled', cancellationRequested: true });
    expect(() => center.cancel(t.id)).toThrow(/not cancellable/);
    expect(() => center.get('missing')).toThrow(/Task not found/);
    await scheduler.stop();
  });

  it('keeps finished jobs across restarts (history and get)', async () => {
    const meta = new MetaStore(':memory:');
    const a = setup(meta);
    const t = a.center.submit(job('tagSnapshots', () => Promise.reject(new Error('boom'))));
    expect(await settled(a.center, t.id)).toMatchObject({ status: 'failed', error: 'boom' });
    await a.scheduler.stop();
    const b = setup(meta);
    expect(b.center.get(t.id)).toMatchObject({ status: 'failed' });
    const h = b.center.history({}, 1, 10);
    expect(h.items).toEqual([
      expect.objectContaining({ id: t.id, kind: 'tagSnapshots', outcome: 'error', message: 'boom' }),
    ]);
    expect(b.center.history({ outcome: 'success' }, 1, 10).totalItems).toBe(0);
    await b.scheduler.stop();
  });

  it('shows a job that records an oplog op once: in changes, active, history and by the op id, across restarts', async () => {
    const meta = new MetaStore(':memory:');
    const a = setup(meta);
    const seen = new Set<string>();
    a.center.onChange((t) => seen.add(t.id));
    let opId = '';
    let release!: () => void;
    const t = a.center.submit({
      ...job('restore', async () => {}),
      run: async (rt) => {
        const draft = restoreOperation({ planId: 'p', snapshotId: 's1', path: '/', target: '/t' });
        const op = rt.record(Object.assign(draft, { repoId: 'repo1', instanceId: 'i1' }));
        opId = String(op.id);
        await new Promise<void>((r) => (release = r));
        a.oplog.update(Object.assign(op, { status: OperationStatus.STATUS_SUCCESS }));
      },
    });
    await vi.waitFor(() => expect(opId).not.toBe(''));
    expect(a.center.active().map((x) => x.id)).toEqual([t.id]);
    expect(a.center.get(opId).id).toBe(t.id);
    release();
    await settled(a.center, t.id);
    expect([...seen]).toEqual([t.id]);
    expect(a.center.history({}, 1, 10).items.map((i) => i.id)).toEqual([t.id]);
    await a.scheduler.stop();
    const b = setup(meta, a.oplog);
    expect(b.center.history({}, 1, 10).items.map((i) => i.id)).toEqual([t.id]);
    await b.scheduler.stop();
  });

  it('reports jobs interrupted by a shutdown or a crash as stale (Zerobyte), a user cancel as cancelled', async () => {
    const meta = new MetaStore(':memory:');
    const untilAborted = (signal: AbortSignal) =>
      new Promise<void>((_r, reject) => signal.addEventListener('abort', () => reject(new Error('x'))));
    const a = setup(meta);
    const cancelled = a.center.submit({ ...job('doctor', untilAborted), resourceId: 'r0', repoId: 'repo0' });
    await vi.waitFor(() => expect(a.center.get(cancelled.id).status).toBe('running'));
    a.center.cancel(cancelled.id);
    expect(await settled(a.center, cancelled.id)).toMatchObject({ status: 'cancelled', error: 'cancelled' });
    const running = a.center.submit(job('doctor', untilAborted));
    const queued = a.center.submit(job('tagSnapshots', untilAborted)); // waits for the repo lock
    await vi.waitFor(() => expect(a.center.get(running.id).status).toBe('running'));
    expect(a.center.get(queued.id).status).toBe('queued');
    await a.scheduler.stop(); // a shutdown: the running job's signal aborts, the queued one never runs
    expect(a.center.get(running.id)).toMatchObject({
      status: 'stale',
      error: 'task was interrupted by shutdown',
    });

    const b = setup(meta); // the restart: the job still queued at shutdown is stale too
    expect(b.center.get(queued.id)).toMatchObject({
      status: 'stale',
      error: 'Restora was restarted before this task completed',
      finishedAt: expect.any(Number),
    });
    const crashed = b.center.submit(job('restore', untilAborted));
    await vi.waitFor(() => expect(b.center.get(crashed.id).status).toBe('running'));

    const c = setup(meta); // a crash of b: its running job was never finished
    expect(c.center.get(crashed.id)).toMatchObject({ status: 'stale' });
    const outcomes = Object.fromEntries(c.center.history({}, 1, 10).items.map((i) => [i.id, i.outcome]));
    expect(outcomes).toEqual({
      [cancelled.id]: 'cancelled',
      [running.id]: 'stale',
      [queued.id]: 'stale',
      [crashed.id]: 'stale',
    });
    expect(c.center.active()).toEqual([]);
    await b.scheduler.stop();
    await c.scheduler.stop();
  });
});

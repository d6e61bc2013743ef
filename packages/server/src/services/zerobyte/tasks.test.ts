import { describe, expect, it } from 'vitest';
import { createMemoryConfigStore } from '../../config/config-store.js';
import { MemoryOpLog } from '../../oplog/memory-store.js';
import { Scheduler } from '../../scheduler/scheduler.js';
import type { ZbContext } from './context.js';
import { MetaStore } from './meta-store.js';
import { TaskCenter } from './tasks.js';

function setup(meta = new MetaStore(':memory:')) {
  const scheduler = new Scheduler({ concurrency: 2 });
  scheduler.start();
  const ctx = {
    config: createMemoryConfigStore(),
    oplog: new MemoryOpLog(),
    meta,
    engine: { scheduler, cancel: () => 'unknown' } as unknown as ZbContext['engine'],
    dataDir: '/nonexistent',
    restic: {},
    now: Date.now,
  } satisfies ZbContext;
  return { center: new TaskCenter(ctx), scheduler, meta };
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
});

import { describe, expect, it } from 'vitest';
import { FakeClock } from './fake-clock.js';
import { cancelReasonOf, Scheduler } from './scheduler.js';
import type { SchedulerJob } from './scheduler.js';

interface Gate {
  promise: Promise<void>;
  open: () => void;
}
function gate(): Gate {
  let open!: () => void;
  const promise = new Promise<void>((r) => (open = r));
  return { promise, open };
}

function setup(concurrency = 2) {
  const clock = new FakeClock(Date.UTC(2026, 5, 1));
  const log: string[] = [];
  const errors: unknown[] = [];
  const s = new Scheduler({ clock, concurrency, onError: (_j, e) => errors.push(e) });
  const job = (id: string, lockKey: string | null, opts: Partial<SchedulerJob> & { gate?: Gate } = {}) => {
    const j: SchedulerJob = {
      id,
      lockKey,
      priority: opts.priority ?? 2,
      runAt: opts.runAt ?? clock.now(),
      async run(signal) {
        log.push(`start ${id}`);
        await Promise.race([
          opts.gate?.promise,
          new Promise<void>((r) => signal.addEventListener('abort', () => r(), { once: true })),
        ]);
        log.push(signal.aborted ? `abort ${id} ${cancelReasonOf(signal)}` : `end ${id}`);
      },
      onCancelled: (reason) => log.push(`cancelled ${id} ${reason}`),
    };
    return j;
  };
  return { clock, log, errors, s, job };
}

const tick = () => new Promise<void>((r) => setImmediate(r));

describe('Scheduler', () => {
  it('runs a job marked beside at once: past a full concurrency limit, without taking a slot', async () => {
    const { s, job, log } = setup(1);
    const g1 = gate();
    const g2 = gate();
    s.start();
    s.schedule(job('busy', 'repo:a', { gate: g1 }));
    s.schedule(job('waiting', 'repo:b', { gate: g2 }));
    s.schedule({ ...job('unlock', null), beside: true, run: async () => void log.push('unlock ran') });
    await tick();
    expect(log).toEqual(['start busy', 'unlock ran']);
    g1.open();
    await tick();
    await tick();
    expect(log).toContain('start waiting');
    g2.open();
    await s.idle();
  });

  it('runs one job per repository and different repositories in parallel', async () => {
    const { s, job, log } = setup(2);
    const g1 = gate();
    const g2 = gate();
    const g3 = gate();
    s.start();
    s.schedule(job('a1', 'repoA', { gate: g1 }));
    s.schedule(job('a2', 'repoA', { gate: g2 }));
    s.schedule(job('b1', 'repoB', { gate: g3 }));
    await tick();
    expect(log).toEqual(['start a1', 'start b1']);
    g1.open();
    await tick();
    await tick();
    expect(log).toEqual(['start a1', 'start b1', 'end a1', 'start a2']);
    g2.open();
    g3.open();
    await s.idle();
    expect(log.filter((l) => l.startsWith('end')).sort()).toEqual(['end a1', 'end a2', 'end b1']);
  });

  it('respects the global concurrency limit', async () => {
    const { s, job, log } = setup(1);
    const g = gate();
    s.start();
    s.schedule(job('a', 'A', { gate: g }));
    s.schedule(job('b', 'B', { gate: g }));
    await tick();
    expect(log).toEqual(['start a']);
    g.open();
    await s.idle();
    expect(log).toEqual(['start a', 'end a', 'start b', 'end b']);
  });

  it('picks due jobs by priority, then by time', async () => {
    const { s, job, log, clock } = setup(1);
    const now = clock.now();
    s.schedule(job('low-early', 'R', { priority: 0, runAt: now - 5000 }));
    s.schedule(job('high', 'R', { priority: 64, runAt: now - 10 }));
    s.schedule(job('mid-late', 'R', { priority: 8, runAt: now - 1 }));
    s.schedule(job('mid-early', 'R', { priority: 8, runAt: now - 100 }));
    s.schedule(job('future', 'R', { priority: 99, runAt: now + 1000 }));
    s.start();
    for (let i = 0; i < 5; i++) await tick();
    expect(log.filter((l) => l.startsWith('start'))).toEqual([
      'start high',
      'start mid-early',
      'start mid-late',
      'start low-early',
    ]);
    await clock.advance(1000);
    await s.idle();
    expect(log.at(-1)).toBe('end future');
  });

  it('fires jobs when their time comes and notices a wake from sleep within maxSleep', async () => {
    const { s, job, log, clock } = setup();
    s.start();
    s.schedule(job('later', 'R', { runAt: clock.now() + 3_600_000 }));
    await clock.advance(3_599_000);
    expect(log).toEqual([]);
    await clock.advance(1000);
    expect(log).toEqual(['start later', 'end later']);
    // sleep: wall time jumps 2 h while timers are frozen; the job due in 1 h runs on the next wake-up check
    s.schedule(job('after-sleep', 'R', { runAt: clock.now() + 3_600_000 }));
    await tick();
    clock.jump(2 * 3_600_000);
    await clock.advance(60_000);
    expect(log).toContain('start after-sleep');
  });

  it('cancels a queued job without running it and a running job through its signal', async () => {
    const { s, job, log } = setup();
    const g = gate();
    s.start();
    s.schedule(job('run', 'R', { gate: g }));
    s.schedule(job('wait', 'R', { gate: g }));
    await tick();
    expect(s.cancel('wait')).toBe('queued');
    expect(s.cancel('run')).toBe('running');
    expect(s.cancel('nope')).toBe('unknown');
    await s.idle();
    expect(log).toEqual(['start run', 'cancelled wait user', 'abort run user']);
  });

  it('replaces a queued job with the same id and unschedules silently', async () => {
    const { s, job, log, clock } = setup();
    s.schedule(job('x', 'R', { runAt: clock.now() + 10 }));
    s.schedule(job('x', 'R', { runAt: clock.now() + 20 }));
    expect(s.queued()).toHaveLength(1);
    expect(s.queued()[0]!.runAt).toBe(clock.now() + 20);
    s.schedule(job('y', 'R', { runAt: clock.now() + 5 }));
    expect(s.unschedule('y')?.id).toBe('y');
    s.start();
    await clock.advance(30);
    await s.idle();
    expect(log).toEqual(['start x', 'end x']);
  });

  it('stop() aborts running jobs with a system reason and reports job errors', async () => {
    const { s, job, log, errors } = setup();
    s.start();
    s.schedule(job('long', 'R', { gate: gate() }));
    s.schedule({
      id: 'boom',
      lockKey: null,
      priority: 0,
      runAt: 0,
      run: () => Promise.reject(new Error('boom')),
    });
    await tick();
    await s.stop();
    expect(log).toEqual(['start long', 'abort long system']);
    expect(errors.map((e) => (e as Error).message)).toEqual(['boom']);
    expect(() => s.schedule(job('late', 'R'))).toThrow(/stopped/);
  });
});

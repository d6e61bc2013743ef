import type { Clock, TimerHandle } from './clock.js';
import { systemClock } from './clock.js';

export type CancelReason = 'user' | 'system';

export interface SchedulerJob {
  /** Unique id; scheduling a job with an existing queued id replaces it. */
  readonly id: string;
  /** Jobs with the same lock key never run at the same time (one operation per repository). */
  readonly lockKey: string | null;
  /** Runs as soon as due, beside the queue: takes no lock and no concurrency slot (unlock of a stuck repo). */
  readonly beside?: boolean;
  readonly priority: number;
  readonly runAt: number;
  run(signal: AbortSignal): Promise<void>;
  /** Called when the job is removed from the queue by cancel() without having run. */
  onCancelled?(reason: CancelReason): void;
  /** Called after run() settled and the job left the running set (its lock is free again). */
  afterRun?(): void;
}

export interface SchedulerOptions {
  clock?: Clock;
  /** Jobs running at once across repositories (default 2). */
  concurrency?: number;
  /** Longest timer wait; wall time is re-read at least this often, so sleep/wake is noticed (default 60 s). */
  maxSleepMs?: number;
  /** Errors thrown by job.run (jobs should handle their own; this is a last resort). */
  onError?: (job: SchedulerJob, err: unknown) => void;
}

interface Running {
  job: SchedulerJob;
  controller: AbortController;
  done: Promise<void>;
}

/** Time-priority queue with a per-key lock and a global concurrency limit. Owns no domain state. */
export class Scheduler {
  private readonly clock: Clock;
  private readonly concurrency: number;
  private readonly maxSleepMs: number;
  private readonly onError: (job: SchedulerJob, err: unknown) => void;
  private readonly queue = new Map<string, { job: SchedulerJob; seq: number }>();
  private readonly running = new Map<string, Running>();
  private readonly locks = new Set<string>();
  private timer: TimerHandle | null = null;
  private seq = 0;
  private started = false;
  private stopping = false;
  private idleWaiters: (() => void)[] = [];

  constructor(options: SchedulerOptions = {}) {
    this.clock = options.clock ?? systemClock;
    this.concurrency = Math.max(1, options.concurrency ?? 2);
    this.maxSleepMs = options.maxSleepMs ?? 60_000;
    this.onError = options.onError ?? ((job, err) => console.error(`scheduler: job ${job.id} failed`, err));
  }

  start(): void {
    this.started = true;
    this.stopping = false;
    this.pump();
  }

  /** Stops picking jobs, aborts running ones (reason 'system') and waits for them to settle. */
  async stop(): Promise<void> {
    this.stopping = true;
    this.started = false;
    if (this.timer) this.clock.clearTimer(this.timer);
    this.timer = null;
    for (const r of this.running.values()) r.controller.abort(new SchedulerAbort('system'));
    await Promise.allSettled([...this.running.values()].map((r) => r.done));
  }

  schedule(job: SchedulerJob): void {
    if (this.stopping) throw new Error('scheduler is stopped');
    this.queue.set(job.id, { job, seq: this.seq++ });
    this.pump();
  }

  /** Removes a queued job without notifying it (used when a replan supersedes it). */
  unschedule(id: string): SchedulerJob | undefined {
    const e = this.queue.get(id);
    if (!e) return undefined;
    this.queue.delete(id);
    this.pump();
    return e.job;
  }

  /** Cancels a queued (onCancelled, never runs) or running job (its signal aborts). */
  cancel(id: string, reason: CancelReason = 'user'): 'queued' | 'running' | 'unknown' {
    const q = this.queue.get(id);
    if (q) {
      this.queue.delete(id);
      try {
        q.job.onCancelled?.(reason);
      } catch (err) {
        this.onError(q.job, err);
      }
      this.pump();
      return 'queued';
    }
    const r = this.running.get(id);
    if (r) {
      r.controller.abort(new SchedulerAbort(reason));
      return 'running';
    }
    return 'unknown';
  }

  isQueued(id: string): boolean {
    return this.queue.has(id);
  }

  isRunning(id: string): boolean {
    return this.running.has(id);
  }

  queued(): SchedulerJob[] {
    return [...this.queue.values()]
      .sort((a, b) => a.job.runAt - b.job.runAt || a.seq - b.seq)
      .map((e) => e.job);
  }

  /** A running job a user asked to stop that has not ended yet (Zerobyte's `cancelling`). */
  cancelRequested(id: string): boolean {
    const signal = this.running.get(id)?.controller.signal;
    return !!signal && cancelReasonOf(signal) === 'user';
  }

  runningJobs(): SchedulerJob[] {
    return [...this.running.values()].map((r) => r.job);
  }

  /** Resolves when nothing is running and no queued job is due (tests). */
  async idle(): Promise<void> {
    if (this.isIdle()) return;
    await new Promise<void>((resolve) => this.idleWaiters.push(resolve));
  }

  private isIdle(): boolean {
    const now = this.clock.now();
    if (this.running.size > 0) return false;
    for (const { job } of this.queue.values()) if (job.runAt <= now) return false;
    return true;
  }

  private pump(): void {
    if (!this.started || this.stopping) return;
    const now = this.clock.now();
    const due = [...this.queue.values()]
      .filter((e) => e.job.runAt <= now)
      .sort((a, b) => b.job.priority - a.job.priority || a.job.runAt - b.job.runAt || a.seq - b.seq);
    let slots = this.concurrency - [...this.running.values()].filter((r) => !r.job.beside).length;
    for (const { job } of due) {
      if (job.beside) {
        this.launch(job);
        continue;
      }
      if (slots <= 0) continue;
      if (job.lockKey !== null && this.locks.has(job.lockKey)) continue;
      this.launch(job);
      slots--;
    }
    this.arm(now);
    if (this.isIdle()) for (const w of this.idleWaiters.splice(0)) w();
  }

  private launch(job: SchedulerJob): void {
    this.queue.delete(job.id);
    if (job.lockKey !== null) this.locks.add(job.lockKey);
    const controller = new AbortController();
    const entry: Running = { job, controller, done: Promise.resolve() };
    this.running.set(job.id, entry);
    entry.done = (async () => {
      try {
        await job.run(controller.signal);
      } catch (err) {
        this.onError(job, err);
      } finally {
        this.running.delete(job.id);
        if (job.lockKey !== null) this.locks.delete(job.lockKey);
        try {
          job.afterRun?.();
        } catch (err) {
          this.onError(job, err);
        }
        this.pump();
      }
    })();
  }

  private arm(now: number): void {
    if (this.timer) this.clock.clearTimer(this.timer);
    this.timer = null;
    let next = Infinity;
    for (const { job } of this.queue.values()) if (job.runAt > now) next = Math.min(next, job.runAt);
    if (next === Infinity && this.queue.size === 0) return;
    const wait = Math.min(next - now, this.maxSleepMs);
    this.timer = this.clock.setTimer(() => {
      this.timer = null;
      this.pump();
    }, wait);
  }
}

/** Abort reason carried by a job's signal. */
export class SchedulerAbort extends Error {
  constructor(readonly reason: CancelReason) {
    super(
      reason === 'user' ? 'task was cancelled by user request' : 'task was interrupted by instance shutdown',
    );
    this.name = 'SchedulerAbort';
  }
}

export function cancelReasonOf(signal: AbortSignal): CancelReason | null {
  if (!signal.aborted) return null;
  return signal.reason instanceof SchedulerAbort ? signal.reason.reason : 'system';
}

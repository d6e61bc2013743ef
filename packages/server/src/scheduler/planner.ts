import type { Config, Operation, Schedule } from '@restora/proto';
import type { OpLog } from '../oplog/types.js';
import type { Task } from '../tasks/types.js';
import type { Clock } from './clock.js';
import type { OpLifecycle } from './lifecycle.js';
import { isScheduleEnabled, nextRunTime, ScheduleClock } from './schedule.js';
import type { ScheduleSpec } from './schedule.js';
import type { Scheduler } from './scheduler.js';

/** One recurring job derived from the config. */
export interface Recurring {
  key: string;
  task: Task;
  schedule: Schedule;
  /** Changes when anything that affects this job changes (schedule, repo, plan). */
  signature: string;
}

/** Recurring work of a config: one backup per scheduled plan, prune/check/forget per own repo (§7.2). */
export function recurringJobs(config: Config): Recurring[] {
  const out: Recurring[] = [];
  const sig = (...parts: unknown[]) =>
    JSON.stringify(parts, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v));
  for (const plan of config.plans) {
    if (!isScheduleEnabled(plan.schedule as ScheduleSpec | undefined)) continue;
    out.push({
      key: `backup:${plan.id}`,
      task: { kind: 'backup', planId: plan.id },
      schedule: plan.schedule!,
      signature: sig(plan.schedule, plan.repo),
    });
  }
  for (const repo of config.repos) {
    if (repo.originInstanceId) continue; // shared from a peer: read-only here
    const add = (kind: 'prune' | 'check' | 'forget', schedule: Schedule | undefined, extra: unknown) => {
      if (!isScheduleEnabled(schedule as ScheduleSpec | undefined)) return;
      out.push({
        key: `${kind}:${repo.id}`,
        task: { kind, repoId: repo.id },
        schedule: schedule!,
        signature: sig(schedule, extra),
      });
    };
    add('prune', repo.prunePolicy?.schedule, repo.guid);
    add('check', repo.checkPolicy?.schedule, repo.guid);
    if (repo.forgetPolicy?.retention) add('forget', repo.forgetPolicy.schedule, repo.guid);
  }
  return out;
}

export interface PlannerDeps {
  lifecycle: OpLifecycle;
  scheduler: Scheduler;
  oplog: OpLog;
  clock: Clock;
  config: () => Config;
  /** IANA zone for cron (default: the server's local zone). */
  timeZone?: string | undefined;
}

interface Planned {
  signature: string;
  runAt: number;
}

/**
 * Keeps exactly one queued job per recurring key. A config change replans only keys whose signature changed
 * (one-off work is never touched); a finished run replans its key from the last run, so a wake from sleep
 * or a clock jump runs an overdue slot once and never twice.
 */
export class Planner {
  private readonly planned = new Map<string, Planned>();
  /** Slot (planned time) of the last run per key: a replan never returns a slot at or before it. */
  private readonly lastSlot = new Map<string, number>();

  constructor(private readonly deps: PlannerDeps) {}

  sync(config: Config = this.deps.config()): void {
    const jobs = recurringJobs(config);
    const keys = new Set(jobs.map((j) => j.key));
    for (const key of [...this.planned.keys()]) {
      if (!keys.has(key)) {
        this.deps.lifecycle.discard(key);
        this.planned.delete(key);
      }
    }
    for (const job of jobs) {
      const cur = this.planned.get(job.key);
      if (!cur || cur.signature !== job.signature) this.plan(job, true);
    }
  }

  /** After a task ends: replan its key; after a backup also the repo's prune/check/forget (their base moved). */
  onFinished(task: Task, jobId: string): void {
    const jobs = recurringJobs(this.deps.config());
    const byKey = new Map(jobs.map((j) => [j.key, j]));
    const mine = byKey.get(jobId);
    if (mine && this.planned.has(jobId)) {
      const slot = this.planned.get(jobId)!.runAt;
      this.lastSlot.set(jobId, Math.max(this.lastSlot.get(jobId) ?? 0, slot));
      this.planned.delete(jobId);
      this.plan(mine, true);
    }
    if (task.kind === 'backup') {
      const repoId = this.deps.config().plans.find((p) => p.id === task.planId)?.repo;
      for (const k of ['prune', 'check', 'forget']) {
        const j = byKey.get(`${k}:${repoId}`);
        // only LAST_RUN_TIME bases depend on backups (postponed until new data); wall clocks keep their slot
        if (j && this.planned.has(j.key) && j.schedule.clock === ScheduleClock.LAST_RUN_TIME)
          this.plan(j, false);
      }
    }
  }

  /** Planned runs (for the API/UI: next run times, #11). */
  upcoming(): { key: string; runAt: number }[] {
    return [...this.planned.entries()]
      .map(([key, p]) => ({ key, runAt: p.runAt }))
      .sort((a, b) => a.runAt - b.runAt);
  }

  private plan(job: Recurring, force: boolean): void {
    const { scheduler, lifecycle, clock } = this.deps;
    if (scheduler.isRunning(job.key)) {
      // it replans itself when it ends; remember the new signature so sync() does not loop
      this.planned.set(job.key, {
        signature: job.signature,
        runAt: this.planned.get(job.key)?.runAt ?? clock.now(),
      });
      return;
    }
    const now = clock.now();
    const lastRun = this.lastRunOf(job);
    let runAt = nextRunTime(job.schedule as ScheduleSpec, { now, lastRun, timeZone: this.deps.timeZone });
    const slot = this.lastSlot.get(job.key);
    if (runAt !== null && slot !== undefined && runAt <= slot) {
      runAt = nextRunTime(job.schedule as ScheduleSpec, {
        now: Math.max(now, slot + 1),
        lastRun: slot + 1,
        timeZone: this.deps.timeZone,
      });
    }
    const cur = this.planned.get(job.key);
    if (!force && cur && cur.runAt === runAt && scheduler.isQueued(job.key)) return;
    lifecycle.discard(job.key);
    if (runAt === null) {
      this.planned.delete(job.key);
      return;
    }
    try {
      lifecycle.submit(job.task, { runAt, jobId: job.key });
      this.planned.set(job.key, { signature: job.signature, runAt });
    } catch {
      this.planned.delete(job.key); // config references something missing; validation reports it
    }
  }

  /** Last-run rules of §7.2. undefined = base on now; 0 = "zero time" (due at once with LAST_RUN_TIME). */
  private lastRunOf(job: Recurring): number | undefined {
    const { oplog } = this.deps;
    const config = this.deps.config();
    const instanceId = config.instance;
    const end = (op: Operation | undefined) => (op ? Number(op.unixTimeEndMs) : undefined);
    if (job.task.kind === 'backup') {
      const plan = config.plans.find((p) => p.id === (job.task as { planId: string }).planId);
      return end(oplog.lastFinishedBackup({ planId: plan?.id ?? '', instanceId, repoId: plan?.repo ?? '' }));
    }
    const repoId = (job.task as { repoId: string }).repoId;
    const kind =
      job.task.kind === 'prune'
        ? 'operationPrune'
        : job.task.kind === 'check'
          ? 'operationCheck'
          : 'operationForget';
    const last = end(
      oplog.lastOfKind(
        kind,
        { repoId, instanceId, ...(kind === 'operationForget' ? { planId: '_system_' } : {}) },
        true,
      ),
    );
    const lastBackup = end(oplog.lastOfKind('operationBackup', { repoId, instanceId }, true));
    if (lastBackup === undefined) return undefined; // no data yet: postpone
    if (last === undefined) return 0;
    if (lastBackup < last) return undefined; // nothing new since the last run: postpone
    return last;
  }
}

import { OperationStatus } from '@restora/proto';
import type { Config, Operation, Repo } from '@restora/proto';
import { describeDelay, executeHooks, HookControlError } from '../hooks/executor.js';
import type { HandlerOptions } from '../hooks/handlers/index.js';
import type { LogStore, LogWriter, OpLog } from '../oplog/types.js';
import { backupOutcomeOf, recordProblem } from '../tasks/backup-hooks.js';
import type { BackupHooks, BackupOutcome } from '../tasks/backup-hooks.js';
import { errorMessage } from '../tasks/convert.js';
import { handlerFor } from '../tasks/registry.js';
import type { ResticPort } from '../tasks/restic-port.js';
import type { FollowUp, Task, TaskResult, TaskRuntime } from '../tasks/types.js';
import type { Clock } from './clock.js';
import type { Scheduler } from './scheduler.js';
import { DEFAULT_PRIORITY, resolveTask, taskName } from './task-info.js';
import type { Resolved } from './task-info.js';
import { armWatchdog } from './watchdog.js';
import type { TaskTimeout } from './watchdog.js';
import { cancelReasonOf } from './scheduler.js';

export { resolveTask, taskName } from './task-info.js';
export { TaskTimeout } from './watchdog.js';

export interface LifecycleDeps {
  scheduler: Scheduler;
  oplog: OpLog;
  logs?: LogStore | undefined;
  clock: Clock;
  config: () => Config;
  resticFor: (repo: Repo) => ResticPort;
  hookOptions?: HandlerOptions;
  /** Called after every task ends (recurring jobs replan here). */
  onFinished?: (task: Task, op: Operation | undefined, jobId: string) => void;
  /** Progress write interval (default 1000 ms). */
  progressIntervalMs?: number;
  /** Per-kind hard time limits in ms (Backrest has none, #243). */
  timeouts?: Partial<Record<Task['kind'], number>>;
  /** Abort a backup or restore whose progress stops for this long (default: off). */
  stallTimeoutMs?: number;
  /** Callbacks run around every backup (read at each run: a front-end may register them after start). */
  backupHooks?: () => BackupHooks | undefined;
}

export interface SubmitOptions {
  runAt?: number;
  priority?: number;
  flowId?: bigint;
  /** Stable job id for recurring work (e.g. `backup:<planId>`); default `op:<id>`. */
  jobId?: string;
  /** Re-adopt this stored PENDING op instead of creating one (queue persisted across restarts). */
  adopt?: Operation;
}

export interface Submitted {
  jobId: string;
  /** The PENDING op (undefined for op-less tasks such as index-snapshots and GC). */
  op: Operation | undefined;
  /** Resolves with the final op when the task ends (including cancel); never rejects. */
  done: Promise<Operation | undefined>;
}

const nullLog: Pick<LogWriter, 'write'> = { write: () => {} };

/** Turns tasks into scheduler jobs and owns the op lifecycle: PENDING → INPROGRESS → final status. */
export class OpLifecycle {
  private readonly jobOfOp = new Map<bigint, string>();
  private seq = 0;

  constructor(private readonly deps: LifecycleDeps) {}

  /** The scheduler job id for an op, if the op is queued or running. */
  jobIdOf(opId: bigint): string | undefined {
    return this.jobOfOp.get(opId);
  }

  submit(task: Task, options: SubmitOptions = {}): Submitted {
    const { oplog, clock } = this.deps;
    const config = this.deps.config();
    const ctx = resolveTask(config, task);
    const handler = handlerFor(task.kind);
    const runAt = options.runAt ?? clock.now();
    let op = options.adopt ?? handler.prototype(task as never, { config, ...ctx }) ?? undefined;
    if (op && !options.adopt) {
      op.repoId = ctx.repo?.id ?? '';
      op.repoGuid = ctx.repo?.guid ?? '';
      op.instanceId = config.instance;
      op.status = OperationStatus.STATUS_PENDING;
      op.unixTimeStartMs = BigInt(runAt);
      op.flowId = options.flowId ?? 0n;
      [op] = oplog.add(op) as [Operation];
    }
    const jobId = options.jobId ?? (op ? `op:${op.id}` : `task:${task.kind}:${++this.seq}`);
    let resolve!: (op: Operation | undefined) => void;
    const done = new Promise<Operation | undefined>((r) => (resolve = r));
    this.enqueue({
      task,
      op,
      jobId,
      runAt,
      priority: options.priority ?? DEFAULT_PRIORITY[task.kind],
      attempt: 0,
      resolve,
    });
    return { jobId, op, done };
  }

  private enqueue(e: QueuedTask): void {
    // unlock runs beside the queue: a stuck lock must not wait behind the work it blocks
    const beside = e.task.kind === 'unlock';
    const lockFree = e.task.kind === 'collect-garbage' || (e.task.kind === 'job' && e.task.job.lockFree);
    const lockKey = lockFree || beside ? null : lockKeyOf(this.deps.config(), e.task, e.op);
    if (e.op) this.jobOfOp.set(e.op.id, e.jobId);
    this.deps.scheduler.schedule({
      id: e.jobId,
      lockKey,
      beside,
      priority: e.priority,
      runAt: e.runAt,
      run: (signal) => this.execute(e, signal),
      afterRun: () => {
        if (e.final) this.deps.onFinished?.(e.task, e.final.op, e.jobId);
      },
      onCancelled: (reason) => {
        if (e.op) {
          this.jobOfOp.delete(e.op.id);
          const op = this.deps.oplog.get(e.op.id);
          if (op) {
            op.status =
              reason === 'user'
                ? OperationStatus.STATUS_USER_CANCELLED
                : OperationStatus.STATUS_SYSTEM_CANCELLED;
            op.unixTimeEndMs = BigInt(this.deps.clock.now());
            op.displayMessage = reason === 'user' ? 'cancelled before it started' : 'cancelled by the system';
            this.deps.oplog.update(op);
            e.resolve(op);
          } else e.resolve(undefined);
        } else e.resolve(undefined);
        this.deps.onFinished?.(e.task, e.op, e.jobId);
      },
    });
  }

  /** Runs a backup's `after` callbacks; the problem they return is also written to the task log. */
  private async afterBackup(
    hooks: BackupHooks,
    op: Operation,
    ctx: Resolved,
    log: (line: string) => void,
    outcome: BackupOutcome,
    error: string | undefined,
  ): Promise<string | undefined> {
    if (!ctx.plan || !ctx.repo) return undefined;
    let problem: string | undefined;
    try {
      problem = await hooks.after({
        plan: ctx.plan,
        repo: ctx.repo,
        op,
        log,
        outcome,
        ...(error ? { error } : {}),
      });
    } catch (err) {
      problem = `after-backup hook failed: ${errorMessage(err)}`; // a broken hook must not leave the op running
    }
    if (problem) log(problem);
    return problem;
  }

  /** Stats run at most once per 24 h as a follow-up (§7.2); manual stats always run. */
  private statsRanRecently(repoId: string): boolean {
    const last = this.deps.oplog.lastOfKind('operationStats', { repoId }, true);
    return !!last && Number(last.unixTimeEndMs) > this.deps.clock.now() - 24 * 3_600_000;
  }

  /** Deletes the PENDING op of a queued job that a replan supersedes, without running it. */
  discard(jobId: string): void {
    const job = this.deps.scheduler.unschedule(jobId);
    if (!job) return;
    for (const [opId, j] of this.jobOfOp) {
      if (j !== jobId) continue;
      this.jobOfOp.delete(opId);
      const op = this.deps.oplog.get(opId);
      if (op?.status === OperationStatus.STATUS_PENDING) this.deps.oplog.delete(opId);
    }
  }

  private async execute(e: QueuedTask, jobSignal: AbortSignal): Promise<void> {
    const { oplog, clock } = this.deps;
    const watchdog = new AbortController();
    const signal = AbortSignal.any([jobSignal, watchdog.signal]);
    const timers = armWatchdog(
      this.deps.clock,
      e.task,
      watchdog,
      this.deps.timeouts,
      this.deps.stallTimeoutMs,
    );
    const config = this.deps.config();
    const handler = handlerFor(e.task.kind);
    let op = e.op ? oplog.get(e.op.id) : undefined;
    if (e.op && !op) {
      // the op was deleted (history cleared, repo removed) while queued: nothing to do
      this.jobOfOp.delete(e.op.id);
      e.resolve(undefined);
      e.final = { op: undefined };
      return;
    }
    const log = op ? this.deps.logs?.create({ prefix: 't', ownerOpId: op.id }) : undefined;
    const followUps: FollowUp[] = [];
    // The first progress is stored at once (a short backup still shows some), later ones at most once per interval.
    let lastProgressWrite = -Infinity;
    let dirty = false;
    const write = () => {
      if (!op) return;
      [op] = oplog.update(op) as [Operation];
      dirty = false;
    };
    let result: TaskResult | void = undefined;
    let failure: unknown = null;
    let ctx: Resolved = { repo: undefined, plan: undefined };
    // the backup hooks whose `before` succeeded: their `after` is due whatever happens next
    let hooksRan: BackupHooks | undefined;
    const logLine = (line: string) => log?.write(`${line}\n`);
    try {
      ctx = resolveTask(config, e.task);
      if (op) {
        op.status = OperationStatus.STATUS_INPROGRESS;
        op.unixTimeStartMs = BigInt(clock.now());
        op.logref = log?.ref ?? '';
        op.repoGuid = ctx.repo?.guid ?? op.repoGuid;
        if (e.attempt > 0) {
          op.displayMessage = `running after ${e.attempt} retries`;
          const stale = oplog
            .query({ flowId: op.flowId, kinds: ['operationRunHook'] })
            .filter((h) => h.op.case === 'operationRunHook' && h.op.value.parentOp === op!.id);
          if (stale.length) oplog.delete(...stale.map((h) => h.id));
        }
        write();
      }
      const rt: TaskRuntime = {
        config,
        instanceId: config.instance,
        repo: ctx.repo,
        plan: ctx.plan,
        get op() {
          return op;
        },
        signal,
        oplog,
        logs: this.deps.logs,
        log: log ?? nullLog,
        restic: () => {
          if (!ctx.repo) throw new Error('task has no repository');
          if (!config.instance) throw new Error('instance is a required field in the backrest config');
          return this.deps.resticFor(ctx.repo);
        },
        now: () => clock.now(),
        update: (mutate, opts) => {
          timers.touch();
          if (!op) return;
          mutate(op);
          dirty = true;
          if (opts?.throttle) {
            if (clock.now() - lastProgressWrite < (this.deps.progressIntervalMs ?? 1000)) return;
            lastProgressWrite = clock.now();
          }
          write();
        },
        fireHooks: (events, vars) =>
          executeHooks(
            { oplog, logs: this.deps.logs, now: () => clock.now(), handlerOptions: this.deps.hookOptions },
            {
              repo: ctx.repo,
              plan: ctx.plan,
              events,
              vars: { task: taskName(e.task), repo: ctx.repo, plan: ctx.plan, ...vars },
              parentOp: op,
              instanceId: config.instance,
              attempt: e.attempt,
              signal,
            },
          ),
        followUp: (f) => followUps.push(f),
        beforeBackup: async () => {
          const hooks = this.deps.backupHooks?.();
          if (!hooks || !op || !ctx.plan || !ctx.repo || e.task.kind !== 'backup') return;
          await hooks.before({ plan: ctx.plan, repo: ctx.repo, op, log: logLine }, signal);
          hooksRan = hooks;
        },
      };
      result = await handler.run(e.task as never, rt);
    } catch (err) {
      failure = err;
    } finally {
      timers.clear();
    }
    const timedOut =
      watchdog.signal.aborted && !jobSignal.aborted ? (watchdog.signal.reason as TaskTimeout) : null;

    if (failure instanceof HookControlError && failure.action === 'retry' && !signal.aborted) {
      if (op && hooksRan) await this.afterBackup(hooksRan, op, ctx, logLine, 'error', failure.message);
      log?.write(`\n${failure.message}\n`);
      await log?.close();
      if (op) {
        op.status = OperationStatus.STATUS_PENDING;
        op.displayMessage = `waiting for retry, current backoff delay: ${describeDelay(failure.delayMs)}`;
        op.unixTimeStartMs = BigInt(clock.now() + failure.delayMs);
        write();
      }
      this.enqueue({
        ...e,
        op,
        runAt: clock.now() + failure.delayMs,
        attempt: e.attempt + 1,
        final: undefined,
      });
      return;
    }

    if (op) {
      const reason = cancelReasonOf(jobSignal);
      if (timedOut) {
        op.status = OperationStatus.STATUS_ERROR;
        op.displayMessage = timedOut.message;
      } else if (failure instanceof HookControlError && failure.action === 'cancel') {
        op.status = OperationStatus.STATUS_USER_CANCELLED;
        op.displayMessage = failure.message;
      } else if (reason !== null) {
        op.status =
          reason === 'user' ? OperationStatus.STATUS_USER_CANCELLED : OperationStatus.STATUS_SYSTEM_CANCELLED;
        const note =
          reason === 'user'
            ? 'note: task was cancelled by user request'
            : 'note: task was interrupted by context cancellation or instance shutdown';
        op.displayMessage = failure ? `${errorMessage(failure)}\n${note}` : note;
      } else if (failure) {
        op.status = OperationStatus.STATUS_ERROR;
        op.displayMessage = errorMessage(failure);
      } else {
        op.status = result?.status ?? OperationStatus.STATUS_SUCCESS;
        if (result?.message !== undefined) op.displayMessage = result.message;
        else if (e.attempt === 0) op.displayMessage = '';
      }
      op.unixTimeEndMs = BigInt(clock.now());
      dirty = true;
      if (hooksRan) {
        const outcome = backupOutcomeOf(op.status);
        const error = outcome === 'success' ? undefined : op.displayMessage || undefined;
        const problem = await this.afterBackup(hooksRan, op, ctx, logLine, outcome, error);
        if (problem) recordProblem(op, problem);
      }
    }
    if (failure) log?.write(`\nerror: ${timedOut ? timedOut.message : errorMessage(failure)}\n`);
    await log?.close();
    if (dirty) write();
    if (op) this.jobOfOp.delete(op.id);
    e.resolve(op);

    const ok = !failure && !signal.aborted;
    if (ok) {
      for (const f of followUps) {
        if (f.task.kind === 'stats' && this.statsRanRecently(f.task.repoId)) continue;
        try {
          this.submit(f.task, {
            flowId: f.flowId ?? (f.task.kind === 'forget' ? op?.flowId : undefined) ?? 0n,
          });
        } catch {
          // the repo or plan vanished meanwhile: nothing to follow up
        }
      }
    }
    e.final = { op };
  }
}

interface QueuedTask {
  task: Task;
  op: Operation | undefined;
  jobId: string;
  runAt: number;
  priority: number;
  attempt: number;
  resolve: (op: Operation | undefined) => void;
  /** Set when the task ended for good (not re-queued for a retry). */
  final?: { op: Operation | undefined } | undefined;
}

function lockKeyOf(config: Config, task: Task, op: Operation | undefined): string | null {
  if (op?.repoId) return `repo:${op.repoId}`;
  try {
    return `repo:${resolveTask(config, task).repo?.id ?? ''}`;
  } catch {
    return null;
  }
}

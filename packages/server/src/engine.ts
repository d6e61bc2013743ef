import { homedir } from 'node:os';
import { join } from 'node:path';
import { existsSync } from 'node:fs';
import type { Config, Operation, Repo } from '@restora/proto';
import { OperationStatus } from '@restora/proto';
import type { ConfigStore } from './config/types.js';
import {
  CancelledError,
  FailedPreconditionError,
  InternalError,
  InvalidArgumentError,
  NotFoundError,
} from './errors.js';
import type { HandlerOptions } from './hooks/handlers/index.js';
import type { LogStore, OpLog } from './oplog/types.js';
import type { Clock } from './scheduler/clock.js';
import { systemClock } from './scheduler/clock.js';
import { resolveTask, type OpLifecycle } from './scheduler/lifecycle.js';
import type { Planner } from './scheduler/planner.js';
import { recoverOnStartup } from './scheduler/recovery.js';
import type { StartupReport } from './scheduler/recovery.js';
import { Priority } from './scheduler/priority.js';
import type { Scheduler } from './scheduler/scheduler.js';
import type { Restic } from '@restora/restic';
import type { BackupHooks } from './tasks/backup-hooks.js';
import type { AdapterOptions } from './tasks/restic-adapter.js';
import { resticForRepo, resticPort } from './tasks/restic-adapter.js';
import type { ForgetFlags, ResticPort } from './tasks/restic-port.js';
import type { Job, Task } from './tasks/types.js';

export interface EngineOptions {
  config: ConfigStore;
  oplog: OpLog;
  logs?: LogStore;
  /** How to reach restic for a repo; default: @restora/restic with `restic` options below. */
  resticFor?: (repo: Repo) => ResticPort;
  restic?: AdapterOptions;
  clock?: Clock;
  /** Operations running at once across repositories (default 2); one per repository always. */
  concurrency?: number;
  /** IANA zone for cron schedules (default: the server's local zone). CLOCK_UTC schedules use UTC. */
  timeZone?: string;
  hooks?: HandlerOptions;
  /** Run GC this long after start (default 1 s) and then every 24 h; false disables. */
  gcDelayMs?: number | false;
  /** Progress write interval for long ops (default 1000 ms). */
  progressIntervalMs?: number;
  /** Hard time limit per task kind in ms, e.g. `{ check: 6 * 3600_000 }` (default: none). */
  timeouts?: Partial<Record<Task['kind'], number>>;
  /** Abort a backup/restore whose progress stops for this long (default: off). */
  stallTimeoutMs?: number;
  log?: (msg: string) => void;
}

/** The scheduler, lifecycle and planner the engine drives; built by the composition root (compose-engine.ts). */
export interface EngineParts {
  scheduler: Scheduler;
  lifecycle: OpLifecycle;
  planner: Planner;
}

/** What the parts call back into: the engine's clock, restic access, log, finish handling and backup hooks. */
export interface EngineSelf {
  clock: Clock;
  resticFor: (repo: Repo) => ResticPort;
  log: (msg: string) => void;
  onFinished: (task: Task, jobId: string) => void;
  backupHooks: () => BackupHooks | undefined;
}

/** A queued task: its op (when it has one) and a promise of the final op. */
export interface RunHandle {
  op: Operation | undefined;
  done: Promise<Operation | undefined>;
}

export type { StartupReport } from './scheduler/recovery.js';

export type RepoTaskKind = 'index-snapshots' | 'prune' | 'check' | 'stats' | 'forget' | 'unlock';

const DAY = 24 * 3_600_000;
const RUN_COMMAND_FLOW_MS = 30 * 60_000;

/**
 * The operations engine: drives the scheduler, task lifecycle, planner and hooks over the config store
 * and the oplog. The Connect/REST API layers call these methods and nothing below them.
 */
export class Engine {
  readonly scheduler: Scheduler;
  private readonly lifecycle: OpLifecycle;
  private readonly planner: Planner;
  private readonly clock: Clock;
  private readonly resticFactory: (repo: Repo) => ResticPort;
  private unsubscribe: (() => void) | undefined;
  private started = false;
  private backupHooks: BackupHooks | undefined;

  // a builder, not the parts themselves: the parts call back into this engine (finish, backup hooks, log)
  constructor(
    private readonly opts: EngineOptions,
    build: (self: EngineSelf) => EngineParts,
  ) {
    this.clock = opts.clock ?? systemClock;
    this.resticFactory = opts.resticFor ?? ((repo) => resticPort(resticForRepo(repo, opts.restic)));
    const parts = build({
      clock: this.clock,
      resticFor: (repo) => this.resticFactory(repo),
      log: (msg) => this.log(msg),
      onFinished: (task, jobId) => this.onFinished(task, jobId),
      backupHooks: () => this.backupHooks,
    });
    this.scheduler = parts.scheduler;
    this.lifecycle = parts.lifecycle;
    this.planner = parts.planner;
  }

  private get config(): Config {
    return this.opts.config.get();
  }

  private log(msg: string): void {
    (this.opts.log ?? ((m: string) => console.error(`engine: ${m}`)))(msg);
  }

  /**
   * Startup recovery, then scheduling: ops left INPROGRESS by a crash become ERROR (the oplog's scrub),
   * `restic unlock` (stale locks only: never a live lock of another process) runs on the repos they touched,
   * auto-initialize repos are created, recurring work is planned and the queue starts.
   */
  async start(): Promise<StartupReport> {
    const report = await recoverOnStartup({
      config: this.opts.config,
      oplog: this.opts.oplog,
      clock: this.clock,
      resticFor: this.resticFactory,
      lifecycle: this.lifecycle,
      ...(this.opts.restic?.journal ? { journal: this.opts.restic.journal } : {}),
    });
    for (const p of report.problems) this.log(p);
    this.unsubscribe = this.opts.config.subscribe((next) => this.planner.sync(next));
    this.planner.sync();
    if (this.opts.gcDelayMs !== false) this.scheduleGc(this.clock.now() + (this.opts.gcDelayMs ?? 1000));
    this.scheduler.start();
    this.started = true;
    return report;
  }

  /** Stops scheduling; running tasks get SIGINT (SYSTEM_CANCELLED) and are awaited. */
  async stop(): Promise<void> {
    this.unsubscribe?.();
    this.unsubscribe = undefined;
    this.started = false;
    await this.scheduler.stop();
  }

  /** Queues a backup of a plan at interactive priority (Backrest's Backup RPC; await `done` to block). */
  runBackup(planId: string, options: { dryRun?: boolean } = {}): RunHandle {
    if (!this.config.plans.some((p) => p.id === planId))
      throw new NotFoundError(`plan "${planId}" not found`, 'plan', planId);
    return this.submit(
      { kind: 'backup', planId, ...(options.dryRun ? { dryRun: true } : {}) },
      Priority.interactive,
    );
  }

  /**
   * Backrest's blocking Backup: resolves when the backup ends; a partial backup (WARNING) is success;
   * ERROR or cancellation rejects with the op's message.
   */
  async backup(planId: string, options: { dryRun?: boolean } = {}): Promise<Operation> {
    const op = await this.runBackup(planId, options).done;
    return settle(op, 'backup');
  }

  /** DoRepoTask: queues index/prune/check/stats/forget (returns the op id, 0 when op-less); unlock is awaited. */
  async runRepoTask(repoId: string, task: RepoTaskKind): Promise<bigint> {
    const repo = this.repoOrThrow(repoId);
    if (task === 'unlock') return (await this.unlock(repoId)).id;
    if (task === 'forget' && !repo.forgetPolicy?.retention) {
      throw new FailedPreconditionError(`repo "${repoId}" has no forget policy`);
    }
    const h = this.submit({ kind: task, repoId } as Task, Priority.interactive);
    return h.op?.id ?? 0n;
  }

  /** Forget: one snapshot, a plan's retention, or explicit flags (keep-within, keep-tag: Restora extension). */
  forget(args: { repoId: string; planId: string; snapshotId?: string; flags?: ForgetFlags }): RunHandle {
    if (!args.repoId || !args.planId) {
      throw new InvalidArgumentError('must specify repoId and planId and (optionally) snapshotId');
    }
    this.repoOrThrow(args.repoId);
    const task: Task = {
      kind: 'forget',
      repoId: args.repoId,
      planId: args.planId,
      ...(args.snapshotId ? { snapshotId: args.snapshotId } : {}),
      ...(args.flags ? { flags: args.flags } : {}),
    };
    return this.submit(task, Priority.interactive);
  }

  /** Restore (trims inputs, Backrest defaults: target ~/Downloads/restic-restore-<time>, path /). */
  restore(args: {
    repoId: string;
    planId: string;
    snapshotId: string;
    path?: string;
    target?: string;
  }): RunHandle {
    this.repoOrThrow(args.repoId);
    if (!args.snapshotId) throw new InvalidArgumentError('snapshotId is required');
    const stamp = new Date(this.clock.now()).toISOString().slice(0, 19).replace(/:/g, '-');
    const target = args.target?.trim() || join(homedir(), 'Downloads', `restic-restore-${stamp}`);
    const path = args.path?.trim() || '/';
    if (existsSync(target)) throw new FailedPreconditionError(`target directory "${target}" already exists`);
    return this.submit(
      {
        kind: 'restore',
        repoId: args.repoId,
        planId: args.planId,
        snapshotId: args.snapshotId,
        path,
        target,
      },
      Priority.interactive,
    );
  }

  /** `restic <command>` on a repo, queued under the repo lock; commands within 30 min share a flow. */
  runCommand(repoId: string, command: string): RunHandle {
    this.repoOrThrow(repoId);
    if (!command.trim()) throw new InvalidArgumentError('command is empty');
    // a user's own commands only: unlock and Zerobyte jobs are run-command ops too
    const recent = this.opts.oplog
      .query({ repoId, kinds: ['operationRunCommand'] }, { lastN: 20 })
      .reverse()
      .find((op) => !op.zerobyteTask && !isUnlockOp(op));
    const inFlow = recent && Number(recent.unixTimeStartMs) > this.clock.now() - RUN_COMMAND_FLOW_MS;
    return this.submit(
      { kind: 'run-command', repoId, command },
      Priority.interactive,
      inFlow ? recent.flowId : undefined,
    );
  }

  /**
   * `restic unlock` (stale locks only) as an op that runs at once, beside the queue (a stuck lock must not wait
   * behind it); resolves with the finished op, throws its message when it failed. `signal` cancels it.
   */
  async unlock(repoId: string, signal: AbortSignal = AbortSignal.timeout(120_000)): Promise<Operation> {
    this.repoOrThrow(repoId);
    const h = this.submit({ kind: 'unlock', repoId }, Priority.interactive);
    const stop = () => h.op && this.cancel(h.op.id);
    signal.addEventListener('abort', stop, { once: true });
    try {
      return settle(await h.done, 'unlock');
    } finally {
      signal.removeEventListener('abort', stop);
    }
  }

  /**
   * Cancels an op: queued → USER_CANCELLED without running (a scheduled one moves to its next slot);
   * running → SIGINT to restic, ends USER_CANCELLED. Unknown or finished ops: 'unknown' (no error).
   */
  cancel(opId: bigint): 'queued' | 'running' | 'unknown' {
    const jobId = this.lifecycle.jobIdOf(opId);
    if (!jobId) return 'unknown';
    return this.scheduler.cancel(jobId, 'user');
  }

  /** True while a running op a user cancelled (either API) is still stopping. */
  cancelRequested(opId: bigint): boolean {
    const jobId = this.lifecycle.jobIdOf(opId);
    return !!jobId && this.scheduler.cancelRequested(jobId);
  }

  /**
   * Queues a front-end's job (Zerobyte doctor, tag, delete, mirror copy, restore) on a repo as one op of the
   * lifecycle: cancelled by Cancel(opId), listed by GetOperations, interrupted by shutdown like any task.
   */
  runJob(repoId: string, job: Job): RunHandle {
    this.repoOrThrow(repoId);
    return this.submit({ kind: 'job', repoId, job }, Priority.interactive, job.flowId);
  }

  /**
   * Runs `hooks` around every backup from now on (one set: the Zerobyte API's pre/post webhooks); returns the
   * function that removes them.
   */
  useBackupHooks(hooks: BackupHooks): () => void {
    this.backupHooks = hooks;
    return () => {
      if (this.backupHooks === hooks) this.backupHooks = undefined;
    };
  }

  /** restic access for reads outside the queue (ListSnapshots, ListSnapshotFiles, dump). */
  restic(repoId: string): ResticPort {
    return this.resticFactory(this.repoOrThrow(repoId));
  }

  /**
   * The full @restora/restic client for a repo (uri, password, env, flags and nice/ionice prefix applied), for
   * API reads outside the queue: ls, dump, find, snapshots with filters.
   */
  resticClient(repoId: string): Restic {
    return resticForRepo(this.repoOrThrow(repoId), this.opts.restic);
  }

  /**
   * Runs `run` at `runAt` on the queue, holding no repo lock (Zerobyte's schedule retries); a call queued under the
   * same id replaces it. Throws while the engine is stopping.
   */
  scheduleCallback(id: string, runAt: number, run: () => void | Promise<void>): void {
    this.scheduler.schedule({
      id,
      lockKey: null,
      priority: Priority.interactive,
      runAt,
      run: async () => run(),
    });
  }

  /** Drops a call queued by scheduleCallback (no-op when it ran or never was). */
  unscheduleCallback(id: string): void {
    this.scheduler.unschedule(id);
  }

  /** Next planned run of every recurring job (`backup:<plan>`, `prune:<repo>`, ...). */
  upcoming(): { key: string; runAt: number }[] {
    return this.planner.upcoming();
  }

  /** Queue depth and running jobs (metrics, UI). */
  queueState(): { queued: number; running: string[] } {
    return { queued: this.scheduler.queued().length, running: this.scheduler.runningJobs().map((j) => j.id) };
  }

  get isStarted(): boolean {
    return this.started;
  }

  private submit(task: Task, priority: number, flowId?: bigint): RunHandle {
    resolveTask(this.config, task);
    const s = this.lifecycle.submit(task, { priority, ...(flowId ? { flowId } : {}) });
    return { op: s.op, done: s.done };
  }

  private repoOrThrow(repoId: string): Repo {
    const repo = this.config.repos.find((r) => r.id === repoId);
    if (!repo) throw new NotFoundError(`repo "${repoId}" not found`, 'repo', repoId);
    return repo;
  }

  private scheduleGc(runAt: number): void {
    try {
      this.lifecycle.submit({ kind: 'collect-garbage' }, { runAt, jobId: 'gc' });
    } catch (err) {
      this.log(`cannot schedule garbage collection: ${String(err)}`);
    }
  }

  private onFinished(task: Task, jobId: string): void {
    if (jobId === 'gc') {
      if (this.started) this.scheduleGc(this.clock.now() + DAY);
      return;
    }
    this.planner.onFinished(task, jobId);
  }
}

const isUnlockOp = (op: Operation) =>
  op.op.case === 'operationRunCommand' && op.op.value.command === 'restic unlock' && op.planId === '_system_';

/** Backrest's Backup RPC outcome: SUCCESS/WARNING resolve, anything else throws the op's message. */
function settle(op: Operation | undefined, what: string): Operation {
  if (!op) throw new NotFoundError(`${what} operation vanished`);
  if (op.status === OperationStatus.STATUS_SUCCESS || op.status === OperationStatus.STATUS_WARNING) return op;
  if (
    op.status === OperationStatus.STATUS_USER_CANCELLED ||
    op.status === OperationStatus.STATUS_SYSTEM_CANCELLED
  ) {
    throw new CancelledError(op.displayMessage || `${what} was cancelled`);
  }
  throw new TaskFailedError(op.displayMessage || `${what} failed`, op);
}

/** A task ended with STATUS_ERROR; the message is the op's display message (safe to show). */
export class TaskFailedError extends InternalError {
  constructor(
    message: string,
    readonly op: Operation,
  ) {
    super(message);
  }
}

import type { Config, Operation, OperationStatus, Plan, Repo } from '@restora/proto';
import type { HookVarsInput } from '../hooks/vars.js';
import type { LogStore, LogWriter, OpLog } from '../oplog/types.js';
import type { ForgetFlags, ResticPort } from './restic-port.js';

/** Everything the engine can run, one handler per kind (ARCHITECTURE.md: discriminated union). */
export type Task =
  | { kind: 'backup'; planId: string; dryRun?: boolean }
  | { kind: 'index-snapshots'; repoId: string }
  | {
      kind: 'forget';
      repoId: string;
      /** Plan retention (planId), the repo's forget policy (no planId), or one snapshot (snapshotId). */
      planId?: string;
      snapshotId?: string;
      /** Restora extension: full forget flags (keep-within, keep-tag) instead of the stored policy. */
      flags?: ForgetFlags;
    }
  | { kind: 'prune'; repoId: string }
  | { kind: 'check'; repoId: string }
  | { kind: 'stats'; repoId: string }
  | { kind: 'restore'; repoId: string; planId: string; snapshotId: string; path: string; target: string }
  | { kind: 'unlock'; repoId: string }
  | { kind: 'run-command'; repoId: string; command: string }
  /** A front-end's job (Zerobyte doctor, tag, delete, mirror copy, restore): its work, run as one op. */
  | { kind: 'job'; repoId: string; job: Job }
  | { kind: 'collect-garbage' };

export type TaskKind = Task['kind'];
export type TaskOf<K extends TaskKind> = Extract<Task, { kind: K }>;

/** How a task ended; status defaults to SUCCESS. Throwing means ERROR with the error's message. */
export interface TaskResult {
  status?: OperationStatus;
  message?: string;
}

export interface FollowUp {
  task: Task;
  /** Defaults to the current op's flow. */
  flowId?: bigint;
}

/** What a running task may use. The lifecycle (scheduler) owns status, times and the log. */
export interface TaskRuntime {
  readonly config: Config;
  readonly instanceId: string;
  readonly repo: Repo | undefined;
  readonly plan: Plan | undefined;
  /** The task's operation (a live copy; change it through update()). Undefined for op-less tasks (GC). */
  readonly op: Operation | undefined;
  readonly signal: AbortSignal;
  readonly oplog: OpLog;
  readonly logs: LogStore | undefined;
  /** Task log of the op (restic output, hook output). */
  readonly log: Pick<LogWriter, 'write'>;
  restic(): ResticPort;
  now(): number;
  /** Applies a change to the op and stores it; `throttle` limits writes to one per second (progress). */
  update(mutate: (op: Operation) => void, options?: { throttle?: boolean }): void;
  /** Runs matching repo then plan hooks; throws HookControl when a hook's on_error says so. */
  fireHooks(events: number[], vars?: Partial<HookVarsInput>): Promise<void>;
  /** Backups only: the front-ends' pre-backup callbacks (BackupHooks.before), right before restic runs. */
  beforeBackup?(): Promise<void>;
  /** Queues a follow-up task after this one (index snapshots, forget, stats...). */
  followUp(f: FollowUp): void;
}

export interface TaskHandler<K extends TaskKind = TaskKind> {
  kind: K;
  /** Fills the kind-specific part of the op (`op` oneof, planId, snapshotId). Null: the task has no op. */
  prototype(
    task: TaskOf<K>,
    ctx: { config: Config; repo: Repo | undefined; plan: Plan | undefined },
  ): Operation | null;
  run(task: TaskOf<K>, rt: TaskRuntime): Promise<TaskResult | void>;
}

/** Zerobyte's view of a job, stored in the op's `zerobyte_task` field (Restora's proto extension). */
export interface JobView {
  kind: string;
  resourceType: 'backup_schedule' | 'repository';
  resourceId: string;
  input: Record<string, unknown>;
  progress?: Record<string, unknown> | null;
  result?: Record<string, unknown> | null;
}

export interface JobOutcome {
  result?: Record<string, unknown>;
  /** Default SUCCESS; WARNING is Zerobyte's `warning` outcome. */
  status?: OperationStatus;
}

export interface JobRuntime {
  readonly signal: AbortSignal;
  readonly rt: TaskRuntime;
  /** The job's live progress (stored with the lifecycle's progress throttle). */
  progress(p: Record<string, unknown>): void;
}

export interface Job {
  view: JobView;
  /** The op's kind-specific part (Backrest's op type); default `operationRunCommand` with `command`. */
  prototype?: Operation;
  /** The equivalent restic command line Backrest clients show (never a secret in it). */
  command: string;
  flowId?: bigint;
  /** A read with `--no-lock` (snapshot indexing): holds no repo lock, so the repo's backups never wait for it. */
  lockFree?: boolean;
  run(j: JobRuntime): Promise<JobOutcome | void>;
}

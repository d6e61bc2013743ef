// The REST API's task feed: a read-only projection of oplog operations (task-dto.ts), plus submitting this API's
// own jobs (doctor, tag, delete, restore, mirror copy) as ops of the engine's one lifecycle. No store of its own.
import { EventEmitter } from 'node:events';
import { OperationStatus, type Operation } from '@restora/proto';
import { ConflictError, NotFoundError } from '../../errors.js';
import type { JobRuntime } from '../../tasks/job.js';
import type { ZbContext } from './context.js';
import { ACTIVE, isWarningOp, opToTask, outcomeOf, type TaskDto } from './task-dto.js';
import { migrateTaskRows } from './task-rows.js';

export type { JobRuntime } from '../../tasks/job.js';

export interface JobSpec {
  kind: string;
  resourceType: TaskDto['resourceType'];
  resourceId: string;
  /** Config repo the job runs on (its lock, its op's repoId). */
  repoId: string;
  input: Record<string, unknown>;
  /** The equivalent restic command line Backrest clients show (no secret in it). */
  command: string;
  /** Backrest's op type for the job (a restore's OperationRestore); default a run-command op. */
  prototype?: Operation;
  flowId?: bigint;
  /** The work; returns the task's result. */
  run(rt: JobRuntime): Promise<Record<string, unknown> | void>;
  /** Called with the final task (success or not), once. */
  onDone?(t: TaskDto): void;
}

/** History is read in batches of this many ops: every op is counted, however long the history. */
const HISTORY_BATCH = 2000;
const INT64_MAX = 2n ** 63n - 1n;

export class TaskCenter {
  private readonly events = new EventEmitter();
  private unsubscribe: (() => void) | undefined;

  constructor(private readonly ctx: ZbContext) {
    this.events.setMaxListeners(0);
    migrateTaskRows(ctx);
    this.unsubscribe = ctx.oplog.subscribe((e) => {
      if (e.type === 'deleted') return;
      for (const op of e.operations) this.events.emit('task', this.view(op));
    });
  }

  close(): void {
    this.unsubscribe?.();
    this.unsubscribe = undefined;
  }

  /** Listens to every task change; returns the unsubscribe function. */
  onChange(listener: (t: TaskDto) => void): () => void {
    this.events.on('task', listener);
    return () => this.events.off('task', listener);
  }

  private view(op: Operation): TaskDto {
    const t = opToTask(op);
    // asked to stop (through either API) and still running: Zerobyte's `cancelling`
    if (t.status === 'running' && this.ctx.engine.cancelRequested(op.id))
      return { ...t, status: 'cancelling', cancellationRequested: true };
    return t;
  }

  /** Queues a job as one op; 409 when the same kind already runs on the same resource. */
  submit(spec: JobSpec): TaskDto {
    const operationKey = `${spec.kind}:${spec.resourceId}`;
    if (this.active({ operationKey }).length)
      throw new ConflictError(
        `${spec.kind} is already in progress for this ${spec.resourceType.replace('_', ' ')}`,
      );
    const h = this.ctx.engine.runJob(spec.repoId, {
      view: {
        kind: spec.kind,
        resourceType: spec.resourceType,
        resourceId: spec.resourceId,
        input: spec.input,
      },
      command: spec.command,
      ...(spec.prototype ? { prototype: spec.prototype } : {}),
      ...(spec.flowId ? { flowId: spec.flowId } : {}),
      run: async (rt) => {
        const result = await spec.run(rt);
        return { result: result ?? {} };
      },
    });
    if (!h.op) throw new Error('a job always has an operation');
    void h.done.then((op) => {
      if (!op || !spec.onDone) return;
      try {
        spec.onDone(this.view(op));
      } catch {
        // the sidecar closed with a shutdown that settled the job: the op keeps the outcome
      }
    });
    return this.view(h.op);
  }

  /** Active tasks (queued or running ops), filtered. */
  active(
    filter: Partial<Pick<TaskDto, 'kind' | 'resourceType' | 'resourceId' | 'operationKey'>> = {},
  ): TaskDto[] {
    return (
      this.ctx.oplog
        .query({ statuses: [OperationStatus.STATUS_PENDING, OperationStatus.STATUS_INPROGRESS] })
        // PENDING ops planned for a later cron slot are schedules, not tasks
        .filter(
          (op) =>
            op.status === OperationStatus.STATUS_INPROGRESS ||
            Number(op.unixTimeStartMs) <= this.ctx.now() + 1000,
        )
        .map((op) => this.view(op))
        .filter((t) =>
          (Object.entries(filter) as [keyof TaskDto, unknown][]).every(
            ([k, v]) => v === undefined || t[k] === v,
          ),
        )
    );
  }

  get(id: string): TaskDto {
    // a task id is an op id: a positive int64 (anything else, e.g. an old job's UUID, is unknown)
    const n = /^\d{1,19}$/.test(id) ? BigInt(id) : 0n;
    const op = n > 0n && n <= INT64_MAX ? this.ctx.oplog.get(n) : undefined;
    if (!op) throw new NotFoundError('Task not found', 'task', id);
    return this.view(op);
  }

  /** Every op of the log (synchronous batches, so no write lands between two of them). */
  private allOps(): Operation[] {
    const out: Operation[] = [];
    for (let offset = 0; ; offset += HISTORY_BATCH) {
      const batch = this.ctx.oplog.query({}, { order: 'desc', limit: HISTORY_BATCH, offset });
      out.push(...batch);
      if (batch.length < HISTORY_BATCH) return out;
    }
  }

  /** Finished tasks, newest first, with Zerobyte's outcome; totalItems counts the whole history. */
  history(filter: { kind?: string; outcome?: string }, page: number, pageSize: number) {
    const all = this.allOps()
      .map((op) => ({ t: this.view(op), warning: isWarningOp(op) }))
      .filter(({ t }) => !ACTIVE.includes(t.status))
      .map(({ t, warning }) => ({
        id: t.id,
        kind: t.kind,
        outcome: outcomeOf(t, warning),
        target: {
          kind: t.resourceType === 'backup_schedule' ? 'backupSchedule' : 'repository',
          id: t.resourceId,
        },
        status: t.status,
        createdAt: t.createdAt,
        startedAt: t.startedAt,
        finishedAt: t.finishedAt,
        message: t.error,
      }))
      .filter(
        (i) => (!filter.kind || i.kind === filter.kind) && (!filter.outcome || i.outcome === filter.outcome),
      )
      .sort((a, b) => (b.finishedAt ?? 0) - (a.finishedAt ?? 0));
    const totalPages = Math.max(1, Math.ceil(all.length / pageSize));
    return {
      organizationId: 'default',
      items: all.slice((page - 1) * pageSize, page * pageSize),
      page,
      pageSize,
      totalItems: all.length,
      totalPages,
    };
  }

  /** Requests cancellation through the engine's one cancel path; 409 when the task is not active. */
  cancel(id: string): { status: 'cancelling' } {
    const t = this.get(id);
    if (!ACTIVE.includes(t.status)) throw new ConflictError('Task is not cancellable: it already finished');
    if (this.ctx.engine.cancel(BigInt(t.id)) === 'unknown')
      throw new ConflictError('Task is not cancellable');
    const op = this.ctx.oplog.get(BigInt(t.id));
    if (op) this.events.emit('task', this.view(op));
    return { status: 'cancelling' };
  }

  /** The active task of a kind on a resource (doctor cancel). */
  findActive(kind: string, resourceId: string): TaskDto | undefined {
    return this.active({ kind, resourceId })[0];
  }
}

// Task feed of the REST API: engine operations (oplog) plus this API's own repository jobs (doctor, tag,
// delete, restore, mirror sync), which run on the engine's scheduler under the same per-repo lock.
import { EventEmitter } from 'node:events';
import { randomUUID } from 'node:crypto';
import { OperationStatus, type Operation } from '@restora/proto';
import { ConflictError, NotFoundError } from '../../errors.js';
import { Priority } from '../../scheduler/priority.js';
import { cancelReasonOf } from '../../scheduler/scheduler.js';
import type { ZbContext } from './context.js';
import {
  ACTIVE,
  INTERRUPTED_MESSAGE,
  isWarningOp,
  opToTask,
  outcomeOf,
  type TaskDto,
  type TaskStatus,
} from './task-dto.js';

export interface JobRuntime {
  signal: AbortSignal;
  /** Live progress (pushed over SSE at most every 250 ms). */
  progress(p: Record<string, unknown>): void;
  /** Adds the op that records this job in the oplog; the task feed then shows the job, not the op too. */
  record(op: Operation): Operation;
}

export interface JobSpec {
  kind: string;
  resourceType: TaskDto['resourceType'];
  resourceId: string;
  /** Config repo whose lock the job takes. */
  repoId: string;
  input: Record<string, unknown>;
  run(rt: JobRuntime): Promise<Record<string, unknown> | void>;
  /** Called with the final task (success or not). */
  onDone?(t: TaskDto): void;
}

interface OwnTask {
  dto: TaskDto;
  jobId: string;
  controller?: AbortController;
  warning: boolean;
  /** Id of the oplog op recording this job. */
  opId?: string;
  /** The status last stored (a job is stored once per status, not per progress update). */
  savedStatus?: TaskStatus;
}

type Saved = { dto: TaskDto; warning: boolean; opId?: string };

const HISTORY_MAX = 1000;
const PUSH_INTERVAL_MS = 250;
const SHUTDOWN_MESSAGE = 'task was interrupted by shutdown';

export class TaskCenter {
  private readonly own = new Map<string, OwnTask>();
  private readonly events = new EventEmitter();
  /** Op id → id of the job it records (such ops are hidden from the feed). */
  private readonly recorded = new Map<string, string>();
  private recording = false;
  private unsubscribe: (() => void) | undefined;

  constructor(private readonly ctx: ZbContext) {
    this.events.setMaxListeners(0);
    for (const { value } of ctx.meta.list<Saved>('task')) {
      // still queued or running when the last process ended (a crash, or queued at shutdown): Zerobyte's stale
      if (ACTIVE.includes(value.dto.status)) {
        const now = ctx.now();
        const dto: TaskDto = {
          ...value.dto,
          status: 'stale',
          error: INTERRUPTED_MESSAGE,
          updatedAt: now,
          finishedAt: now,
        };
        ctx.meta.put('task', dto.id, { ...value, dto } satisfies Saved);
      }
      if (value.opId) this.recorded.set(value.opId, value.dto.id);
    }
    this.unsubscribe = ctx.oplog.subscribe((e) => {
      // the add of a recorded op notifies before its id is known
      if (e.type === 'deleted' || this.recording) return;
      for (const op of e.operations)
        if (!this.recorded.has(String(op.id))) this.events.emit('task', opToTask(op));
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

  private emit(t: OwnTask): void {
    t.dto.updatedAt = this.ctx.now();
    if (t.savedStatus !== t.dto.status) this.save(t);
    this.events.emit('task', { ...t.dto });
  }

  /**
   * Stores a job: finished jobs outlive a restart (history, GET /tasks/:id); one still stored as active at the
   * next start was interrupted and becomes stale there.
   */
  private save(t: OwnTask): void {
    // the store closes with the server while a shutdown still settles its jobs: the row stays active (stale)
    if (!this.ctx.meta.db.open) return;
    this.ctx.meta.put('task', t.dto.id, { dto: t.dto, warning: t.warning, opId: t.opId } satisfies Saved);
    t.savedStatus = t.dto.status;
  }

  private stored(): Saved[] {
    return this.ctx.meta
      .list<Saved>('task')
      .map((r) => r.value)
      .filter((v) => !this.own.has(v.dto.id));
  }

  /** Queues a job; 409 when the same kind already runs on the same resource. */
  submit(spec: JobSpec): TaskDto {
    const operationKey = `${spec.kind}:${spec.resourceId}`;
    const busy = [...this.own.values()].find(
      (t) => t.dto.operationKey === operationKey && ACTIVE.includes(t.dto.status),
    );
    if (busy)
      throw new ConflictError(
        `${spec.kind} is already in progress for this ${spec.resourceType.replace('_', ' ')}`,
      );
    const now = this.ctx.now();
    const id = randomUUID();
    const t: OwnTask = {
      jobId: `zb:${id}`,
      warning: false,
      dto: {
        id,
        kind: spec.kind,
        status: 'queued',
        resourceType: spec.resourceType,
        resourceId: spec.resourceId,
        operationKey,
        targetAgentId: null,
        input: spec.input,
        progress: null,
        result: null,
        error: null,
        cancellationRequested: false,
        createdAt: now,
        startedAt: null,
        updatedAt: now,
        finishedAt: null,
      },
    };
    this.own.set(id, t);
    this.trim();
    this.emit(t);
    this.ctx.engine.scheduler.schedule({
      id: t.jobId,
      lockKey: `repo:${spec.repoId}`,
      priority: Priority.interactive,
      runAt: now,
      run: async (signal) => {
        t.dto.status = t.dto.cancellationRequested ? 'cancelling' : 'running';
        t.dto.startedAt = this.ctx.now();
        this.emit(t);
        let last = 0;
        let unlink = (): unknown => undefined;
        try {
          const result = await spec.run({
            signal,
            progress: (p) => {
              t.dto.progress = p;
              const now2 = this.ctx.now();
              if (now2 - last >= PUSH_INTERVAL_MS) {
                last = now2;
                this.emit(t);
              }
            },
            record: (op) => {
              this.recording = true;
              try {
                [op] = this.ctx.oplog.add(op) as [Operation];
              } finally {
                this.recording = false;
              }
              t.opId = String(op.id);
              this.recorded.set(t.opId, id);
              this.save(t);
              unlink = this.ctx.engine.linkOperation(op.id, t.jobId); // Backrest's Cancel reaches this job too
              return op;
            },
          });
          t.dto.status = 'succeeded';
          t.dto.result = result ?? {};
        } catch (err) {
          // a user's cancel is `cancelled`; a shutdown's interrupts the job: Zerobyte's `stale`
          const reason = cancelReasonOf(signal);
          t.dto.status = reason === 'user' ? 'cancelled' : reason ? 'stale' : 'failed';
          t.dto.error =
            reason === 'user'
              ? 'cancelled'
              : reason
                ? SHUTDOWN_MESSAGE
                : ((err as Error).message ?? String(err));
        } finally {
          unlink();
        }
        t.dto.finishedAt = this.ctx.now();
        this.emit(t);
        spec.onDone?.({ ...t.dto });
      },
      onCancelled: (reason) => {
        t.dto.status = reason === 'user' ? 'cancelled' : 'stale';
        t.dto.error = reason === 'user' ? 'cancelled before it started' : SHUTDOWN_MESSAGE;
        t.dto.finishedAt = this.ctx.now();
        this.emit(t);
        spec.onDone?.({ ...t.dto });
      },
    });
    return { ...t.dto };
  }

  private trim(): void {
    const stored = this.ctx.meta.list<Saved>('task');
    if (stored.length > HISTORY_MAX) {
      // active jobs (not finished yet) are the newest
      const end = (r: { value: Saved }) => r.value.dto.finishedAt ?? Infinity;
      const oldest = stored.sort((a, b) => end(a) - end(b) || 0);
      for (const r of oldest.slice(0, stored.length - HISTORY_MAX)) {
        this.ctx.meta.delete('task', r.key);
        if (r.value.opId) this.recorded.delete(r.value.opId);
      }
    }
    if (this.own.size <= HISTORY_MAX) return;
    for (const [id, t] of this.own) {
      if (this.own.size <= HISTORY_MAX) break;
      if (!ACTIVE.includes(t.dto.status)) this.own.delete(id);
    }
  }

  /** Active tasks (own jobs + pending/running operations), filtered. */
  active(
    filter: Partial<Pick<TaskDto, 'kind' | 'resourceType' | 'resourceId' | 'operationKey'>> = {},
  ): TaskDto[] {
    const ops = this.ctx.oplog
      .query({ statuses: [OperationStatus.STATUS_PENDING, OperationStatus.STATUS_INPROGRESS] })
      // PENDING ops planned for a later cron slot are schedules, not tasks
      .filter(
        (op) =>
          op.status === OperationStatus.STATUS_INPROGRESS ||
          Number(op.unixTimeStartMs) <= this.ctx.now() + 1000,
      )
      .filter((op) => !this.recorded.has(String(op.id)))
      .map(opToTask);
    const mine = [...this.own.values()]
      .filter((t) => ACTIVE.includes(t.dto.status))
      .map((t) => ({ ...t.dto }));
    return [...ops, ...mine].filter((t) =>
      (Object.entries(filter) as [keyof TaskDto, unknown][]).every(([k, v]) => v === undefined || t[k] === v),
    );
  }

  get(id: string): TaskDto {
    id = this.recorded.get(id) ?? id;
    const t = this.own.get(id);
    if (t) return { ...t.dto };
    const saved = this.ctx.meta.get<{ dto: TaskDto }>('task', id);
    if (saved) return saved.dto;
    if (/^\d+$/.test(id)) {
      const op = this.ctx.oplog.get(BigInt(id));
      if (op) return opToTask(op);
    }
    throw new NotFoundError('Task not found', 'task', id);
  }

  /** Finished tasks, newest first, with Zerobyte's outcome. */
  history(filter: { kind?: string; outcome?: string }, page: number, pageSize: number) {
    const ops = this.ctx.oplog
      .query({}, { order: 'desc', limit: 2000 })
      .filter((op) => !this.recorded.has(String(op.id)))
      .filter((op) => !['queued', 'running'].includes(opToTask(op).status))
      .map((op) => ({ t: opToTask(op), warning: isWarningOp(op) }));
    const mine = [
      ...[...this.own.values()]
        .filter((t) => !ACTIVE.includes(t.dto.status))
        .map((t) => ({ t: { ...t.dto }, warning: t.warning })),
      ...this.stored().map((v) => ({ t: v.dto, warning: v.warning })),
    ];
    const all = [...ops, ...mine]
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

  /** Requests cancellation; 409 when the task is not active. */
  cancel(id: string): { status: 'cancelling' } {
    id = this.recorded.get(id) ?? id;
    const t = this.own.get(id);
    if (t) {
      if (!ACTIVE.includes(t.dto.status))
        throw new ConflictError('Task is not cancellable: it already finished');
      t.dto.cancellationRequested = true;
      if (t.dto.status === 'running') t.dto.status = 'cancelling';
      this.emit(t);
      this.ctx.engine.scheduler.cancel(t.jobId, 'user');
      return { status: 'cancelling' };
    }
    const dto = this.get(id);
    if (!ACTIVE.includes(dto.status)) throw new ConflictError('Task is not cancellable: it already finished');
    if (this.ctx.engine.cancel(BigInt(id)) === 'unknown') throw new ConflictError('Task is not cancellable');
    return { status: 'cancelling' };
  }

  /** The active own task of a kind on a resource (doctor cancel). */
  findActive(kind: string, resourceId: string): TaskDto | undefined {
    const t = [...this.own.values()].find(
      (x) => x.dto.kind === kind && x.dto.resourceId === resourceId && ACTIVE.includes(x.dto.status),
    );
    return t ? { ...t.dto } : undefined;
  }

  markWarning(id: string): void {
    const t = this.own.get(id);
    if (t) t.warning = true;
  }
}

// Zerobyte's maxRetries/retryDelay: a failed backup of a schedule runs again after retryDelay minutes, at most
// maxRetries times in a row; a good backup or the last failed retry starts the count afresh. The count and the
// due time of a pending retry are rows of the sidecar store, so both survive a restart; a backup cut short by
// a restart counts as a failure (Zerobyte: "interrupted tasks become stale on restart and scheduled runs are
// retried").
import { OperationStatus, type Operation } from '@restora/proto';
import type { OpEvent } from '../../oplog/types.js';
import type { ZbContext } from './context.js';
import { onEndedBackups } from './ended-backups.js';
import type { ScheduleService } from './schedules.js';
import { isInterrupted } from './task-dto.js';

/** One plan's retry bookkeeping (meta kind `retry`, keyed by plan id). */
export interface RetryState {
  /** Retries used since the plan's last good backup. */
  retries: number;
  /** When the pending retry is due (epoch ms); null once it started running, or when none is pending. */
  dueAt: number | null;
  /** Id of the failed backup op counted last: a failure seen again (event and startup scan) counts once. */
  lastOpId?: string;
}

const FINISHED = [
  OperationStatus.STATUS_SUCCESS,
  OperationStatus.STATUS_WARNING,
  OperationStatus.STATUS_ERROR,
  OperationStatus.STATUS_USER_CANCELLED,
  OperationStatus.STATUS_SYSTEM_CANCELLED,
];

const jobIdOf = (planId: string) => `zerobyte-retry:${planId}`;

export class RetryService {
  private readonly unsubscribe: (() => void)[];
  /** Plans with a retry job in the scheduler queue (unscheduled on close). */
  private readonly armed = new Set<string>();

  constructor(
    private readonly ctx: ZbContext,
    private readonly schedules: ScheduleService,
  ) {
    const plans = ctx.config.get().plans.map((p) => p.id);
    this.dropDeletedPlans(plans);
    for (const planId of plans) this.countInterrupted(planId);
    // the scheduler holds these until the engine starts, i.e. after its startup scrub
    for (const { key, value } of ctx.meta.list<RetryState>('retry'))
      if (value.dueAt !== null) this.arm(key, value.dueAt);
    this.unsubscribe = [
      onEndedBackups(ctx.oplog, (op, good) => (good ? this.clear(op.planId) : this.onFailure(op))),
      ctx.oplog.subscribe((e) => this.onStarted(e)),
      ctx.config.subscribe((next) => this.dropDeletedPlans(next.plans.map((p) => p.id))),
    ];
  }

  private state(planId: string): RetryState | undefined {
    return this.ctx.meta.get<RetryState>('retry', planId);
  }

  private onFailure(op: Operation): void {
    const planId = op.planId;
    const policy = this.schedules.retryPolicy(planId);
    if (!policy) return;
    const s = this.state(planId);
    const opId = String(op.id);
    if (s?.lastOpId === opId) return;
    const used = s?.retries ?? 0;
    if (used >= policy.maxRetries) {
      // the row stays (count 0) so a rescan at start does not count this failure again
      this.ctx.meta.put('retry', planId, { retries: 0, dueAt: null, lastOpId: opId } satisfies RetryState);
      this.disarm(planId);
      return;
    }
    const endedAt = Number(op.unixTimeEndMs) || this.ctx.now();
    const dueAt = endedAt + policy.retryDelayMinutes * (this.ctx.minuteMs ?? 60_000);
    this.ctx.meta.put('retry', planId, { retries: used + 1, dueAt, lastOpId: opId } satisfies RetryState);
    this.arm(planId, dueAt);
  }

  /** A backup stopped by the last shutdown ended SYSTEM_CANCELLED, which the ended-backups feed ignores. */
  private countInterrupted(planId: string): void {
    if (!this.schedules.retryPolicy(planId)) return;
    const [last] = this.ctx.oplog.query(
      { planId, kinds: ['operationBackup'], statuses: FINISHED },
      { lastN: 1 },
    );
    if (last && isInterrupted(last)) this.onFailure(last);
  }

  /** Once a backup of the plan starts (or is cancelled) after the retry came due, the retry is spent. */
  private onStarted(e: OpEvent): void {
    if (e.type === 'deleted') return;
    for (const op of e.operations) {
      if (op.op.case !== 'operationBackup') continue;
      if (
        op.status !== OperationStatus.STATUS_INPROGRESS &&
        op.status !== OperationStatus.STATUS_USER_CANCELLED
      )
        continue;
      const s = this.state(op.planId);
      if (s?.dueAt == null || s.dueAt > this.ctx.now()) continue;
      this.ctx.meta.put('retry', op.planId, { ...s, dueAt: null } satisfies RetryState);
    }
  }

  private arm(planId: string, dueAt: number): void {
    try {
      this.ctx.engine.scheduleCallback(jobIdOf(planId), dueAt, () => {
        this.armed.delete(planId);
        this.fire(planId);
      });
      this.armed.add(planId);
    } catch {
      // the scheduler is stopping: the stored due time re-arms the retry at the next start
    }
  }

  private disarm(planId: string): void {
    if (this.armed.delete(planId)) this.ctx.engine.unscheduleCallback(jobIdOf(planId));
  }

  private fire(planId: string): void {
    if (this.state(planId)?.dueAt == null) return;
    try {
      this.ctx.engine.runBackup(planId).done.catch(() => undefined); // the op records the outcome
    } catch {
      this.clear(planId); // the plan was deleted meanwhile
    }
  }

  private clear(planId: string): void {
    this.ctx.meta.delete('retry', planId);
    this.disarm(planId);
  }

  private dropDeletedPlans(planIds: string[]): void {
    const live = new Set(planIds);
    for (const { key } of this.ctx.meta.list<RetryState>('retry')) if (!live.has(key)) this.clear(key);
  }

  close(): void {
    for (const u of this.unsubscribe) u();
    for (const planId of [...this.armed]) this.disarm(planId);
  }
}

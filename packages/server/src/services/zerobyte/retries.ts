// Zerobyte's maxRetries/retryDelay: a failed backup of a schedule runs again after retryDelay minutes, at most
// maxRetries times in a row; a good backup or the last failed retry starts the count afresh.
import type { ZbContext } from './context.js';
import { onEndedBackups } from './ended-backups.js';
import type { ScheduleService } from './schedules.js';

export class RetryService {
  private readonly unsubscribe: () => void;
  /** Plan id → retries already queued since its last good backup. */
  private readonly retried = new Map<string, number>();
  private readonly timers = new Set<NodeJS.Timeout>();

  constructor(
    private readonly ctx: ZbContext,
    private readonly schedules: ScheduleService,
  ) {
    this.unsubscribe = onEndedBackups(ctx.oplog, (op, good) => {
      if (good) this.retried.delete(op.planId);
      else this.onFailure(op.planId);
    });
  }

  private onFailure(planId: string): void {
    const policy = this.schedules.retryPolicy(planId);
    if (!policy) return;
    const done = this.retried.get(planId) ?? 0;
    if (done >= policy.maxRetries) {
      this.retried.delete(planId);
      return;
    }
    this.retried.set(planId, done + 1);
    const timer = setTimeout(
      () => {
        this.timers.delete(timer);
        try {
          this.ctx.engine.runBackup(planId).done.catch(() => undefined); // the op records the outcome
        } catch {
          // the schedule was deleted meanwhile
        }
      },
      policy.retryDelayMinutes * (this.ctx.minuteMs ?? 60_000),
    );
    timer.unref();
    this.timers.add(timer);
  }

  close(): void {
    this.unsubscribe();
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
  }
}

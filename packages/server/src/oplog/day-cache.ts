// Per-day backup aggregates for the dashboard, cached per (instance, day range) and invalidated only for the days
// whose backups change: a dashboard request then re-aggregates today, not 30 days of history.
import type { DayAgg } from './summaries.js';

type DayRows = Omit<DayAgg, 'day'>[];

export class DayAggCache {
  private readonly entries = new Map<string, { s: number; e: number; rows: DayRows }>();

  private static key(instanceId: string | undefined, s: number, e: number): string {
    return `${instanceId ?? '\0all'}|${s}|${e}`;
  }

  get(instanceId: string | undefined, s: number, e: number): DayRows | undefined {
    return this.entries.get(DayAggCache.key(instanceId, s, e))?.rows;
  }

  set(instanceId: string | undefined, s: number, e: number, rows: DayRows): void {
    if (this.entries.size > 500) this.entries.clear();
    this.entries.set(DayAggCache.key(instanceId, s, e), { s, e, rows });
  }

  /** A backup starting at `startMs` was added, changed or removed. */
  touch(startMs: number): void {
    for (const [k, v] of this.entries) if (startMs >= v.s && startMs < v.e) this.entries.delete(k);
  }

  clear(): void {
    this.entries.clear();
  }
}

// Zerobyte's background health jobs: volumes checked every 30 min, errored volumes with autoRemount mounted again
// every 5 min, repositories checked daily at 12:50 (restic check as one engine operation). Status changes reach
// GET /api/v1/events (volume:status_changed) and the repository's status, lastChecked and lastError.
import { Cron } from 'croner';
import type { ZbContext } from './context.js';
import { DEFAULT_HEALTH_SCHEDULE, type HealthSchedule } from './health-schedule.js';
import type { RepositoryService } from './repositories.js';
import type { TaskCenter } from './tasks.js';
import type { VolumeService } from './volumes.js';

export type { HealthSchedule } from './health-schedule.js';

export class HealthJobs {
  private readonly crons: Cron[];
  /** Repository checks asked for and not finished: repo shortId → config repo id and when it was asked. */
  private readonly checking = new Map<string, { repoId: string; since: number }>();
  private readonly offTasks: () => void;

  constructor(
    private readonly ctx: ZbContext,
    private readonly volumes: VolumeService,
    private readonly repos: RepositoryService,
    tasks: TaskCenter,
    schedule: HealthSchedule = DEFAULT_HEALTH_SCHEDULE,
  ) {
    // protect: a run still going when the next is due is skipped, never stacked
    const every = (cron: string, run: () => Promise<void>) =>
      new Cron(cron, { protect: true, catch: true, unref: true }, run);
    this.crons = [
      every(schedule.volumes, () => this.checkVolumes()),
      every(schedule.remount, () => this.remountVolumes()),
      every(schedule.repositories, async () => this.checkRepositories()),
    ];
    // the engine's check op of that repository (its id is only known once it starts), finished after the ask
    this.offTasks = tasks.onChange((t) => {
      const asked = t.kind === 'check' ? this.checking.get(t.resourceId) : undefined;
      if (!asked || !t.finishedAt || t.createdAt < asked.since) return;
      this.checking.delete(t.resourceId);
      const { repoId } = asked;
      if (t.status === 'cancelled' || t.status === 'stale') return; // cut short: nothing was found
      const healthy = t.status === 'succeeded';
      this.repos.patchMeta(repoId, {
        status: healthy ? 'healthy' : 'error',
        lastChecked: t.finishedAt,
        lastError: healthy ? null : (t.error ?? 'restic check failed'),
      });
    });
  }

  /** Mounted and errored volumes: a health check each (which mounts a dropped share with autoRemount again). */
  async checkVolumes(): Promise<void> {
    for (const v of this.volumes.list())
      if (v.status === 'mounted' || v.status === 'error')
        await this.volumes.healthCheck(v.shortId).catch(() => undefined); // its status holds the error
  }

  /** Errored volumes with autoRemount: mounted again. */
  async remountVolumes(): Promise<void> {
    for (const v of this.volumes.list())
      if (v.status === 'error' && v.autoRemount) await this.volumes.mount(v.shortId).catch(() => undefined);
  }

  /** Repositories last seen healthy or in error: `restic check` each, one engine operation per repository. */
  checkRepositories(): void {
    for (const r of this.repos.list()) {
      if ((r.status !== 'healthy' && r.status !== 'error') || this.checking.has(r.shortId)) continue;
      this.checking.set(r.shortId, { repoId: r.repoId, since: this.ctx.now() });
      void this.ctx.engine.runRepoTask(r.repoId, 'check').catch((e: unknown) => {
        this.checking.delete(r.shortId);
        this.repos.patchMeta(r.repoId, {
          status: 'error',
          lastChecked: this.ctx.now(),
          lastError: `restic check could not start: ${(e as Error).message}`,
        });
      });
    }
  }

  close(): void {
    for (const c of this.crons) c.stop();
    this.offTasks();
  }
}

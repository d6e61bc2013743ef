// Mirrors: `restic copy` of a schedule's snapshots into further repositories, after each good backup or on demand.
import { NotFoundError } from '../../errors.js';
import { planTag } from '../../tasks/convert.js';
import { readerOf, resticOf, type ZbContext } from './context.js';
import { onEndedBackups } from './ended-backups.js';
import { shortIdOf, uuidOf } from './ids.js';
import type { RepositoryService } from './repositories.js';
import type { ScheduleService } from './schedules.js';
import { outcomeOf } from './task-dto.js';
import type { TaskCenter } from './tasks.js';

export class MirrorService {
  private readonly unsubscribe: () => void;

  constructor(
    private readonly ctx: ZbContext,
    private readonly repos: RepositoryService,
    private readonly schedules: ScheduleService,
    private readonly tasks: TaskCenter,
  ) {
    this.unsubscribe = onEndedBackups(ctx.oplog, (op, good) => {
      if (!good) return;
      this.repos.invalidate(op.repoId);
      for (const m of this.schedules.enabledMirrors(op.planId)) {
        try {
          this.sync(shortIdOf('plan', op.planId), m.repositoryId);
        } catch {
          // already syncing: the running copy picks up this snapshot too
        }
      }
    });
  }

  close(): void {
    this.unsubscribe();
  }

  private pair(scheduleRef: string, mirrorRef: string) {
    const plan = this.schedules.resolve(scheduleRef);
    const mirror = this.repos.resolve(mirrorRef);
    const source = this.repos.resolve(plan.repo);
    const known = this.schedules
      .mirrors(scheduleRef)
      .some((m) => m.repositoryId === uuidOf('repo', mirror.id));
    if (!known) throw new NotFoundError('Mirror not found for this schedule', 'mirror', mirrorRef);
    return { plan, mirror, source };
  }

  /** Copies the schedule's snapshots (or the given ones) from its repository into the mirror. */
  sync(scheduleRef: string, mirrorRef: string, snapshotIds?: string[]) {
    const { plan, mirror, source } = this.pair(scheduleRef, mirrorRef);
    const mirrorUuid = uuidOf('repo', mirror.id);
    const t = this.tasks.submit({
      kind: 'mirrorSync',
      resourceType: 'backup_schedule',
      resourceId: `${shortIdOf('plan', plan.id)}:${shortIdOf('repo', mirror.id)}`,
      repoId: mirror.id,
      input: {
        scheduleId: shortIdOf('plan', plan.id),
        mirrorRepositoryId: mirrorUuid,
        snapshotIds: snapshotIds ?? [],
      },
      // repo ids stand in for the URIs, which may hold credentials
      command: `restic copy --from-repo ${source.id} ${snapshotIds?.length ? snapshotIds.join(' ') : `--tag ${planTag(plan.id)}`}`,
      run: async (rt) => {
        const env: Record<string, string> = {};
        for (const e of source.env) {
          const i = e.indexOf('=');
          if (i > 0) env[e.slice(0, i)] = e.slice(i + 1);
        }
        const r = await resticOf(this.ctx, mirror).copy({
          from: { repository: source.uri, password: source.password },
          ...(snapshotIds?.length ? { snapshotIds } : { tags: [planTag(plan.id)] }),
          env,
          signal: rt.signal,
        });
        return { copied: r.copied.length };
      },
      onDone: (final) => {
        this.repos.invalidate(mirror.id);
        this.schedules.recordMirrorSync(plan.id, mirrorUuid, {
          id: final.id,
          status: outcomeOf(final),
          error: final.error,
          finishedAt: final.finishedAt,
        });
      },
    });
    return { taskId: t.id, status: 'started' as const };
  }

  async status(scheduleRef: string, mirrorRef: string) {
    const { plan, mirror, source } = this.pair(scheduleRef, mirrorRef);
    const signal = AbortSignal.timeout(300_000);
    const tags = [planTag(plan.id)];
    const [src, dst] = await Promise.all([
      readerOf(this.ctx, source).snapshots({ tags, signal }),
      readerOf(this.ctx, mirror).snapshots({ tags, signal }),
    ]);
    const have = new Set(dst.flatMap((s) => [s.id, s.original ?? '']));
    const missing = src.filter((s) => !have.has(s.id));
    return {
      sourceCount: src.length,
      mirrorCount: dst.length,
      missingSnapshots: missing.map((s) => ({
        short_id: s.shortId || s.id.slice(0, 8),
        time: Date.parse(s.time),
        size: Number((s.summary as Record<string, unknown> | undefined)?.total_bytes_processed ?? 0),
      })),
    };
  }

  compatibility(scheduleRef: string) {
    const plan = this.schedules.resolve(scheduleRef);
    return this.ctx.config
      .get()
      .repos.filter((r) => r.id !== plan.repo)
      .map((r) => ({ repositoryId: uuidOf('repo', r.id), compatible: true, reason: null }));
  }
}

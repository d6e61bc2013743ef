// Backup schedules = config plans (+ a sidecar row for Zerobyte-only fields); run, forget and mirrors.
import { OperationStatus, type Config, type Plan } from '@restora/proto';
import { ConflictError, FailedPreconditionError, NotFoundError, ValidationError } from '../../errors.js';
import type { ForgetFlags } from '../../tasks/restic-port.js';
import type { ZbContext } from './context.js';
import { shortIdOf, slugId, uuidOf } from './ids.js';
import type { RepositoryService } from './repositories.js';
import { intoVolume, outOfVolume } from './volume-paths.js';
import type { VolumeService } from './volumes.js';
import { buildPlan, flagsOf, planFingerprint, renamedPlans, type ScheduleInput } from './plan-fields.js';
import { fromRetention, type Retention } from './retention.js';
import { isWarningOp, opToTask, outcomeOf, type TaskOutcome } from './task-dto.js';
import type { BackupWebhooks } from './webhook-rules.js';
import { asStaged, resolveStaged, stage, type Staged } from './staged-rows.js';

export type { Retention } from './retention.js';
export type { ScheduleInput } from './plan-fields.js';
export { planFingerprint, renamedPlans } from './plan-fields.js';

export interface Mirror {
  repositoryId: string;
  enabled: boolean;
  createdAt: number;
  lastSyncTask: { id: string; status: string; error: string | null; finishedAt: number | null } | null;
}

interface ScheduleMeta extends Partial<ScheduleInput> {
  id: number;
  createdAt: number;
  updatedAt: number;
  mirrors?: Mirror[];
}

const ACTIVE_STATUSES = [OperationStatus.STATUS_PENDING, OperationStatus.STATUS_INPROGRESS];

type LastBackupStatus = 'success' | 'warning' | 'error' | 'in_progress';
/**
 * A schedule's lastBackupStatus from its last backup's task outcome. The field has no `stale`: like Zerobyte,
 * which reports a backup cut short by a restart as a warning, an interrupted backup shows as `warning`.
 */
const LAST_BACKUP_STATUS: Record<TaskOutcome, LastBackupStatus> = {
  success: 'success',
  warning: 'warning',
  stale: 'warning',
  error: 'error',
  cancelled: 'error',
  running: 'in_progress',
};

export class ScheduleService {
  constructor(
    private readonly ctx: ZbContext,
    private readonly repos: RepositoryService,
    /** Resolves volumeId (absent: volumeId is only echoed, as before volumes existed). */
    private readonly volumes?: VolumeService,
  ) {
    this.reconcile(ctx.config.get());
    this.unsubscribe = ctx.config.subscribe((next, prev) => this.reconcile(next, prev));
  }

  /** Plans whose row is written and whose config change is still on its way (reconcile leaves them alone). */
  private readonly inFlight = new Set<string>();
  private readonly unsubscribe: () => void;

  private rowOf(planId: string): Staged<ScheduleMeta> | undefined {
    const row = this.ctx.meta.get<unknown>('schedule', planId);
    return row === undefined ? undefined : asStaged<ScheduleMeta>(row);
  }

  /** The row's value the config shows to be committed (the plan's current fingerprint picks it). */
  private metaOf(planId: string, plan?: Plan): ScheduleMeta | undefined {
    const row = this.rowOf(planId);
    if (!row) return undefined;
    const p = plan ?? this.ctx.config.get().plans.find((x) => x.id === planId);
    return p ? resolveStaged(row, planFingerprint(p)).value : row.value;
  }

  /**
   * Zerobyte's retry settings of a schedule made or edited through this API (defaults 2 retries, 15 minutes);
   * plans made elsewhere keep Backrest's behaviour: no retries.
   */
  retryPolicy(planId: string): { maxRetries: number; retryDelayMinutes: number } | undefined {
    const m = this.metaOf(planId);
    if (m?.name === undefined) return undefined;
    return { maxRetries: m.maxRetries ?? 2, retryDelayMinutes: m.retryDelay ?? 15 };
  }

  /** A schedule's name and backup webhooks, for the calls around its backups. */
  /** The volume a plan's schedule backs up (undefined for plans without one). */
  volumeIdOf(planId: string): string | number | undefined {
    return this.metaOf(planId)?.volumeId ?? undefined;
  }

  webhookTarget(planId: string): { name: string; webhooks: BackupWebhooks | null } {
    const m = this.metaOf(planId);
    return { name: m?.name ?? planId, webhooks: m?.backupWebhooks ?? null };
  }

  /** Sidecar row, created on first sight for plans made elsewhere (stable numeric id). */
  private ensureMeta(plan: Plan): ScheduleMeta {
    const m = this.metaOf(plan.id, plan);
    if (m) return m;
    const now = this.ctx.now();
    const fresh: ScheduleMeta = { id: this.ctx.meta.nextId('schedule'), createdAt: now, updatedAt: now };
    this.ctx.meta.put('schedule', plan.id, { value: fresh, fp: planFingerprint(plan) });
    return fresh;
  }

  /** Edits a row's value (and the value it may be about to replace) without a config change. */
  private patchMeta(planId: string, edit: (m: ScheduleMeta) => ScheduleMeta): void {
    const row = this.rowOf(planId);
    if (!row) return;
    this.ctx.meta.put('schedule', planId, {
      ...row,
      value: edit(row.value),
      ...(row.prev ? { prev: { ...row.prev, value: edit(row.prev.value) } } : {}),
    } satisfies Staged<ScheduleMeta>);
  }

  /**
   * Brings the rows in line with the config (at start and after every config change, SetConfig included):
   * rows of deleted plans go, a renamed plan keeps its row, a staged row whose config change never committed
   * falls back to the value it replaced, mirrors into deleted repositories go.
   */
  reconcile(next: Config, prev?: Config): void {
    const plans = new Map(next.plans.map((p) => [p.id, p]));
    const repos = new Set(next.repos.map((r) => uuidOf('repo', r.id)));
    if (prev)
      for (const [from, to] of renamedPlans(next, prev)) {
        const row = this.rowOf(from);
        if (!row || this.rowOf(to) || this.inFlight.has(from)) continue;
        const value = resolveStaged(row, planFingerprint(prev.plans.find((p) => p.id === from)!)).value;
        // a name that was the old id follows the plan; a Zerobyte name is kept
        const renamed = value.name === from ? { ...value, name: to } : value;
        this.ctx.meta.put('schedule', to, { value: renamed, fp: planFingerprint(plans.get(to)!) });
        this.ctx.meta.delete('schedule', from);
      }
    for (const { key, value } of this.ctx.meta.list<unknown>('schedule')) {
      if (this.inFlight.has(key)) continue;
      const plan = plans.get(key);
      if (!plan) {
        this.ctx.meta.delete('schedule', key);
        continue;
      }
      const row = asStaged<ScheduleMeta>(value);
      const fp = planFingerprint(plan);
      const settled = resolveStaged(row, fp).value;
      // mirrors into a repository deleted from the config (e.g. by SetConfig) go with it
      const mirrors = settled.mirrors?.filter((m) => repos.has(m.repositoryId));
      if (row.prev || row.fp !== fp || mirrors?.length !== settled.mirrors?.length)
        this.ctx.meta.put('schedule', key, { value: { ...settled, ...(mirrors ? { mirrors } : {}) }, fp });
    }
  }

  close(): void {
    this.unsubscribe();
  }

  /** Running, or queued to run now (a PENDING op planned for a later cron slot does not count). */
  private busy(planId: string, kind: 'operationBackup' | 'operationForget'): boolean {
    return this.ctx.oplog
      .query({ planId, kinds: [kind], statuses: ACTIVE_STATUSES })
      .some(
        (op) =>
          op.status === OperationStatus.STATUS_INPROGRESS ||
          Number(op.unixTimeStartMs) <= this.ctx.now() + 1000,
      );
  }

  resolve(ref: string): Plan {
    const plans = this.ctx.config.get().plans;
    const plan = plans.find(
      (p) =>
        shortIdOf('plan', p.id) === ref ||
        p.id === ref ||
        (/^\d+$/.test(ref) && this.metaOf(p.id, p)?.id === Number(ref)),
    );
    if (!plan) throw new NotFoundError('Backup schedule not found', 'backup', ref);
    return plan;
  }

  /** The directory of a schedule's volume (404 for an unknown one); undefined without a volume. */
  private volumeRoot(volumeId: string | number | null | undefined): string | undefined {
    if (volumeId == null || !this.volumes) return undefined;
    return this.volumes.pathOf(this.volumes.resolve(volumeId));
  }

  private volumeOf(volumeId: string | number | null | undefined) {
    try {
      return volumeId == null || !this.volumes ? undefined : this.volumes.resolve(volumeId);
    } catch {
      return undefined; // deleted under the schedule (a Backrest edit, a crash): shown as null
    }
  }

  toDto(plan: Plan, embed: boolean) {
    const m = this.ensureMeta(plan);
    const repo = this.ctx.config.get().repos.find((r) => r.id === plan.repo);
    const flags = flagsOf(plan.backupFlags);
    const volume = this.volumeOf(m.volumeId);
    const root = volume && this.volumes?.pathOf(volume);
    const mine = (m.includePatterns ?? []).map((p) => (root ? intoVolumeOrSelf(p, root) : p));
    const patterns = plan.paths.filter((p) => mine.includes(p));
    const shown = (p: string) => (root ? outOfVolume(p, root) : p);
    const sched = plan.schedule?.schedule;
    const cron = sched?.case === 'cron' ? sched.value : (m.cronExpression ?? '');
    const running = this.busy(plan.id, 'operationBackup');
    // a backup a shutdown cut short counts: it shows as a warning (Zerobyte's stale)
    const last = this.ctx.oplog.lastFinishedBackup({ planId: plan.id, includeSystemCancelled: true });
    const lastTask = last && opToTask(last);
    const lastStatus = running
      ? 'in_progress'
      : !last || !lastTask
        ? null
        : LAST_BACKUP_STATUS[outcomeOf(lastTask, isWarningOp(last))];
    const upcoming = this.ctx.engine.upcoming().find((u) => u.key === `backup:${plan.id}`);
    const retention = fromRetention(plan.retention);
    if (retention && m.retentionPolicy?.keepWithinDuration)
      retention.keepWithinDuration = m.retentionPolicy.keepWithinDuration;
    return {
      id: m.id,
      shortId: shortIdOf('plan', plan.id),
      name: m.name ?? plan.id,
      planId: plan.id,
      volumeId: m.volumeId ?? null,
      repositoryId: repo ? uuidOf('repo', repo.id) : plan.repo,
      enabled:
        sched?.case === 'cron' || sched?.case === 'maxFrequencyDays' || sched?.case === 'maxFrequencyHours',
      cronExpression: cron,
      retentionPolicy: retention,
      excludePatterns: plan.excludes.map(shown),
      // what the config holds comes from the plan: an edit through Backrest's API shows here at once
      excludeIfPresent: flags.excludeIfPresent.length ? flags.excludeIfPresent : (m.excludeIfPresent ?? null),
      includePaths: plan.paths.filter((p) => !patterns.includes(p) && p !== root).map(shown),
      includePatterns: m.includePatterns ? patterns.map(shown) : null,
      customResticParams: flags.custom.length ? flags.custom : (m.customResticParams ?? null),
      oneFileSystem: flags.oneFileSystem,
      compressionMode: flags.compression,
      backupWebhooks: m.backupWebhooks ?? null,
      maxRetries: m.maxRetries ?? 2,
      retryDelay: m.retryDelay ?? 15,
      lastBackupAt: last ? Number(last.unixTimeEndMs || last.unixTimeStartMs) : null,
      nextBackupAt: upcoming ? upcoming.runAt : null,
      lastBackupStatus: lastStatus,
      // like Zerobyte, a warning's details show here too (e.g. a failed post-backup webhook, an interruption)
      lastBackupError:
        lastStatus === 'error'
          ? last?.displayMessage || 'failed'
          : lastStatus === 'warning'
            ? lastTask?.error || last?.displayMessage || null
            : null,
      createdAt: m.createdAt,
      updatedAt: m.updatedAt,
      ...(embed
        ? {
            volume: volume ? this.volumes!.dto(volume) : null,
            repository: repo ? this.repos.toDto(repo) : null,
          }
        : {}),
    };
  }

  /** In the order /backups/reorder set (schedules it does not name follow, in config order). */
  list() {
    const order = this.ctx.meta.get<string[]>('order', 'schedules') ?? [];
    const rank = (p: Plan) => {
      const i = order.indexOf(shortIdOf('plan', p.id));
      return i < 0 ? order.length : i;
    };
    return [...this.ctx.config.get().plans]
      .map((p, i) => ({ p, i }))
      .sort((a, b) => rank(a.p) - rank(b.p) || a.i - b.i)
      .map(({ p }) => this.toDto(p, true));
  }

  /** Zerobyte's drag-and-drop order: every id must be a schedule, each once. */
  reorder(shortIds: string[]): void {
    const seen = new Set<string>();
    const known = new Set(this.ctx.config.get().plans.map((p) => shortIdOf('plan', p.id)));
    shortIds.forEach((id, i) => {
      if (seen.has(id))
        throw new ValidationError([{ path: `scheduleShortIds[${i}]`, message: `${id} is listed twice` }]);
      if (!known.has(id)) throw new NotFoundError(`Backup schedule not found: ${id}`, 'backup', id);
      seen.add(id);
    });
    this.ctx.meta.put('order', 'schedules', shortIds);
  }

  get(ref: string) {
    return this.toDto(this.resolve(ref), true);
  }

  private assertNameFree(name: string, exceptPlanId?: string): void {
    for (const p of this.ctx.config.get().plans)
      if (p.id !== exceptPlanId && (this.metaOf(p.id, p)?.name ?? p.id).toLowerCase() === name.toLowerCase())
        throw new ConflictError(`A backup schedule named "${name}" already exists`);
  }

  /** The sidecar row first (staged), then the plan: the config write commits both; a crash before it leaves an orphan row reconcile removes. */
  async create(input: ScheduleInput) {
    this.assertNameFree(input.name);
    const repo = this.repos.resolve(input.repositoryId);
    const taken = new Set(this.ctx.config.get().plans.map((p) => p.id));
    const planId = slugId(input.name, (id) => taken.has(id) || this.inFlight.has(id));
    const plan = buildPlan(planId, input, repo.id, this.ctx.webhooks, this.volumeRoot(input.volumeId));
    const now = this.ctx.now();
    const meta: ScheduleMeta = {
      ...input,
      id: this.ctx.meta.nextId('schedule'),
      createdAt: now,
      updatedAt: now,
      mirrors: [],
    };
    this.inFlight.add(planId);
    try {
      this.ctx.meta.put('schedule', planId, { value: meta, fp: planFingerprint(plan) });
      await this.ctx.config.update((draft) => {
        if (draft.plans.some((p) => p.id === planId))
          throw new ConflictError(`A backup schedule named "${input.name}" already exists`);
        draft.plans.push(plan);
      });
    } catch (e) {
      if (!this.ctx.config.get().plans.some((p) => p.id === planId)) this.ctx.meta.delete('schedule', planId);
      throw e;
    } finally {
      this.inFlight.delete(planId);
    }
    return this.toDto(this.resolve(planId), false);
  }

  /**
   * Zerobyte's PATCH: repositoryId and cronExpression still required; other absent fields keep their value.
   * The row is staged with the old value kept, then the plan written: whichever plan the config holds after a
   * crash picks the row value that goes with it.
   */
  async update(ref: string, patch: Partial<ScheduleInput>) {
    const plan = this.resolve(ref);
    const m = this.ensureMeta(plan);
    const current = this.toDto(plan, false);
    if (patch.name !== undefined) this.assertNameFree(patch.name, plan.id);
    const merged: ScheduleInput = {
      name: current.name,
      repositoryId: current.repositoryId,
      volumeId: current.volumeId,
      enabled: current.enabled,
      cronExpression: current.cronExpression,
      retentionPolicy: current.retentionPolicy,
      excludePatterns: current.excludePatterns,
      excludeIfPresent: current.excludeIfPresent,
      includePaths: current.includePaths,
      includePatterns: current.includePatterns,
      oneFileSystem: current.oneFileSystem,
      customResticParams: current.customResticParams,
      compressionMode: current.compressionMode,
      ...Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== undefined)),
    };
    const repo = this.repos.resolve(merged.repositoryId);
    const next = buildPlan(plan.id, merged, repo.id, this.ctx.webhooks, this.volumeRoot(merged.volumeId));
    next.iexcludes = plan.iexcludes;
    const nextMeta: ScheduleMeta = { ...m, ...merged, updatedAt: this.ctx.now() };
    const before = this.rowOf(plan.id);
    const fp = planFingerprint(next);
    this.inFlight.add(plan.id);
    try {
      this.ctx.meta.put('schedule', plan.id, stage(before, nextMeta, fp, planFingerprint(plan)));
      await this.ctx.config.update((draft) => {
        const i = draft.plans.findIndex((p) => p.id === plan.id);
        if (i < 0) throw new NotFoundError('Backup schedule not found', 'backup', ref);
        // hooks as they are now: a notification edit may have landed since `plan` was read
        next.hooks = draft.plans[i]!.hooks;
        draft.plans[i] = next;
      });
    } catch (e) {
      if (before) this.ctx.meta.put('schedule', plan.id, before);
      throw e;
    } finally {
      this.inFlight.delete(plan.id);
    }
    this.ctx.meta.put('schedule', plan.id, { value: nextMeta, fp } satisfies Staged<ScheduleMeta>);
    return this.toDto(this.resolve(plan.id), false);
  }

  /** The plan goes first; its row is then an orphan that reconcile (here at once, or at the next start) removes. */
  async delete(ref: string): Promise<void> {
    const plan = this.resolve(ref);
    await this.ctx.config.update((draft) => {
      draft.plans = draft.plans.filter((p) => p.id !== plan.id);
    });
    this.ctx.meta.delete('schedule', plan.id);
  }

  run(ref: string): { taskId: string; status: 'started' } {
    const plan = this.resolve(ref);
    if (this.busy(plan.id, 'operationBackup'))
      throw new ConflictError('Backup is already running for this schedule');
    const h = this.ctx.engine.runBackup(plan.id);
    return { taskId: String(h.op?.id ?? ''), status: 'started' };
  }

  forget(ref: string): { taskId: string; status: 'started' } {
    const plan = this.resolve(ref);
    const m = this.metaOf(plan.id, plan);
    const r = fromRetention(plan.retention) ?? {};
    const within = m?.retentionPolicy?.keepWithinDuration;
    const flags: ForgetFlags = { ...r, ...(within ? { keepWithin: within } : {}) };
    delete (flags as Retention).keepLast;
    if (r.keepLast) flags.keepLast = r.keepLast;
    if (Object.keys(flags).length === 0)
      throw new FailedPreconditionError('No retention policy configured for this schedule');
    if (this.busy(plan.id, 'operationForget'))
      throw new ConflictError('Retention policy is already being applied');
    const h = this.ctx.engine.forget({ repoId: plan.repo, planId: plan.id, flags });
    return { taskId: String(h.op?.id ?? ''), status: 'started' };
  }

  mirrors(ref: string) {
    const plan = this.resolve(ref);
    const m = this.ensureMeta(plan);
    return (m.mirrors ?? []).map((mi) => ({
      scheduleId: m.id,
      ...mi,
      repository: (() => {
        try {
          return this.repos.get(mi.repositoryId);
        } catch {
          return null;
        }
      })(),
    }));
  }

  setMirrors(ref: string, mirrors: { repositoryId: string; enabled: boolean }[]) {
    const plan = this.resolve(ref);
    const m = this.ensureMeta(plan);
    const prev = new Map((m.mirrors ?? []).map((x) => [x.repositoryId, x]));
    const next: Mirror[] = mirrors.map((x, i) => {
      const repo = this.repos.resolve(x.repositoryId);
      if (repo.id === plan.repo)
        throw new ValidationError([
          { path: `mirrors[${i}].repositoryId`, message: 'the primary repository cannot be a mirror' },
        ]);
      const id = uuidOf('repo', repo.id);
      return {
        repositoryId: id,
        enabled: x.enabled,
        createdAt: prev.get(id)?.createdAt ?? this.ctx.now(),
        lastSyncTask: prev.get(id)?.lastSyncTask ?? null,
      };
    });
    const updatedAt = this.ctx.now();
    this.patchMeta(plan.id, (x) => ({ ...x, mirrors: next, updatedAt }));
    return this.mirrors(ref);
  }

  recordMirrorSync(planId: string, repositoryId: string, task: Mirror['lastSyncTask']): void {
    this.patchMeta(planId, (m) => ({
      ...m,
      mirrors: (m.mirrors ?? []).map((x) =>
        x.repositoryId === repositoryId ? { ...x, lastSyncTask: task } : x,
      ),
    }));
  }

  enabledMirrors(planId: string): Mirror[] {
    return (this.metaOf(planId)?.mirrors ?? []).filter((x) => x.enabled);
  }
}

/** A stored pattern as buildPlan placed it, or as it is when it no longer fits the volume. */
function intoVolumeOrSelf(p: string, root: string): string {
  try {
    return intoVolume(p, root, 'includePatterns');
  } catch {
    return p;
  }
}

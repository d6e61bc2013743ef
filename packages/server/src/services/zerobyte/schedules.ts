// Backup schedules = config plans (+ a sidecar row for Zerobyte-only fields); run, forget and mirrors.
import { create } from '@bufbuild/protobuf';
import { OperationStatus, PlanSchema, ScheduleSchema, Schedule_Clock, type Plan } from '@restora/proto';
import { ConflictError, FailedPreconditionError, NotFoundError, ValidationError } from '../../errors.js';
import type { ForgetFlags } from '../../tasks/restic-port.js';
import { cronProblem } from '../../config/validate-schedule.js';
import type { ZbContext } from './context.js';
import { shortIdOf, slugId, uuidOf } from './ids.js';
import type { RepositoryService } from './repositories.js';
import { fromRetention, toRetention, type Retention } from './retention.js';
import { isWarningOp, opToTask, outcomeOf, type TaskOutcome } from './task-dto.js';
import { backupWebhooksIssues, DEFAULT_WEBHOOK_SETTINGS, type BackupWebhooks } from './webhook-rules.js';

export type { Retention } from './retention.js';

export interface ScheduleInput {
  name: string;
  volumeId?: string | number | null;
  repositoryId: string;
  enabled: boolean;
  cronExpression: string;
  retentionPolicy?: Retention | null;
  excludePatterns?: string[] | null;
  excludeIfPresent?: string[] | null;
  includePaths?: string[] | null;
  includePatterns?: string[] | null;
  oneFileSystem?: boolean;
  customResticParams?: string[] | null;
  compressionMode?: 'auto' | 'max' | 'off' | null;
  backupWebhooks?: BackupWebhooks | null;
  maxRetries?: number;
  retryDelay?: number;
}

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
  ) {}

  private metaOf(planId: string): ScheduleMeta | undefined {
    return this.ctx.meta.get<ScheduleMeta>('schedule', planId);
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
  webhookTarget(planId: string): { name: string; webhooks: BackupWebhooks | null } {
    const m = this.metaOf(planId);
    return { name: m?.name ?? planId, webhooks: m?.backupWebhooks ?? null };
  }

  /** Sidecar row, created on first sight for plans made elsewhere (stable numeric id). */
  private ensureMeta(planId: string): ScheduleMeta {
    const m = this.metaOf(planId);
    if (m) return m;
    const now = this.ctx.now();
    const fresh: ScheduleMeta = { id: this.ctx.meta.nextId('schedule'), createdAt: now, updatedAt: now };
    this.ctx.meta.put('schedule', planId, fresh);
    return fresh;
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
        (/^\d+$/.test(ref) && this.metaOf(p.id)?.id === Number(ref)),
    );
    if (!plan) throw new NotFoundError('Backup schedule not found', 'backup', ref);
    return plan;
  }

  toDto(plan: Plan, embed: boolean) {
    const m = this.ensureMeta(plan.id);
    const repo = this.ctx.config.get().repos.find((r) => r.id === plan.repo);
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
      excludePatterns: plan.excludes,
      excludeIfPresent: m.excludeIfPresent ?? null,
      includePaths: m.includePaths ?? plan.paths,
      includePatterns: m.includePatterns ?? null,
      customResticParams: m.customResticParams ?? null,
      oneFileSystem: m.oneFileSystem ?? false,
      compressionMode: m.compressionMode ?? null,
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
      ...(embed ? { volume: null, repository: repo ? this.repos.toDto(repo) : null } : {}),
    };
  }

  list() {
    return this.ctx.config.get().plans.map((p) => this.toDto(p, true));
  }

  get(ref: string) {
    return this.toDto(this.resolve(ref), true);
  }

  private buildPlan(id: string, input: ScheduleInput, repoId: string): Plan {
    const hookIssues = backupWebhooksIssues(
      input.backupWebhooks,
      this.ctx.webhooks ?? DEFAULT_WEBHOOK_SETTINGS,
    );
    if (hookIssues.length) throw new ValidationError(hookIssues);
    const paths = [...(input.includePaths ?? []), ...(input.includePatterns ?? [])];
    if (paths.length === 0)
      throw new ValidationError([
        { path: 'includePaths', message: 'at least one path to back up is required' },
      ]);
    if (input.enabled && !input.cronExpression.trim())
      throw new ValidationError([
        { path: 'cronExpression', message: 'Enabled schedules require a cron expression' },
      ]);
    if (input.cronExpression.trim()) {
      const problem = cronProblem(input.cronExpression);
      if (problem) throw new ValidationError([{ path: 'cronExpression', message: problem }]);
    }
    for (const [i, p] of (input.customResticParams ?? []).entries())
      if (!p.startsWith('-'))
        throw new ValidationError([
          { path: `customResticParams[${i}]`, message: 'must be a flag starting with "-"' },
        ]);
    const flags = [
      ...(input.excludeIfPresent ?? []).map((f) => `--exclude-if-present ${JSON.stringify(f)}`),
      ...(input.oneFileSystem ? ['--one-file-system'] : []),
      ...(input.compressionMode ? [`--compression=${input.compressionMode}`] : []),
      ...(input.customResticParams ?? []),
    ];
    return create(PlanSchema, {
      id,
      repo: repoId,
      paths,
      excludes: input.excludePatterns ?? [],
      schedule: create(ScheduleSchema, {
        schedule: input.enabled
          ? { case: 'cron', value: input.cronExpression.trim() }
          : { case: 'disabled', value: true },
        clock: Schedule_Clock.LOCAL,
      }),
      retention: toRetention(input.retentionPolicy),
      backupFlags: flags,
    });
  }

  private assertNameFree(name: string, exceptPlanId?: string): void {
    for (const p of this.ctx.config.get().plans)
      if (p.id !== exceptPlanId && (this.metaOf(p.id)?.name ?? p.id).toLowerCase() === name.toLowerCase())
        throw new ConflictError(`A backup schedule named "${name}" already exists`);
  }

  async create(input: ScheduleInput) {
    this.assertNameFree(input.name);
    const repo = this.repos.resolve(input.repositoryId);
    const taken = new Set(this.ctx.config.get().plans.map((p) => p.id));
    const planId = slugId(input.name, (id) => taken.has(id));
    const plan = this.buildPlan(planId, input, repo.id);
    await this.ctx.config.update((draft) => {
      draft.plans.push(plan);
    });
    const now = this.ctx.now();
    this.ctx.meta.put('schedule', planId, {
      ...input,
      id: this.ctx.meta.nextId('schedule'),
      createdAt: now,
      updatedAt: now,
      mirrors: [],
    } satisfies ScheduleMeta);
    return this.toDto(this.resolve(planId), false);
  }

  /** Zerobyte's PATCH: repositoryId and cronExpression still required; other absent fields keep their value. */
  async update(ref: string, patch: Partial<ScheduleInput>) {
    const plan = this.resolve(ref);
    const m = this.ensureMeta(plan.id);
    const current = this.toDto(plan, false);
    if (patch.name !== undefined) this.assertNameFree(patch.name, plan.id);
    const merged: ScheduleInput = {
      name: current.name,
      repositoryId: current.repositoryId,
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
    const next = this.buildPlan(plan.id, merged, repo.id);
    next.hooks = plan.hooks;
    next.iexcludes = plan.iexcludes;
    await this.ctx.config.update((draft) => {
      const i = draft.plans.findIndex((p) => p.id === plan.id);
      if (i < 0) throw new NotFoundError('Backup schedule not found', 'backup', ref);
      draft.plans[i] = next;
    });
    this.ctx.meta.put('schedule', plan.id, { ...m, ...merged, updatedAt: this.ctx.now() });
    return this.toDto(this.resolve(plan.id), false);
  }

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
    const m = this.metaOf(plan.id);
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
    return (this.ensureMeta(plan.id).mirrors ?? []).map((mi) => ({
      scheduleId: this.ensureMeta(plan.id).id,
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
    const m = this.ensureMeta(plan.id);
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
    this.ctx.meta.put('schedule', plan.id, { ...m, mirrors: next, updatedAt: this.ctx.now() });
    return this.mirrors(ref);
  }

  recordMirrorSync(planId: string, repositoryId: string, task: Mirror['lastSyncTask']): void {
    const m = this.metaOf(planId);
    if (!m) return;
    const mirrors = (m.mirrors ?? []).map((x) =>
      x.repositoryId === repositoryId ? { ...x, lastSyncTask: task } : x,
    );
    this.ctx.meta.put('schedule', planId, { ...m, mirrors });
  }

  enabledMirrors(planId: string): Mirror[] {
    return (this.metaOf(planId)?.mirrors ?? []).filter((x) => x.enabled);
  }
}

// A Zerobyte schedule's config side: the plan it becomes, the fields read back from a plan, and the plan
// fingerprint and rename detection that key its sidecar row.
import { clone, create, toJsonString } from '@bufbuild/protobuf';
import { PlanSchema, ScheduleSchema, Schedule_Clock, type Config, type Plan } from '@restora/proto';
import { cronProblem } from '../../config/validate-schedule.js';
import { ValidationError } from '../../errors.js';
import { toRetention, type Retention } from './retention.js';
import { fingerprint } from './staged-rows.js';
import { intoVolume } from './volume-paths.js';
import {
  backupWebhooksIssues,
  DEFAULT_WEBHOOK_SETTINGS,
  type BackupWebhooks,
  type WebhookSettings,
} from './webhook-rules.js';

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

export function buildPlan(
  id: string,
  input: ScheduleInput,
  repoId: string,
  webhooks: WebhookSettings = DEFAULT_WEBHOOK_SETTINGS,
  /** The schedule's volume directory: includes and anchored excludes are relative to it; no includes = all of it. */
  volumeRoot?: string,
): Plan {
  const hookIssues = backupWebhooksIssues(input.backupWebhooks, webhooks);
  if (hookIssues.length) throw new ValidationError(hookIssues);
  const into = (list: string[] | null | undefined, field: string) =>
    (list ?? []).map((p, i) => (volumeRoot ? intoVolume(p, volumeRoot, `${field}[${i}]`) : p));
  let paths = [
    ...into(input.includePaths, 'includePaths'),
    ...into(input.includePatterns, 'includePatterns'),
  ];
  if (volumeRoot && paths.length === 0) paths = [volumeRoot];
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
    excludes: (input.excludePatterns ?? []).map((p, i) =>
      volumeRoot ? intoVolume(p, volumeRoot, `excludePatterns[${i}]`, false) : p,
    ),
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

/** A plan's fingerprint without its hooks (notification edits change those, not the schedule). */
export function planFingerprint(plan: Plan): string {
  const p = clone(PlanSchema, plan);
  p.hooks = [];
  return fingerprint(toJsonString(PlanSchema, p));
}

/** Plans a config change renamed: removed and added with nothing else changed (old id → new id). */
export function renamedPlans(next: Config, prev: Config): Map<string, string> {
  const before = new Set(prev.plans.map((p) => p.id));
  const after = new Set(next.plans.map((p) => p.id));
  const removed = prev.plans.filter((p) => !after.has(p.id));
  const out = new Map<string, string>();
  for (const added of next.plans.filter((p) => !before.has(p.id))) {
    const fp = planFingerprint(added);
    const from = removed.find((r) => !out.has(r.id) && planFingerprint({ ...r, id: added.id }) === fp);
    if (from) out.set(from.id, added.id);
  }
  return out;
}

/** The Zerobyte fields buildPlan turns into backup flags, read back from the plan's flags. */
export function flagsOf(backupFlags: readonly string[]) {
  const out = {
    excludeIfPresent: [] as string[],
    oneFileSystem: false,
    compression: null as ScheduleInput['compressionMode'],
    custom: [] as string[],
  };
  for (const f of backupFlags) {
    const eip = /^--exclude-if-present (".*")$/.exec(f);
    const comp = /^--compression=(auto|max|off)$/.exec(f);
    const quoted = eip ? jsonString(eip[1]!) : undefined;
    if (quoted !== undefined) out.excludeIfPresent.push(quoted);
    else if (f === '--one-file-system') out.oneFileSystem = true;
    else if (comp) out.compression = comp[1] as 'auto' | 'max' | 'off';
    else out.custom.push(f);
  }
  return out;
}

function jsonString(text: string): string | undefined {
  try {
    const v = JSON.parse(text) as unknown;
    return typeof v === 'string' ? v : undefined;
  } catch {
    return undefined; // not our quoting: a custom flag
  }
}

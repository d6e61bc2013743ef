import { Args, requireCount, requireDuration, requireNoDash, validateTags } from '../args.js';
import type { ResticContext } from '../context.js';
import { ResticError } from '../errors.js';
import type { CallOptions, GroupBy, SnapshotFilter, TagFilter } from '../options.js';
import { camelize, parseJsonDocument } from '../parse/json.js';
import type { ForgetGroup, ForgetResult } from '../types.js';

export interface ForgetOptions extends CallOptions, SnapshotFilter {
  /** Forget exactly these snapshots (no policy needed). */
  snapshotIds?: string[];
  keepLast?: number;
  keepHourly?: number;
  keepDaily?: number;
  keepWeekly?: number;
  keepMonthly?: number;
  keepYearly?: number;
  /** Durations like `1y5m7d2h`. */
  keepWithin?: string;
  keepWithinHourly?: string;
  keepWithinDaily?: string;
  keepWithinWeekly?: string;
  keepWithinMonthly?: string;
  keepWithinYearly?: string;
  /** `--keep-tag`: keep snapshots with these tags. */
  keepTags?: TagFilter;
  groupBy?: GroupBy;
  dryRun?: boolean;
  /** Run prune afterwards (`--prune`). */
  prune?: boolean;
  /** `--compact` output. */
  compact?: boolean;
}

const COUNTS = ['keepLast', 'keepHourly', 'keepDaily', 'keepWeekly', 'keepMonthly', 'keepYearly'] as const;
const WITHIN = [
  'keepWithin',
  'keepWithinHourly',
  'keepWithinDaily',
  'keepWithinWeekly',
  'keepWithinMonthly',
  'keepWithinYearly',
] as const;
const flagName = (k: string): string => '--' + k.replace(/[A-Z]/g, (c) => '-' + c.toLowerCase());

export function forgetArgs(o: ForgetOptions): string[] {
  for (const k of COUNTS) requireCount(k, o[k]);
  for (const k of WITHIN) requireDuration(k, o[k]);
  validateTags('forget tags', o.tags);
  validateTags('forget keepTags', o.keepTags);
  for (const id of o.snapshotIds ?? []) requireNoDash('snapshot id', id);
  const hasPolicy =
    COUNTS.some((k) => o[k] !== undefined) || WITHIN.some((k) => o[k] !== undefined) || !!o.keepTags?.length;
  if (!hasPolicy && !o.snapshotIds?.length) {
    throw new ResticError({
      code: 'invalid-argument',
      message: 'forget needs a keep policy (keepLast, keepDaily, keepWithin, keepTags, ...) or snapshotIds',
    });
  }
  const a = new Args('forget', '--json');
  for (const k of COUNTS) a.value(flagName(k), o[k]);
  for (const k of WITHIN) a.value(flagName(k), o[k]);
  return a
    .tags(o.keepTags, '--keep-tag')
    .filter(o)
    .groupBy(o.groupBy)
    .flag('--dry-run', o.dryRun)
    .flag('--prune', o.prune)
    .flag('--compact', o.compact)
    .positional(o.snapshotIds ?? []).list;
}

export async function forget(ctx: ResticContext, o: ForgetOptions): Promise<ForgetResult> {
  const { stdout } = await ctx.exec(forgetArgs(o), o).catch((e: unknown) => {
    // restic >= 0.19 exits 3 when some snapshots could not be removed: a failure, not a partial backup.
    if (e instanceof ResticError && e.exitCode === 3) {
      throw new ResticError({
        code: 'failed',
        message: `forget could not remove some snapshots: ${e.message}`,
        exitCode: 3,
        command: e.command,
        stderrTail: e.stderrTail,
      });
    }
    throw e;
  });
  const doc = parseJsonDocument(stdout);
  const groups = camelize<ForgetGroup[]>(Array.isArray(doc) ? doc : []).map((g) => ({
    ...g,
    keep: g.keep ?? [],
    remove: g.remove ?? [],
    reasons: g.reasons ?? [],
  }));
  const removed = groups.flatMap((g) => g.remove.map((s) => s.id));
  const result: ForgetResult = {
    groups,
    removed: groups.length === 0 && o.snapshotIds ? [...o.snapshotIds] : removed,
    kept: groups.flatMap((g) => g.keep.map((s) => s.id)),
  };
  if (o.prune) {
    // 0.14 prints the JSON on the first line, then prune's text report.
    const nl = stdout.indexOf('\n');
    result.pruneOutput = doc === undefined ? stdout : nl >= 0 ? stdout.slice(nl + 1) : '';
  }
  return result;
}

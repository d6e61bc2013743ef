import { Args, requireNoDash, validateTags } from '../args.js';
import type { ResticContext } from '../context.js';
import { ResticError } from '../errors.js';
import type { CallOptions, SnapshotFilter } from '../options.js';
import { isObject, parseJsonLine } from '../parse/json.js';
import type { TagResult } from '../types.js';

export interface TagOptions extends CallOptions, SnapshotFilter {
  /** Snapshots to modify (default: all matching the filter). */
  snapshotIds?: string[];
  set?: string[];
  add?: string[];
  remove?: string[];
}

export async function tag(ctx: ResticContext, o: TagOptions): Promise<TagResult> {
  if (o.set === undefined && !o.add?.length && !o.remove?.length) {
    throw new ResticError({ code: 'invalid-argument', message: 'tag needs set, add or remove' });
  }
  if (o.set && (o.add?.length || o.remove?.length)) {
    throw new ResticError({
      code: 'invalid-argument',
      message: 'tag: set cannot be combined with add/remove',
    });
  }
  for (const [n, v] of [
    ['set', o.set],
    ['add', o.add],
    ['remove', o.remove],
  ] as const)
    validateTags(`tag ${n}`, v);
  validateTags('tag filter', o.tags);
  for (const id of o.snapshotIds ?? []) requireNoDash('snapshot id', id);
  const a = new Args('tag', '--json');
  if (o.set) a.value('--set', o.set.join(','));
  a.values('--add', o.add)
    .values('--remove', o.remove)
    .filter(o)
    .positional(o.snapshotIds ?? []);
  const { stdout } = await ctx.exec(a.list, o);
  for (const line of stdout.split('\n')) {
    const j = parseJsonLine(line);
    if (isObject(j) && j.message_type === 'summary' && typeof j.changed_snapshots === 'number') {
      return { changedSnapshots: j.changed_snapshots };
    }
  }
  const m = /modified tags on (\d+) snapshots?/.exec(stdout);
  return { changedSnapshots: m ? Number(m[1]) : 0 };
}

export interface RewriteOptions extends CallOptions, SnapshotFilter {
  snapshotIds?: string[];
  exclude?: string[];
  excludeFiles?: string[];
  /** Remove the original snapshots (`--forget`). */
  forget?: boolean;
  dryRun?: boolean;
}

/** `restic rewrite` (restic >= 0.15). */
export async function rewrite(ctx: ResticContext, o: RewriteOptions): Promise<{ output: string }> {
  if (!o.exclude?.length && !o.excludeFiles?.length) {
    throw new ResticError({ code: 'invalid-argument', message: 'rewrite needs exclude or excludeFiles' });
  }
  validateTags('rewrite tags', o.tags);
  for (const id of o.snapshotIds ?? []) requireNoDash('snapshot id', id);
  await ctx.requireFeature('rewrite', 'rewrite');
  const args = new Args('rewrite')
    .values('--exclude', o.exclude)
    .values('--exclude-file', o.excludeFiles)
    .flag('--forget', o.forget)
    .flag('--dry-run', o.dryRun)
    .filter(o)
    .positional(o.snapshotIds ?? []).list;
  return { output: (await ctx.exec(args, o)).stdout };
}

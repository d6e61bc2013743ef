import { Args, requireNoDash, validateTags } from '../args.js';
import type { ResticContext } from '../context.js';
import { ResticError } from '../errors.js';
import type { CallOptions, SnapshotFilter } from '../options.js';
import { camelize, parseJsonDocument } from '../parse/json.js';
import type { FindResult } from '../types.js';

export interface FindOptions extends CallOptions, SnapshotFilter {
  /** Only these snapshots. */
  snapshotIds?: string[];
  /** `--ignore-case`. */
  ignoreCase?: boolean;
  /** `--newest` / `--oldest` time bounds (`2006-01-02 15:04:05`). */
  newest?: string;
  oldest?: string;
}

/** Finds files by glob pattern(s); one result per snapshot with hits. */
export async function find(
  ctx: ResticContext,
  pattern: string | string[],
  o: FindOptions,
): Promise<FindResult[]> {
  const patterns = Array.isArray(pattern) ? pattern : [pattern];
  if (patterns.length === 0 || patterns.some((p) => typeof p !== 'string' || p === '')) {
    throw new ResticError({ code: 'invalid-argument', message: 'find needs at least one non-empty pattern' });
  }
  validateTags('find tags', o.tags);
  const snaps = o.snapshotIds ?? [];
  for (const id of snaps) requireNoDash('snapshot id', id);
  const args = new Args('find', '--json')
    .flag('--ignore-case', o.ignoreCase)
    .value('--newest', o.newest)
    .value('--oldest', o.oldest)
    .values('--snapshot', snaps)
    .filter(o)
    .positional(patterns).list;
  const doc = parseJsonDocument((await ctx.exec(args, o)).stdout);
  return camelize<FindResult[]>(Array.isArray(doc) ? doc : []);
}

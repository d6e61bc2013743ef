import { Args, requireNoDash, validateTags } from '../args.js';
import type { ResticContext } from '../context.js';
import { ResticError } from '../errors.js';
import type { CallOptions, SnapshotFilter } from '../options.js';
import { camelize, isObject, parseJsonDocument } from '../parse/json.js';
import type { StatsResult } from '../types.js';

export type StatsMode = 'restore-size' | 'files-by-contents' | 'blobs-per-file' | 'raw-data';
const MODES: StatsMode[] = ['restore-size', 'files-by-contents', 'blobs-per-file', 'raw-data'];

export interface StatsOptions extends CallOptions, SnapshotFilter {
  mode?: StatsMode;
  /** Only these snapshots (default: all). */
  snapshotIds?: string[];
}

export async function stats(ctx: ResticContext, o: StatsOptions): Promise<StatsResult> {
  if (o.mode !== undefined && !MODES.includes(o.mode)) {
    throw new ResticError({
      code: 'invalid-argument',
      message: `stats mode must be one of ${MODES.join(', ')}`,
    });
  }
  validateTags('stats tags', o.tags);
  for (const id of o.snapshotIds ?? []) requireNoDash('snapshot id', id);
  const args = new Args('stats', '--json')
    .value('--mode', o.mode)
    .filter(o)
    .positional(o.snapshotIds ?? []).list;
  const doc = parseJsonDocument((await ctx.exec(args, o)).stdout);
  if (!isObject(doc)) throw new ResticError({ code: 'failed', message: 'restic stats printed no JSON' });
  const s = camelize<StatsResult>(doc);
  s.totalSize ??= 0;
  return s;
}

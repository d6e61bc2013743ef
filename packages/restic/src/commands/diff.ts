import { Args, requireNoDash, requireString } from '../args.js';
import type { ResticContext } from '../context.js';
import type { CallOptions } from '../options.js';
import { camelize, isObject, parseJsonLine } from '../parse/json.js';
import type { DiffChange, DiffResult } from '../types.js';
import { resolveSnapshotId } from './snapshots.js';

export interface DiffOptions extends CallOptions {
  /** `--metadata`: also report metadata-only changes (`U`). */
  metadata?: boolean;
}

/** Differences between two snapshots (ids, prefixes or `latest`, which 0.14's diff cannot resolve itself). */
export async function diff(
  ctx: ResticContext,
  from: string,
  to: string,
  o: DiffOptions,
): Promise<DiffResult> {
  requireString('diff from', from);
  requireString('diff to', to);
  requireNoDash('snapshot id', from);
  requireNoDash('snapshot id', to);
  const a = from === 'latest' ? await resolveSnapshotId(ctx, from, o) : from;
  const b = to === 'latest' ? await resolveSnapshotId(ctx, to, o) : to;
  const args = new Args('diff', '--json').flag('--metadata', o.metadata).positional([a, b]).list;
  const changes: DiffChange[] = [];
  let stats: Record<string, unknown> = {};
  for await (const line of ctx.lines(args, o)) {
    const j = parseJsonLine(line);
    if (!isObject(j)) continue;
    if (j.message_type === 'change') changes.push({ path: String(j.path), modifier: String(j.modifier) });
    else if (j.message_type === 'statistics') stats = camelize(j);
  }
  return {
    changes,
    sourceSnapshot: typeof stats.sourceSnapshot === 'string' ? stats.sourceSnapshot : a,
    targetSnapshot: typeof stats.targetSnapshot === 'string' ? stats.targetSnapshot : b,
    changedFiles: typeof stats.changedFiles === 'number' ? stats.changedFiles : 0,
    added: isObject(stats.added) ? stats.added : {},
    removed: isObject(stats.removed) ? stats.removed : {},
  };
}

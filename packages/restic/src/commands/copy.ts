import { Args, requireNoDash, validateTags } from '../args.js';
import type { ResticContext } from '../context.js';
import type { CallOptions, SnapshotFilter } from '../options.js';
import type { CopiedSnapshot, CopyResult } from '../types.js';
import { fromRepoEnv, type FromRepository } from './from-repo.js';

export interface CopyOptions extends CallOptions, SnapshotFilter {
  /** Source repository; the instance's repository is the destination. */
  from: FromRepository;
  /** Only these snapshots (default: all matching the filter). */
  snapshotIds?: string[];
}

/** Parses `snapshot <src> of [...]` / `snapshot <dst> saved` pairs. */
export function parseCopyOutput(stdout: string): CopiedSnapshot[] {
  const copied: CopiedSnapshot[] = [];
  let source: string | undefined;
  for (const line of stdout.split('\n')) {
    const from = /^snapshot ([0-9a-f]+) of /.exec(line);
    if (from) source = from[1];
    const saved = /^snapshot ([0-9a-f]+) saved/.exec(line);
    if (saved && source) {
      copied.push({ source, target: saved[1] ?? '' });
      source = undefined;
    }
  }
  return copied;
}

export async function copy(ctx: ResticContext, o: CopyOptions): Promise<CopyResult> {
  validateTags('copy tags', o.tags);
  for (const id of o.snapshotIds ?? []) requireNoDash('snapshot id', id);
  const env = { ...o.env, ...fromRepoEnv(o.from) };
  const args = new Args('copy').filter(o).positional(o.snapshotIds ?? []).list;
  const { stdout } = await ctx.exec(args, { ...o, env });
  return { copied: parseCopyOutput(stdout), output: stdout };
}

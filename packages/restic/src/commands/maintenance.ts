import { Args } from '../args.js';
import type { ResticContext } from '../context.js';
import { ResticError } from '../errors.js';
import type { CallOptions } from '../options.js';

export interface PruneOptions extends CallOptions {
  dryRun?: boolean;
  /** `--max-unused` such as `5%`, `10G` or `unlimited`. */
  maxUnused?: string;
  /** `--max-repack-size` such as `1G`. */
  maxRepackSize?: string;
  repackCacheableOnly?: boolean;
  repackSmall?: boolean;
  repackUncompressed?: boolean;
}

export interface PruneResult {
  /** Text report restic printed. */
  output: string;
}

export async function prune(ctx: ResticContext, o: PruneOptions): Promise<PruneResult> {
  if (o.maxUnused !== undefined && !/^(unlimited|\d+(\.\d+)?[%KMGT]?)$/.test(o.maxUnused)) {
    throw new ResticError({ code: 'invalid-argument', message: `invalid maxUnused: ${o.maxUnused}` });
  }
  const args = new Args('prune')
    .flag('--dry-run', o.dryRun)
    .value('--max-unused', o.maxUnused)
    .value('--max-repack-size', o.maxRepackSize)
    .flag('--repack-cacheable-only', o.repackCacheableOnly)
    .flag('--repack-small', o.repackSmall)
    .flag('--repack-uncompressed', o.repackUncompressed).list;
  return { output: (await ctx.exec(args, o)).stdout };
}

export interface UnlockOptions extends CallOptions {
  /** `--remove-all`: also remove locks that are not stale (only when nothing else uses the repository). */
  removeAll?: boolean;
}

export async function unlock(ctx: ResticContext, o: UnlockOptions): Promise<void> {
  await ctx.exec(new Args('unlock').flag('--remove-all', o.removeAll).list, o);
}

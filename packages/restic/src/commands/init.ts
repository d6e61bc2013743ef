import { Args } from '../args.js';
import type { ResticContext } from '../context.js';
import { ResticError } from '../errors.js';
import type { CallOptions } from '../options.js';
import { isObject, parseJsonDocument, parseJsonLine } from '../parse/json.js';
import { fromRepoEnv, type FromRepository } from './from-repo.js';

export interface InitOptions extends CallOptions {
  /** `--repository-version`. */
  repositoryVersion?: 1 | 2 | 'latest' | 'stable';
  /** `--copy-chunker-params` from `from` (needed for deduplication across repositories). */
  copyChunkerParams?: boolean;
  /** Secondary repository for copyChunkerParams. */
  from?: FromRepository;
}

/** Creates the repository and returns its full 64-hex id. */
export async function init(ctx: ResticContext, o: InitOptions): Promise<string> {
  if (o.copyChunkerParams && !o.from) {
    throw new ResticError({
      code: 'invalid-argument',
      message: 'copyChunkerParams needs `from` (the source repository)',
    });
  }
  const args = new Args('init', '--json')
    .value('--repository-version', o.repositoryVersion)
    .flag('--copy-chunker-params', o.copyChunkerParams).list;
  const env = { ...o.env, ...(o.from ? fromRepoEnv(o.from) : {}) };
  const { stdout } = await ctx.exec(args, { ...o, env });
  for (const line of stdout.split('\n')) {
    const j = parseJsonLine(line);
    if (isObject(j) && j.message_type === 'initialized' && typeof j.id === 'string') return j.id;
  }
  // restic 0.14: "created restic repository b04bcc0a02 at /srv/repo" carries only a short id.
  const m = /created restic repository ([0-9a-f]+) at /.exec(stdout);
  if (!m)
    throw new ResticError({
      code: 'failed',
      message: `unexpected restic init output: ${stdout.slice(0, 200)}`,
    });
  const config = parseJsonDocument((await ctx.exec(['cat', 'config'], o)).stdout);
  return isObject(config) && typeof config.id === 'string' ? config.id : (m[1] ?? '');
}

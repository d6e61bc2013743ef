import type { ResticContext } from '../context.js';
import { ResticError } from '../errors.js';
import type { CallOptions } from '../options.js';

export type ListType = 'blobs' | 'packs' | 'index' | 'snapshots' | 'keys' | 'locks';
const TYPES: ListType[] = ['blobs', 'packs', 'index', 'snapshots', 'keys', 'locks'];

export interface ListedBlob {
  type: 'data' | 'tree';
  id: string;
}

export interface ListOptions extends CallOptions {
  /** `--no-lock` (e.g. to list locks without adding one). */
  noLock?: boolean;
}

/** `restic list <type>`: ids, one per line (`blobs` gives type + id). */
export async function list(
  ctx: ResticContext,
  type: ListType,
  o: ListOptions,
): Promise<string[] | ListedBlob[]> {
  if (!TYPES.includes(type)) {
    throw new ResticError({
      code: 'invalid-argument',
      message: `list type must be one of ${TYPES.join(', ')}`,
    });
  }
  const args = [...(o.noLock ? ['--no-lock'] : []), 'list', type];
  const lines = (await ctx.exec(args, o)).stdout
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => /^(data |tree )?[0-9a-f]{8,64}$/.test(l));
  if (type !== 'blobs') return lines;
  return lines.map((l): ListedBlob => {
    const [t, id] = l.split(' ');
    return { type: t === 'tree' ? 'tree' : 'data', id: id ?? '' };
  });
}

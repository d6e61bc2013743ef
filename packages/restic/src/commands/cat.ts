import { requireNoDash, requireString } from '../args.js';
import type { ResticContext } from '../context.js';
import { ResticError } from '../errors.js';
import type { CallOptions } from '../options.js';
import { parseJsonDocument } from '../parse/json.js';

export interface CatLockOptions extends CallOptions {
  /** `false` → `--no-lock` (read a lock without creating one). Default true. */
  lock?: boolean;
}

async function catJson<T>(
  ctx: ResticContext,
  type: string,
  id: string | undefined,
  o: CallOptions,
  extra: string[] = [],
): Promise<T> {
  if (id !== undefined) {
    requireString(`cat ${type} id`, id);
    requireNoDash(`cat ${type} id`, id);
  }
  const args = [...extra, 'cat', type, ...(id === undefined ? [] : ['--', id])];
  const { stdout } = await ctx.exec(args, o);
  const doc = parseJsonDocument(stdout);
  if (doc === undefined)
    throw new ResticError({ code: 'failed', message: `restic cat ${type} printed no JSON` });
  return doc as T;
}

async function catRaw(ctx: ResticContext, type: string, id: string, o: CallOptions): Promise<Buffer> {
  requireString(`cat ${type} id`, id);
  requireNoDash(`cat ${type} id`, id);
  return (await ctx.execBuffer(['cat', type, '--', id], o)).stdout;
}

/**
 * `restic cat`: repository objects as restic stores them. JSON objects keep restic's own field names
 * (they are repository-format documents); pack and blob contents are raw bytes.
 */
export function catCommands(ctx: ResticContext) {
  return {
    config: (o: CallOptions = {}) =>
      catJson<{ version: number; id: string; chunker_polynomial: string }>(ctx, 'config', undefined, o),
    masterkey: (o: CallOptions = {}) =>
      catJson<{ mac: { k: string; r: string }; encrypt: string }>(ctx, 'masterkey', undefined, o),
    key: (id: string, o: CallOptions = {}) => catJson<Record<string, unknown>>(ctx, 'key', id, o),
    snapshot: (id: string, o: CallOptions = {}) => catJson<Record<string, unknown>>(ctx, 'snapshot', id, o),
    index: (id: string, o: CallOptions = {}) => catJson<Record<string, unknown>>(ctx, 'index', id, o),
    lock: (id: string, o: CatLockOptions = {}) =>
      catJson<Record<string, unknown>>(ctx, 'lock', id, o, o.lock === false ? ['--no-lock'] : []),
    blob: (id: string, o: CallOptions = {}) => catRaw(ctx, 'blob', id, o),
    pack: (id: string, o: CallOptions = {}) => catRaw(ctx, 'pack', id, o),
  };
}

export type CatCommands = ReturnType<typeof catCommands>;

import { Args, requireNoDash, validateTags } from '../args.js';
import type { ResticContext } from '../context.js';
import { ResticError } from '../errors.js';
import type { CallOptions, GroupBy, SnapshotFilter } from '../options.js';
import { camelize, parseJsonDocument } from '../parse/json.js';
import { findLocalSnapshotId, localRepositoryPath } from '../parse/repository.js';
import type { Snapshot, SnapshotGroup } from '../types.js';

export interface SnapshotsOptions extends CallOptions, SnapshotFilter {
  /** Only these snapshot ids (full or short; `latest` allowed). */
  snapshotIds?: string[];
  /** `--latest n`: the n newest per group. */
  latest?: number;
  /** `--group-by`: returns groups instead of a flat list. */
  groupBy?: GroupBy;
  /** `--no-lock`: read without creating a lock. */
  noLock?: boolean;
}

export function snapshotArgs(o: SnapshotsOptions): string[] {
  validateTags('snapshots tags', o.tags);
  for (const id of o.snapshotIds ?? []) requireNoDash('snapshot id', id);
  if (o.latest !== undefined && (!Number.isInteger(o.latest) || o.latest < 1)) {
    throw new ResticError({ code: 'invalid-argument', message: 'latest must be a positive integer' });
  }
  return new Args(...(o.noLock ? ['--no-lock'] : []), 'snapshots', '--json')
    .filter(o)
    .value('--latest', o.latest)
    .groupBy(o.groupBy)
    .positional(o.snapshotIds ?? []).list;
}

export async function snapshots(
  ctx: ResticContext,
  o: SnapshotsOptions,
): Promise<Snapshot[] | SnapshotGroup[]> {
  const { stdout } = await ctx.exec(snapshotArgs(o), o);
  const doc = parseJsonDocument(stdout);
  return camelize<Snapshot[] | SnapshotGroup[]>(Array.isArray(doc) ? doc : []);
}

/** Full id of a snapshot given a prefix or `latest`; `not found` is an invalid-argument error. */
export async function resolveSnapshotId(
  ctx: ResticContext,
  id: string,
  call: CallOptions = {},
): Promise<string> {
  if (/^[0-9a-f]{64}$/.test(id)) return id;
  const repo = ctx.options.repository;
  const local = repo && /^[0-9a-f]{4,63}$/.test(id) ? localRepositoryPath(repo, ctx.options.cwd) : undefined;
  const fast = local ? await findLocalSnapshotId(local, id) : undefined;
  if (fast) return fast;
  const list = (await snapshots(ctx, { ...pick(call), snapshotIds: [id], noLock: true })) as Snapshot[];
  const hit = list.find((s) => s.id.startsWith(id)) ?? (id === 'latest' ? list.at(-1) : undefined);
  if (!hit) throw new ResticError({ code: 'invalid-argument', message: `no snapshot matches ${id}` });
  return hit.id;
}

function pick(c: CallOptions): CallOptions {
  return { ...(c.signal ? { signal: c.signal } : {}), ...(c.env ? { env: c.env } : {}) };
}

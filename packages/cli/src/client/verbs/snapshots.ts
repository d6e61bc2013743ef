// snapshots, ls and restore: browsing a repository's snapshots and restoring from one.
import { LsEntrySchema, ResticSnapshotSchema, type ResticSnapshot } from '@restora/proto';
import { CliError, EXIT } from '../exit-codes.js';
import { bytes, table, when } from '../format.js';
import { exitFor, msgJson, opJson, outcome, print, printJson } from '../output.js';
import { progressView } from '../progress.js';
import { detachOnInterrupt, trackId } from '../track.js';
import { findPlan, findRepo, type Ctx } from './context.js';

export interface Where {
  plan?: string;
  repo?: string;
}

interface Found {
  repoId: string;
  snapshot: ResticSnapshot;
}

/** The repos to look in: --repo, else --plan's repo, else all. */
async function reposFor(ctx: Ctx, w: Where): Promise<string[]> {
  if (w.repo) return [(await findRepo(ctx, w.repo)).id];
  if (w.plan) return [(await findPlan(ctx, w.plan)).repo];
  return (await ctx.config()).repos.map((r) => r.id);
}

async function list(ctx: Ctx, w: Where): Promise<Found[]> {
  const out: Found[] = [];
  for (const repoId of await reposFor(ctx, w)) {
    const { snapshots } = await ctx.c.backrest.listSnapshots({ repoId, planId: w.plan ?? '' });
    for (const snapshot of snapshots) out.push({ repoId, snapshot });
  }
  return out;
}

/** A snapshot by id or unique id prefix (or `latest`), in the repos `w` selects. */
async function resolveSnapshot(ctx: Ctx, ref: string, w: Where): Promise<Found> {
  const all = await list(ctx, w);
  if (ref === 'latest') {
    const newest = all.reduce<Found | undefined>(
      (m, f) => (!m || f.snapshot.unixTimeMs > m.snapshot.unixTimeMs ? f : m),
      undefined,
    );
    if (newest) return newest;
  }
  const hits = all.filter((f) => f.snapshot.id.startsWith(ref));
  if (hits.length === 1 && hits[0]) return hits[0];
  if (hits.length > 1)
    throw new CliError(
      `snapshot "${ref}" is ambiguous: ${hits.map((h) => `${h.snapshot.id.slice(0, 8)} in ${h.repoId}`).join(', ')}`,
      EXIT.usage,
    );
  throw new CliError(
    `no snapshot "${ref}"${w.repo ? ` in repo ${w.repo}` : w.plan ? ` of plan ${w.plan}` : ''}`,
    EXIT.notFound,
  );
}

const planOf = (s: ResticSnapshot) => s.tags.find((t) => t.startsWith('plan:'))?.slice(5) ?? '';

export async function snapshots(ctx: Ctx, w: Where): Promise<number> {
  const found = await list(ctx, w);
  if (ctx.json) {
    printJson(
      found.map((f) => ({ repo: f.repoId, ...(msgJson(ResticSnapshotSchema, f.snapshot) as object) })),
    );
    return 0;
  }
  if (found.length === 0) print('no snapshots');
  else
    print(
      table([
        ['ID', 'TIME', 'REPO', 'PLAN', 'HOST', 'PATHS'],
        ...found.map(({ repoId, snapshot: s }) => [
          s.id.slice(0, 8),
          when(s.unixTimeMs),
          repoId,
          planOf(s),
          s.hostname,
          s.paths.join(', '),
        ]),
      ]),
    );
  return 0;
}

export async function ls(ctx: Ctx, ref: string, path: string | undefined, w: Where): Promise<number> {
  const { repoId, snapshot } = await resolveSnapshot(ctx, ref, w);
  const res = await ctx.c.backrest.listSnapshotFiles({ repoId, snapshotId: snapshot.id, path: path ?? '/' });
  if (ctx.json) {
    printJson(res.entries.map((e) => msgJson(LsEntrySchema, e)));
    return 0;
  }
  // restic's ls lists the folder itself first; people want its content
  const dir = (path ?? '/').replace(/\/+$/, '') || '/';
  const rows = res.entries
    .filter((e) => e.path !== dir)
    .map((e) => [
      e.type === 'dir' ? 'd' : e.type === 'symlink' ? 'l' : '-',
      e.type === 'dir' ? '' : bytes(e.size),
      e.mtime.slice(0, 19).replace('T', ' '),
      e.path,
    ]);
  print(rows.length ? table(rows) : `(empty: ${dir})`);
  return 0;
}

export interface RestoreFlags extends Where {
  target: string;
  wait: boolean;
}

export async function restore(
  ctx: Ctx,
  ref: string,
  path: string | undefined,
  f: RestoreFlags,
): Promise<number> {
  const { repoId, snapshot } = await resolveSnapshot(ctx, ref, f);
  const { operationId } = await ctx.c.backrest.restore({
    repoId,
    planId: f.plan ?? planOf(snapshot),
    snapshotId: snapshot.id,
    path: path ?? '/',
    target: f.target,
  });
  if (!f.wait) {
    if (ctx.json) printJson({ operationId: operationId.toString() });
    else print(`restore of ${snapshot.id.slice(0, 8)} started: operation #${operationId}`);
    return 0;
  }
  const view = await progressView(`restore ${snapshot.id.slice(0, 8)}`, ctx.json);
  const undo = detachOnInterrupt(
    () => operationId,
    () => view.stop(),
  );
  try {
    const op = await trackId(ctx.c, operationId, (op) => view.update(op));
    view.stop();
    if (ctx.json) printJson(opJson(op));
    else print(`restore of ${snapshot.id.slice(0, 8)}: ${outcome(op)} (operation #${op.id})`);
    return exitFor(op);
  } finally {
    undo();
    view.stop();
  }
}

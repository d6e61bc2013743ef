// forget, prune, check, stats, unlock <repo>: one maintenance task on a repository, followed to its end.
import { DoRepoTaskRequest_Task } from '@restora/proto';
import { bytes } from '../format.js';
import { exitFor, opJson, outcome, print, printJson } from '../output.js';
import { detachOnInterrupt, trackId } from '../track.js';
import { findRepo, type Ctx } from './context.js';

const REPO_TASKS = {
  forget: DoRepoTaskRequest_Task.FORGET,
  prune: DoRepoTaskRequest_Task.PRUNE,
  check: DoRepoTaskRequest_Task.CHECK,
  stats: DoRepoTaskRequest_Task.STATS,
  unlock: DoRepoTaskRequest_Task.UNLOCK,
} as const;

export type RepoTaskName = keyof typeof REPO_TASKS;

export async function repoTask(
  ctx: Ctx,
  name: RepoTaskName,
  repoId: string,
  f: { wait: boolean },
): Promise<number> {
  await findRepo(ctx, repoId);
  const { operationId } = await ctx.c.backrest.doRepoTask({ repoId, task: REPO_TASKS[name] });
  if (operationId === 0n || !f.wait) {
    if (ctx.json) printJson({ operationId: operationId.toString(), repoId, task: name });
    else
      print(
        operationId
          ? `${name} of repo ${repoId} started: operation #${operationId}`
          : `${name} of repo ${repoId} done`,
      );
    return 0;
  }
  const undo = detachOnInterrupt(
    () => operationId,
    () => {},
  );
  const op = await trackId(ctx.c, operationId).finally(undo);
  if (ctx.json) {
    printJson(opJson(op));
    return exitFor(op);
  }
  print(`${name} of repo ${repoId}: ${outcome(op)} (operation #${op.id})`);
  const o = op.op;
  if (o.case === 'operationStats' && o.value.stats) {
    const s = o.value.stats;
    print(
      `  ${s.snapshotCount} snapshots, ${bytes(s.totalSize)} stored (${bytes(s.totalUncompressedSize)} uncompressed), ${s.totalBlobCount} blobs`,
    );
  }
  if (o.case === 'operationForget') print(`  ${o.value.forget.length} snapshots forgotten`);
  return exitFor(op);
}

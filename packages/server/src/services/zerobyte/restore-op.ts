// A REST restore recorded in the oplog as the Backrest OperationRestore the engine's restore task writes.
import { OperationStatus, type Operation, type Repo } from '@restora/proto';
import { cancelReasonOf } from '../../scheduler/scheduler.js';
import { errorMessage } from '../../tasks/convert.js';
import { restoreOperation, setRestoreProgress, type RestoreProgress } from '../../tasks/restore.js';
import type { ZbContext } from './context.js';
import type { JobRuntime } from './tasks.js';

const PROGRESS_INTERVAL_MS = 1000;

export interface RestoreOpArgs {
  repo: Repo;
  snapshotId: string;
  /** Path inside the snapshot ('/' for all of it). */
  path: string;
  target: string;
}

/** Runs `work` with the op INPROGRESS, then ends it SUCCESS, ERROR (message) or cancelled; rethrows failures. */
export async function recordRestore<T>(
  ctx: ZbContext,
  rt: JobRuntime,
  a: RestoreOpArgs,
  work: (progress: (p: RestoreProgress) => void) => Promise<T>,
): Promise<T> {
  // the snapshot's backup flow (its index op's when the backup op is gone), so Backrest groups the restore there
  const known = ctx.oplog.query({
    repoId: a.repo.id,
    snapshotId: a.snapshotId,
    kinds: ['operationBackup', 'operationIndexSnapshot'],
  });
  const origin = known.find((o) => o.op.case === 'operationBackup') ?? known[0];
  const draft = restoreOperation({ planId: origin?.planId ?? '', ...a });
  Object.assign(draft, {
    repoId: a.repo.id,
    repoGuid: a.repo.guid,
    instanceId: ctx.config.get().instance,
    status: OperationStatus.STATUS_INPROGRESS,
    unixTimeStartMs: BigInt(ctx.now()),
    flowId: origin?.flowId ?? 0n,
  } satisfies Partial<Operation>);
  let op = rt.record(draft);
  const write = () => {
    // history cleared while restoring: the restore itself goes on
    if (ctx.oplog.hasId(op.id)) [op] = ctx.oplog.update(op) as [Operation];
  };
  let lastWrite = -Infinity;
  const finish = (status: OperationStatus, message = '') => {
    op.status = status;
    op.displayMessage = message;
    op.unixTimeEndMs = BigInt(ctx.now());
    write();
  };
  try {
    const result = await work((p) => {
      setRestoreProgress(op, p);
      // the first status and the summary are stored at once, the rest at most once per second
      if (!p.summary && ctx.now() - lastWrite < PROGRESS_INTERVAL_MS) return;
      lastWrite = ctx.now();
      write();
    });
    finish(OperationStatus.STATUS_SUCCESS);
    return result;
  } catch (err) {
    const reason = cancelReasonOf(rt.signal);
    if (reason === 'user')
      finish(OperationStatus.STATUS_USER_CANCELLED, 'task was cancelled by user request');
    else if (reason) finish(OperationStatus.STATUS_SYSTEM_CANCELLED, 'task was interrupted by shutdown');
    else finish(OperationStatus.STATUS_ERROR, errorMessage(err));
    throw err;
  }
}

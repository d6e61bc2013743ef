import { create } from '@bufbuild/protobuf';
import { OperationRestoreSchema, OperationSchema, RestoreProgressEntrySchema } from '@restora/proto';
import type { Operation, OperationRestore } from '@restora/proto';
import { restoreTarget, snapshotPath } from './snapshot-path.js';
import type { RestoreArgs } from './restic-port.js';
import { restoreStartLine, restoreSummaryLine } from './task-log-lines.js';
import type { TaskHandler } from './types.js';

export type RestoreProgress = Parameters<RestoreArgs['onProgress']>[0];

/** The kind-specific part of a restore op (the engine's task and the REST API's restores record the same shape). */
export function restoreOperation(a: { planId: string; snapshotId: string; path: string; target: string }) {
  return create(OperationSchema, {
    planId: a.planId || '_system_',
    snapshotId: a.snapshotId,
    op: {
      case: 'operationRestore',
      value: create(OperationRestoreSchema, { path: a.path, target: a.target }),
    },
  });
}

/** Stores restic's restore progress as the op's lastStatus. */
export function setRestoreProgress(op: Operation, p: RestoreProgress): void {
  (op.op.value as OperationRestore).lastStatus = create(RestoreProgressEntrySchema, {
    messageType: p.summary ? 'summary' : 'status',
    secondsElapsed: p.secondsElapsed ?? 0,
    totalBytes: BigInt(Math.trunc(p.totalBytes ?? 0)),
    bytesRestored: BigInt(Math.trunc(p.bytesRestored ?? 0)),
    totalFiles: BigInt(Math.trunc(p.totalFiles ?? 0)),
    filesRestored: BigInt(Math.trunc(p.filesRestored ?? 0)),
    percentDone: p.percentDone,
  });
}

export const restoreTask: TaskHandler<'restore'> = {
  kind: 'restore',
  prototype: (task) => restoreOperation(task),
  async run(task, rt) {
    // normalised again here: a restore queued before an upgrade (adopted at start) was never checked
    const path = snapshotPath('path', task.path);
    const target = restoreTarget('target', task.target);
    rt.log.write(restoreStartLine({ snapshotId: task.snapshotId, path, target }));
    let last: RestoreProgress = { percentDone: 1, summary: true };
    await rt.restic().restore({
      snapshotId: task.snapshotId,
      path,
      target,
      signal: rt.signal,
      onProgress: (p) => {
        last = p;
        rt.update((op) => setRestoreProgress(op, p), { throttle: !p.summary });
      },
      onError: (e) => rt.log.write(`error: ${e.item ? `${e.item}: ` : ''}${e.message}\n`),
    });
    rt.log.write(restoreSummaryLine(last));
  },
};

import { create } from '@bufbuild/protobuf';
import { OperationRestoreSchema, OperationSchema, RestoreProgressEntrySchema } from '@restora/proto';
import type { OperationRestore } from '@restora/proto';
import type { TaskHandler } from './types.js';

export const restoreTask: TaskHandler<'restore'> = {
  kind: 'restore',
  prototype: (task) =>
    create(OperationSchema, {
      planId: task.planId || '_system_',
      snapshotId: task.snapshotId,
      op: {
        case: 'operationRestore',
        value: create(OperationRestoreSchema, { path: task.path, target: task.target }),
      },
    }),
  async run(task, rt) {
    await rt.restic().restore({
      snapshotId: task.snapshotId,
      path: task.path,
      target: task.target,
      signal: rt.signal,
      onProgress: (p) => {
        rt.update(
          (op) => {
            (op.op.value as OperationRestore).lastStatus = create(RestoreProgressEntrySchema, {
              messageType: p.summary ? 'summary' : 'status',
              secondsElapsed: p.secondsElapsed ?? 0,
              totalBytes: BigInt(Math.trunc(p.totalBytes ?? 0)),
              bytesRestored: BigInt(Math.trunc(p.bytesRestored ?? 0)),
              totalFiles: BigInt(Math.trunc(p.totalFiles ?? 0)),
              filesRestored: BigInt(Math.trunc(p.filesRestored ?? 0)),
              percentDone: p.percentDone,
            });
          },
          { throttle: !p.summary },
        );
      },
    });
  },
};

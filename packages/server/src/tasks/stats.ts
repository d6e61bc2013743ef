import { create } from '@bufbuild/protobuf';
import { OperationSchema, OperationStatsSchema, RepoStatsSchema } from '@restora/proto';
import type { OperationStats } from '@restora/proto';
import type { TaskHandler } from './types.js';

export const statsTask: TaskHandler<'stats'> = {
  kind: 'stats',
  prototype: () =>
    create(OperationSchema, {
      planId: '_system_',
      op: { case: 'operationStats', value: create(OperationStatsSchema, {}) },
    }),
  async run(_task, rt) {
    const s = await rt.restic().stats({ signal: rt.signal });
    const int = (v: number | undefined) => BigInt(Math.trunc(v ?? 0));
    rt.update((op) => {
      (op.op.value as OperationStats).stats = create(RepoStatsSchema, {
        totalSize: int(s.totalSize),
        totalUncompressedSize: int(s.totalUncompressedSize ?? s.totalSize),
        compressionRatio: s.compressionRatio ?? 1,
        totalBlobCount: int(s.totalBlobCount),
        snapshotCount: int(s.snapshotsCount),
      });
    });
  },
};

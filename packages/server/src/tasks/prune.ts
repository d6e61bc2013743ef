import { create } from '@bufbuild/protobuf';
import { OperationPruneSchema, OperationSchema } from '@restora/proto';
import { runLoggedMaintenance } from './logged-maintenance.js';
import type { TaskHandler } from './types.js';

export const pruneTask: TaskHandler<'prune'> = {
  kind: 'prune',
  prototype: () =>
    create(OperationSchema, {
      planId: '_system_',
      op: { case: 'operationPrune', value: create(OperationPruneSchema, {}) },
    }),
  async run(_task, rt) {
    const repo = rt.repo!;
    const policy = repo.prunePolicy;
    const maxUnused =
      policy && policy.maxUnusedBytes > 0n
        ? `${policy.maxUnusedBytes}` // bytes (restic takes a plain number as bytes)
        : policy && policy.maxUnusedPercent > 0
          ? `${policy.maxUnusedPercent}%`
          : '25%';
    await runLoggedMaintenance(rt, 'PRUNE', (onOutput) =>
      rt.restic().prune({
        maxUnused,
        signal: rt.signal,
        onOutput,
      }),
    );
    rt.followUp({ task: { kind: 'stats', repoId: repo.id } });
  },
};

import { create } from '@bufbuild/protobuf';
import { OperationPruneSchema, OperationSchema } from '@restora/proto';
import type { OperationPrune } from '@restora/proto';
import { Condition } from '../hooks/conditions.js';
import { errorMessage } from './convert.js';
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
    await rt.fireHooks([Condition.PRUNE_START]);
    const out = rt.logs?.create({ prefix: 'c', ...(rt.op ? { ownerOpId: rt.op.id } : {}) });
    if (out) rt.update((op) => void ((op.op.value as OperationPrune).outputLogref = out.ref));
    try {
      if (repo.autoUnlock) await rt.restic().unlock({ signal: rt.signal });
      await rt.restic().prune({
        maxUnused,
        signal: rt.signal,
        onOutput: (c) => {
          out?.write(c);
          rt.log.write(c);
        },
      });
    } catch (err) {
      if (rt.signal.aborted) throw err;
      await rt.fireHooks([Condition.PRUNE_ERROR, Condition.ANY_ERROR], { error: errorMessage(err) });
      throw err;
    } finally {
      await out?.close();
    }
    await rt.fireHooks([Condition.PRUNE_SUCCESS]);
    rt.followUp({ task: { kind: 'stats', repoId: repo.id } });
  },
};

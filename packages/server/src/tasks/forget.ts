import { create } from '@bufbuild/protobuf';
import { OperationForgetSchema, OperationSchema } from '@restora/proto';
import type { OperationForget, OperationIndexSnapshot } from '@restora/proto';
import { Condition } from '../hooks/conditions.js';
import { errorMessage, instanceTag, planTag, retentionToFlags, snapshotToProto } from './convert.js';
import type { ForgetArgs } from './restic-port.js';
import type { TaskHandler } from './types.js';

/** Forget by plan retention, by the repo's forget policy, or exactly one snapshot. */
export const forgetTask: TaskHandler<'forget'> = {
  kind: 'forget',
  prototype: (task, { plan, repo }) => {
    const policy = task.snapshotId
      ? undefined
      : task.planId
        ? plan?.retention
        : repo?.forgetPolicy?.retention;
    return create(OperationSchema, {
      planId: task.planId || '_system_',
      op: { case: 'operationForget', value: create(OperationForgetSchema, policy ? { policy } : {}) },
    });
  },
  async run(task, rt) {
    const repo = rt.repo!;
    const args: ForgetArgs = { signal: rt.signal };
    if (task.snapshotId) {
      args.snapshotIds = [task.snapshotId];
    } else {
      const flags =
        task.flags ?? retentionToFlags(task.planId ? rt.plan?.retention : repo.forgetPolicy?.retention);
      if (!flags || Object.keys(flags).length === 0)
        return { message: 'nothing to forget: no retention policy' };
      args.flags = flags;
      if (task.planId) {
        args.tags = [planTag(task.planId), instanceTag(rt.instanceId)];
        args.groupBy = [];
      } else {
        args.groupBy = ['tags'];
      }
    }
    await rt.fireHooks([Condition.FORGET_START]);
    let removed;
    try {
      if (repo.autoUnlock) await rt.restic().unlock({ signal: rt.signal });
      ({ removed } = await rt.restic().forget(args));
    } catch (err) {
      if (rt.signal.aborted) throw err;
      await rt.fireHooks([Condition.FORGET_ERROR, Condition.ANY_ERROR], { error: errorMessage(err) });
      throw err;
    }
    rt.update((op) => {
      (op.op.value as OperationForget).forget = removed.map(snapshotToProto);
    });
    // Mark the index ops of forgotten snapshots now, so history GC and the UI see it without a re-index.
    const ids = new Set(removed.map((s) => s.id));
    if (ids.size) {
      const sel = repo.guid ? { repoGuid: repo.guid } : { repoId: repo.id };
      const idx = rt.oplog
        .query({ ...sel, kinds: ['operationIndexSnapshot'] })
        .filter((o) => ids.has(o.snapshotId));
      for (const o of idx) (o.op.value as OperationIndexSnapshot).forgot = true;
      if (idx.length) rt.oplog.update(...idx);
    }
    rt.log.write(`forgot ${removed.length} snapshots\n`);
    await rt.fireHooks([Condition.FORGET_SUCCESS]);
    if (!task.planId && !task.snapshotId) rt.followUp({ task: { kind: 'stats', repoId: repo.id } });
    if (task.snapshotId) rt.followUp({ task: { kind: 'index-snapshots', repoId: repo.id } });
  },
};

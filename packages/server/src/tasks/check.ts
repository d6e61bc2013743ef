import { create } from '@bufbuild/protobuf';
import { OperationCheckSchema, OperationSchema } from '@restora/proto';
import type { OperationCheck } from '@restora/proto';
import { Condition } from '../hooks/conditions.js';
import { errorMessage } from './convert.js';
import type { TaskHandler } from './types.js';

export const checkTask: TaskHandler<'check'> = {
  kind: 'check',
  prototype: () =>
    create(OperationSchema, {
      planId: '_system_',
      op: { case: 'operationCheck', value: create(OperationCheckSchema, {}) },
    }),
  async run(_task, rt) {
    const repo = rt.repo!;
    const mode = repo.checkPolicy?.mode;
    const subset =
      mode?.case === 'readDataSubsetPercent' && mode.value > 0 ? `${mode.value.toFixed(4)}%` : undefined;
    await rt.fireHooks([Condition.CHECK_START]);
    const out = rt.logs?.create({ prefix: 'c', ...(rt.op ? { ownerOpId: rt.op.id } : {}) });
    if (out) rt.update((op) => void ((op.op.value as OperationCheck).outputLogref = out.ref));
    try {
      if (repo.autoUnlock) await rt.restic().unlock({ signal: rt.signal });
      await rt.restic().check({
        ...(subset ? { readDataSubset: subset } : {}),
        signal: rt.signal,
        onOutput: (c) => {
          out?.write(c);
          rt.log.write(c);
        },
      });
    } catch (err) {
      if (rt.signal.aborted) throw err;
      await rt.fireHooks([Condition.CHECK_ERROR, Condition.ANY_ERROR], { error: errorMessage(err) });
      throw err;
    } finally {
      await out?.close();
    }
    await rt.fireHooks([Condition.CHECK_SUCCESS]);
  },
};

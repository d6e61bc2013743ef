import { create } from '@bufbuild/protobuf';
import { OperationCheckSchema, OperationSchema } from '@restora/proto';
import { runLoggedMaintenance } from './logged-maintenance.js';
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
    await runLoggedMaintenance(rt, 'CHECK', (onOutput) =>
      rt.restic().check({
        ...(subset ? { readDataSubset: subset } : {}),
        signal: rt.signal,
        onOutput,
      }),
    );
  },
};

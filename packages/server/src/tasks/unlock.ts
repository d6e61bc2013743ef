import { create } from '@bufbuild/protobuf';
import { OperationRunCommandSchema, OperationSchema } from '@restora/proto';
import type { TaskHandler } from './types.js';

/**
 * `restic unlock`: removes stale locks only (restic's default), never live ones of another process. Backrest has no
 * op type for it: it is a run-command op with the command line, so both APIs list it.
 */
export const unlockTask: TaskHandler<'unlock'> = {
  kind: 'unlock',
  prototype: () =>
    create(OperationSchema, {
      planId: '_system_',
      op: {
        case: 'operationRunCommand',
        value: create(OperationRunCommandSchema, { command: 'restic unlock' }),
      },
    }),
  async run(_task, rt) {
    await rt.restic().unlock({ signal: rt.signal });
    rt.log.write('removed stale locks\n');
  },
};

import { create } from '@bufbuild/protobuf';
import { OperationRunCommandSchema, OperationSchema, OperationStatus } from '@restora/proto';
import type { OperationRunCommand } from '@restora/proto';
import { shlexSplit } from '../config/shlex.js';
import type { TaskHandler } from './types.js';

export const RUN_COMMAND_OUTPUT_CAP = 2 * 1024 * 1024;

/** `restic <command>` on a repo, under the repo lock (Backrest ran it beside the queue, #7). */
export const runCommandTask: TaskHandler<'run-command'> = {
  kind: 'run-command',
  prototype: (task) =>
    create(OperationSchema, {
      planId: '_system_',
      op: {
        case: 'operationRunCommand',
        value: create(OperationRunCommandSchema, { command: task.command }),
      },
    }),
  async run(task, rt) {
    const args = shlexSplit(task.command);
    if (args[0] === 'restic') args.shift();
    if (args.length === 0) throw new Error('empty command');
    const out = rt.logs?.create({
      prefix: 'c',
      maxBytes: RUN_COMMAND_OUTPUT_CAP,
      ...(rt.op ? { ownerOpId: rt.op.id } : {}),
    });
    if (out) rt.update((op) => void ((op.op.value as OperationRunCommand).outputLogref = out.ref));
    let size = 0;
    let code: number;
    try {
      code = await rt.restic().run(args, {
        signal: rt.signal,
        onOutput: (c) => {
          size += Buffer.byteLength(c);
          out?.write(c);
        },
      });
    } finally {
      await out?.close();
      rt.update((op) => void ((op.op.value as OperationRunCommand).outputSizeBytes = BigInt(size)));
    }
    if (code !== 0)
      return { status: OperationStatus.STATUS_ERROR, message: `restic exited with code ${code}` };
  },
};

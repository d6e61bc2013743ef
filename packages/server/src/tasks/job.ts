// A job of a front-end (the Zerobyte API's doctor, tag, delete, mirror copy, restore) run as one oplog op by the
// one lifecycle: the front-end supplies the work, the lifecycle owns status, cancel, progress throttle and log.
import { create } from '@bufbuild/protobuf';
import { OperationRunCommandSchema, OperationSchema, OperationStatus } from '@restora/proto';
import type { Operation } from '@restora/proto';
import type { JobView, TaskHandler } from './types.js';

export type { Job, JobOutcome, JobRuntime, JobView } from './types.js';

/** The Zerobyte view an op carries, or undefined for ops of the engine's own tasks. */
export function jobViewOf(op: Operation): JobView | undefined {
  if (!op.zerobyteTask) return undefined;
  try {
    return JSON.parse(op.zerobyteTask) as JobView;
  } catch {
    return undefined; // a damaged view: the op still shows as its Backrest kind
  }
}

function patchView(op: Operation, patch: Partial<JobView>): void {
  const view = jobViewOf(op);
  if (view) op.zerobyteTask = JSON.stringify({ ...view, ...patch });
}

export const jobTask: TaskHandler<'job'> = {
  kind: 'job',
  prototype: ({ job }) => {
    const op =
      job.prototype ??
      create(OperationSchema, {
        planId: '_system_',
        op: {
          case: 'operationRunCommand',
          value: create(OperationRunCommandSchema, { command: job.command }),
        },
      });
    op.zerobyteTask = JSON.stringify({ ...job.view, progress: null, result: null } satisfies JobView);
    return op;
  },
  async run({ job }, rt) {
    rt.log.write(`${job.command}\n`);
    const out = await job.run({
      signal: rt.signal,
      rt,
      progress: (p) => rt.update((op) => patchView(op, { progress: p }), { throttle: true }),
    });
    rt.update((op) => patchView(op, { result: out?.result ?? {} }));
    // the Zerobyte kind, for Backrest clients that see a run-command op
    const message = job.prototype ? undefined : `zerobyte ${job.view.kind}`;
    return {
      status: out?.status ?? OperationStatus.STATUS_SUCCESS,
      ...(message ? { message } : {}),
    };
  },
};

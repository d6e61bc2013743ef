// A deterministic history hitting every GC rule (tests): flows with live and forgotten snapshots, trims by count
// and age, unknown peers, unfinished ops, and start times out of id order.
import { OperationStatus, type Operation } from '@restora/proto';
import { backupOp, indexSnapshotOp, kindOp } from './test-ops.js';

const HOUR = 3600 * 1000;

/** About `flows` * 2.6 ops with preset ids (1, 2, ...) and flow ids, for `importBulk` or `add`. */
export function gcFixture(nowMs: number, flows = 4000): Operation[] {
  let seed = 7;
  const rand = () => (seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32;
  const ops: Operation[] = [];
  const push = (op: Operation, flowId?: bigint) => {
    op.id = BigInt(ops.length + 1);
    op.flowId = flowId ?? op.id;
    ops.push(op);
    return op.id;
  };
  for (let f = 0; f < flows; f++) {
    const common = {
      repoId: `repo-${f % 2}`,
      planId: `plan-${f % 6}`,
      // Jitter: start order differs from id order.
      startMs: nowMs - Math.floor(f / 6) * 2 * HOUR - Math.floor(rand() * 3 * HOUR),
      originalInstanceKeyid: f % 50 === 0 ? 'gone' : f % 50 === 1 ? 'kept' : '',
    };
    const roll = rand();
    const status =
      roll < 0.01
        ? OperationStatus.STATUS_INPROGRESS
        : roll < 0.02
          ? OperationStatus.STATUS_PENDING
          : roll < 0.1
            ? OperationStatus.STATUS_ERROR
            : OperationStatus.STATUS_SUCCESS;
    const flow = push(backupOp({ ...common, status }));
    if (status === OperationStatus.STATUS_SUCCESS && rand() < 0.7)
      push(indexSnapshotOp({ ...common, snapshotId: `s${flow}`, forgot: rand() < 0.3 }), flow);
    if (rand() < 0.5) push(kindOp('operationRunHook', common), flow);
    if (rand() < 0.3) push(kindOp('operationForget', common), flow);
    if (f % 40 === 0)
      for (const kind of ['operationCheck', 'operationPrune', 'operationStats'] as const)
        push(kindOp(kind, { ...common, planId: '_system_', originalInstanceKeyid: '' }));
  }
  return ops;
}

// Operation lifecycle on the console: one info line when an op starts and one when it ends, from the oplog's events.
import { OperationStatus, isUnfinished, opKindWords, type Operation } from '@restora/proto';
import type { Logger } from 'pino';
import type { OpEvent, OpLog } from '../oplog/types.js';

/** 'operationIndexSnapshot' → 'index snapshot'. */
const kindName = (op: Operation) => opKindWords(op).join(' ');

const ENDINGS: Partial<Record<OperationStatus, string>> = {
  [OperationStatus.STATUS_SUCCESS]: 'finished',
  [OperationStatus.STATUS_WARNING]: 'finished with warnings',
  [OperationStatus.STATUS_ERROR]: 'failed',
  [OperationStatus.STATUS_USER_CANCELLED]: 'cancelled',
  [OperationStatus.STATUS_SYSTEM_CANCELLED]: 'cancelled by the system',
};

/** plan/repo/op first: the fields a reader greps for. */
function context(op: Operation) {
  return { plan: op.planId, repo: op.repoId, op: String(op.id), kind: kindName(op) };
}

/** What the op did, from its kind's last status: files, bytes added, snapshot id, ... */
function opSummary(op: Operation): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const o = op.op;
  if (o.case === 'operationBackup') {
    const e = o.value.lastStatus?.entry;
    if (e?.case === 'summary') {
      out.files = Number(e.value.totalFilesProcessed);
      out.filesNew = Number(e.value.filesNew);
      out.bytesAdded = Number(e.value.dataAdded);
    }
    if (o.value.errors.length) out.fileErrors = o.value.errors.length;
    if (o.value.dryRun) out.dryRun = true;
  } else if (o.case === 'operationRestore') {
    out.target = o.value.target;
    if (o.value.lastStatus) {
      out.files = Number(o.value.lastStatus.filesRestored);
      out.bytesRestored = Number(o.value.lastStatus.bytesRestored);
    }
  } else if (o.case === 'operationForget') {
    out.forgotten = o.value.forget.length;
  } else if (o.case === 'operationStats' && o.value.stats) {
    out.totalSize = Number(o.value.stats.totalSize);
    out.snapshots = Number(o.value.stats.snapshotCount);
  } else if (o.case === 'operationRunHook') {
    out.hook = o.value.name;
  }
  if (op.snapshotId) out.snapshot = op.snapshotId.slice(0, 8);
  return out;
}

/** Subscribes `logger` to `oplog`; returns the unsubscribe. */
export function logOperations(oplog: Pick<OpLog, 'subscribe'>, logger: Logger): () => void {
  const seen = new Map<bigint, OperationStatus>();
  const onOp = (op: Operation) => {
    const before = seen.get(op.id);
    if (before === op.status) return;
    const ctx = context(op);
    if (op.status === OperationStatus.STATUS_INPROGRESS) logger.info(ctx, `${ctx.kind} started`);
    if (isUnfinished(op.status)) {
      seen.set(op.id, op.status);
      return;
    }
    seen.delete(op.id);
    const ending = ENDINGS[op.status];
    // Finished history arriving by sync or an import was never seen starting here: not a lifecycle event.
    if (!ending || before === undefined) return;
    const durationMs = op.unixTimeEndMs > 0n ? Number(op.unixTimeEndMs - op.unixTimeStartMs) : undefined;
    const reason = op.status !== OperationStatus.STATUS_SUCCESS ? op.displayMessage.trim() : '';
    const fields = { ...ctx, status: ending, durationMs, ...opSummary(op), ...(reason ? { reason } : {}) };
    logger.info(fields, `${ctx.kind} ${ending}`);
  };
  return oplog.subscribe((event: OpEvent) => {
    if (event.type === 'deleted') for (const id of event.ids) seen.delete(id);
    else for (const op of event.operations) onOp(op);
  });
}

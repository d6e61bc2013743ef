// Operation facts every view needs alike (CLI, server console, web UI): whether an op may still change, and its
// kind's name, taken from the Operation oneof case so a new kind is named without a table to update.
import { OperationStatus, type Operation } from './gen/v1/operations_pb.js';

/** Pending or in progress: the op may still change (run, progress, end). */
export const isUnfinished = (s: OperationStatus): boolean =>
  s === OperationStatus.STATUS_PENDING || s === OperationStatus.STATUS_INPROGRESS;

/** 'operationIndexSnapshot' → ['index', 'snapshot']; no kind set → [fallback]. */
export function opKindWords(op: Operation, fallback = 'operation'): string[] {
  const name = op.op.case;
  if (!name) return [fallback];
  return name
    .replace(/^operation(?=.)/, '')
    .split(/(?=[A-Z])/)
    .map((w) => w.toLowerCase());
}

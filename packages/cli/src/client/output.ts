// Printing a verb's result: JSON for scripts (--json), text for people; and the exit code of a finished op.
import { toJson, type DescMessage, type MessageShape } from '@bufbuild/protobuf';
import { OperationSchema, OperationStatus, type Operation } from '@restora/proto';
import { EXIT } from './exit-codes.js';
import { bytes, duration, statusOf } from './format.js';

export function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

export const msgJson = <D extends DescMessage>(schema: D, m: MessageShape<D>): unknown => toJson(schema, m);
export const opJson = (op: Operation): unknown => toJson(OperationSchema, op);

export function print(text: string): void {
  if (text) process.stdout.write(`${text}\n`);
}

/** 0 for success (and success with warnings), 3 failed, 4 cancelled. */
export function exitFor(op: Operation): number {
  switch (op.status) {
    case OperationStatus.STATUS_SUCCESS:
    case OperationStatus.STATUS_WARNING:
      return EXIT.ok;
    case OperationStatus.STATUS_USER_CANCELLED:
    case OperationStatus.STATUS_SYSTEM_CANCELLED:
      return EXIT.cancelled;
    default:
      return EXIT.failed;
  }
}

/** "success in 12s: 150 files, 2.00 MiB added, snapshot 1a2b3c4d" */
export function outcome(op: Operation): string {
  const parts = [`${statusOf(op)} in ${duration(Number(op.unixTimeEndMs - op.unixTimeStartMs))}`];
  const o = op.op;
  if (o.case === 'operationBackup' && o.value.lastStatus?.entry.case === 'summary') {
    const s = o.value.lastStatus.entry.value;
    parts.push(`${s.totalFilesProcessed} files, ${bytes(s.dataAdded)} added`);
  }
  // restic < 0.16 reports no restore progress: no figures rather than zeros
  if (o.case === 'operationRestore' && o.value.lastStatus?.totalBytes)
    parts.push(
      `${o.value.lastStatus.filesRestored} files, ${bytes(o.value.lastStatus.bytesRestored)} restored to ${o.value.target}`,
    );
  if (op.snapshotId) parts.push(`snapshot ${op.snapshotId.slice(0, 8)}`);
  const why = op.displayMessage.trim().split('\n')[0];
  return `${parts.join(', ')}${why && exitFor(op) !== 0 ? `: ${why}` : ''}`;
}

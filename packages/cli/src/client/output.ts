// Printing a verb's result: JSON for scripts (--json), text for people; and the exit code of a finished op.
import { toJson, type DescMessage, type MessageShape } from '@bufbuild/protobuf';
import { OperationSchema, OperationStatus, type Operation } from '@restora/proto';
import { EXIT } from './exit-codes.js';

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

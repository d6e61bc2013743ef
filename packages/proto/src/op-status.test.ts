import { create } from '@bufbuild/protobuf';
import { describe, expect, it } from 'vitest';
import { OperationSchema, OperationStatus } from './gen/v1/operations_pb.js';
import { isUnfinished, opKindWords } from './op-status.js';

describe('op-status', () => {
  it('names a kind by its oneof case, words split at capitals', () => {
    const op = create(OperationSchema, { op: { case: 'operationIndexSnapshot', value: {} } });
    expect(opKindWords(op)).toEqual(['index', 'snapshot']);
    expect(opKindWords(create(OperationSchema, { op: { case: 'operationBackup', value: {} } }))).toEqual([
      'backup',
    ]);
    expect(opKindWords(create(OperationSchema, {}), 'unknown')).toEqual(['unknown']);
  });

  it('counts only pending and in-progress as unfinished', () => {
    const unfinished = Object.values(OperationStatus)
      .filter((v): v is OperationStatus => typeof v === 'number')
      .filter(isUnfinished);
    expect(unfinished.sort()).toEqual(
      [OperationStatus.STATUS_PENDING, OperationStatus.STATUS_INPROGRESS].sort(),
    );
  });
});

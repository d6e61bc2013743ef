import { create } from '@bufbuild/protobuf';
import { OperationSchema, OperationStatus } from '@restora/proto';
import { describe, expect, it } from 'vitest';
import { buildTree, mergeOps, removeOps } from './ops.js';

const HOUR = 3_600_000;
const op = (
  id: number,
  flow: number,
  t: number,
  kind: 'operationBackup' | 'operationIndexSnapshot' = 'operationBackup',
) =>
  create(OperationSchema, {
    id: BigInt(id),
    flowId: BigInt(flow),
    planId: 'p',
    unixTimeStartMs: BigInt(t),
    status: OperationStatus.STATUS_SUCCESS,
    op: { case: kind, value: {} },
  });

describe('buildTree', () => {
  it('groups flows under day headers, newest first, with the backup as the main op', () => {
    const day1 = new Date(2026, 0, 1, 10).getTime();
    const day2 = new Date(2026, 0, 2, 10).getTime();
    const rows = buildTree([
      op(1, 1, day1),
      op(2, 1, day1 + 1000, 'operationIndexSnapshot'),
      op(3, 3, day2),
      op(4, 4, day2 + HOUR),
    ]);
    expect(
      rows.map((r) => (r.kind === 'day' ? `day:${r.count}` : `flow:${r.main.id}:${r.children.length}`)),
    ).toEqual(['day:2', 'flow:4:0', 'flow:3:0', 'day:1', 'flow:1:1']);
  });
});

describe('mergeOps / removeOps', () => {
  it('inserts by id order, replaces existing ids and removes deleted ones', () => {
    const list = [op(1, 1, 0), op(5, 5, 0)];
    const updated = create(OperationSchema, { ...op(5, 5, 0), status: OperationStatus.STATUS_ERROR });
    const merged = mergeOps(list, [op(3, 3, 0), updated, op(9, 9, 0)]);
    expect(merged.map((o) => Number(o.id))).toEqual([1, 3, 5, 9]);
    expect(merged[2]!.status).toBe(OperationStatus.STATUS_ERROR);
    expect(list).toHaveLength(2);
    expect(removeOps(merged, [3n, 9n]).map((o) => Number(o.id))).toEqual([1, 5]);
  });
});

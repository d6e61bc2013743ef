import { create } from '@bufbuild/protobuf';
import {
  matchesOpSelector,
  OP_SELECTOR_EQUAL_FIELDS,
  OperationSchema,
  OpSelectorSchema,
} from '@restora/proto';
import { describe, expect, it } from 'vitest';
import { opMatches } from '../oplog/selector.js';
import { toSelector } from './operations-service.js';

// The server's oplog filter and the shared definition the web UI uses agree on every Backrest selector.
const ops = [0, 1, 2, 3].map((n) =>
  create(OperationSchema, {
    id: BigInt(n + 1),
    modno: BigInt(10 + n),
    flowId: BigInt(n % 2),
    planId: n % 2 ? 'p' : 'q',
    repoGuid: n < 2 ? 'g' : '',
    instanceId: n === 3 ? 'other' : 'i',
    originalInstanceKeyid: n === 2 ? 'k' : '',
    snapshotId: n === 1 ? 's' : '',
  }),
);
const values: Record<(typeof OP_SELECTOR_EQUAL_FIELDS)[number], unknown[]> = {
  instanceId: ['i', 'other', ''],
  originalInstanceKeyid: ['k', ''],
  repoGuid: ['g', ''],
  planId: ['p', 'q', 'x'],
  snapshotId: ['s', ''],
  flowId: [0n, 1n, 9n],
};
const selectors = [
  create(OpSelectorSchema, {}),
  create(OpSelectorSchema, { ids: [2n, 4n] }),
  create(OpSelectorSchema, { modnoGte: 12n }),
  ...OP_SELECTOR_EQUAL_FIELDS.flatMap((k) => values[k].map((v) => create(OpSelectorSchema, { [k]: v }))),
  create(OpSelectorSchema, { planId: 'p', repoGuid: 'g', modnoGte: 11n }),
];

describe('OpSelector: server and shared definition', () => {
  it.each(selectors.map((s, i) => [i, s] as const))('selector #%i selects the same ops', (_i, sel) => {
    for (const op of ops)
      expect([op.id, opMatches(op, toSelector(sel))]).toEqual([op.id, matchesOpSelector(op, sel)]);
  });

  it('both refuse ids with another filter', () => {
    const sel = create(OpSelectorSchema, { ids: [1n], originalInstanceKeyid: 'k' });
    expect(() => toSelector(sel)).toThrow(/both query and ids/);
    expect(matchesOpSelector(ops[0]!, sel)).toBe(false);
  });
});

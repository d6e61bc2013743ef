import { create } from '@bufbuild/protobuf';
import { describe, expect, it } from 'vitest';
import {
  matchesOpSelector,
  OP_SELECTOR_EQUAL_FIELDS,
  opSelectorProblem,
  OpSelectorSchema,
  OperationSchema,
} from './index.js';

const op = create(OperationSchema, {
  id: 7n,
  modno: 20n,
  flowId: 5n,
  planId: 'p',
  repoGuid: 'g',
  instanceId: 'i',
  originalInstanceKeyid: 'k',
  snapshotId: 's',
});
const sel = (init: Parameters<typeof create<typeof OpSelectorSchema>>[1]) => create(OpSelectorSchema, init);

describe('matchesOpSelector', () => {
  it('treats absent fields as wildcards and present ones (even empty) as filters', () => {
    expect(matchesOpSelector(op, sel({}))).toBe(true);
    expect(matchesOpSelector(op, sel({ planId: 'p', repoGuid: 'g' }))).toBe(true);
    expect(matchesOpSelector(op, sel({ planId: 'q' }))).toBe(false);
    expect(matchesOpSelector(op, sel({ repoGuid: '' }))).toBe(false);
  });

  it.each([
    ['instanceId', 'x'],
    ['originalInstanceKeyid', 'x'],
    ['repoGuid', 'x'],
    ['planId', 'x'],
    ['snapshotId', 'x'],
    ['flowId', 6n],
  ] as const)('filters on %s (the fields the web copy lacked included)', (key, other) => {
    expect(matchesOpSelector(op, sel({ [key]: op[key] }))).toBe(true);
    expect(matchesOpSelector(op, sel({ [key]: other }))).toBe(false);
  });

  it('covers every optional filter of the message', () => {
    const optional = OpSelectorSchema.fields.filter((f) => f.proto.proto3Optional).map((f) => f.localName);
    expect([...optional].sort()).toEqual([...OP_SELECTOR_EQUAL_FIELDS, 'modnoGte'].sort());
  });

  it('modnoGte is inclusive', () => {
    expect(matchesOpSelector(op, sel({ modnoGte: 20n }))).toBe(true);
    expect(matchesOpSelector(op, sel({ modnoGte: 21n }))).toBe(false);
  });

  it('ids select alone; ids with another filter are refused and match nothing', () => {
    expect(matchesOpSelector(op, sel({ ids: [7n] }))).toBe(true);
    expect(matchesOpSelector(op, sel({ ids: [8n] }))).toBe(false);
    expect(opSelectorProblem(sel({ ids: [7n], modnoGte: 0n }))).toMatch(/both query and ids/);
    expect(matchesOpSelector(op, sel({ ids: [7n], planId: 'p' }))).toBe(false);
    expect(opSelectorProblem(sel({ ids: [7n] }))).toBeUndefined();
  });
});

// Backrest's OpSelector applied to one Operation: the one definition the server (oplog/selector.ts checks against
// it) and the web UI (live lists fed by GetOperationEvents) share, so neither can drop a field the other filters on.
import type { Operation } from './gen/v1/operations_pb.js';
import type { OpSelector } from './gen/v1/service_pb.js';

/** Filters compared for equality with the Operation field of the same name (absent: no filter; '' filters on ''). */
export const OP_SELECTOR_EQUAL_FIELDS = [
  'instanceId',
  'originalInstanceKeyid',
  'repoGuid',
  'planId',
  'snapshotId',
  'flowId',
] as const satisfies readonly (keyof OpSelector & keyof Operation)[];

export const OP_SELECTOR_IDS_ALONE = 'cannot specify both query and ids';

/** Why a selector cannot be used (ids combined with another filter), or undefined. */
export function opSelectorProblem(sel: OpSelector): string | undefined {
  if (sel.ids.length === 0) return undefined;
  const others = [...OP_SELECTOR_EQUAL_FIELDS.map((k) => sel[k]), sel.modnoGte];
  return others.some((v) => v !== undefined) ? OP_SELECTOR_IDS_ALONE : undefined;
}

/** Does `op` match `sel`? `ids` selects alone; `modnoGte` is inclusive; an unusable selector matches nothing. */
export function matchesOpSelector(op: Operation, sel: OpSelector): boolean {
  if (opSelectorProblem(sel)) return false;
  if (sel.ids.length > 0) return sel.ids.includes(op.id);
  for (const key of OP_SELECTOR_EQUAL_FIELDS) {
    const want = sel[key];
    if (want !== undefined && op[key] !== want) return false;
  }
  return sel.modnoGte === undefined || op.modno >= sel.modnoGte;
}

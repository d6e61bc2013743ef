import { OperationStatus } from '@restora/proto';
import type { Operation } from '@restora/proto';
import { formatDay } from './format.js';

export const STATUS_LABEL: Record<OperationStatus, string> = {
  [OperationStatus.STATUS_UNKNOWN]: 'unknown',
  [OperationStatus.STATUS_PENDING]: 'scheduled',
  [OperationStatus.STATUS_INPROGRESS]: 'running',
  [OperationStatus.STATUS_SUCCESS]: 'success',
  [OperationStatus.STATUS_ERROR]: 'error',
  [OperationStatus.STATUS_SYSTEM_CANCELLED]: 'cancelled (system)',
  [OperationStatus.STATUS_USER_CANCELLED]: 'cancelled',
  [OperationStatus.STATUS_WARNING]: 'warning',
};

export const STATUS_COLOR: Record<OperationStatus, string> = {
  [OperationStatus.STATUS_UNKNOWN]: 'gray',
  [OperationStatus.STATUS_PENDING]: 'gray',
  [OperationStatus.STATUS_INPROGRESS]: 'blue',
  [OperationStatus.STATUS_SUCCESS]: 'green',
  [OperationStatus.STATUS_ERROR]: 'red',
  [OperationStatus.STATUS_SYSTEM_CANCELLED]: 'orange',
  [OperationStatus.STATUS_USER_CANCELLED]: 'orange',
  [OperationStatus.STATUS_WARNING]: 'yellow',
};

const TYPE_LABEL: Record<string, string> = {
  operationBackup: 'Backup',
  operationIndexSnapshot: 'Snapshot',
  operationForget: 'Forget',
  operationPrune: 'Prune',
  operationRestore: 'Restore',
  operationStats: 'Stats',
  operationRunHook: 'Hook',
  operationCheck: 'Check',
  operationRunCommand: 'Command',
};

export function opTypeLabel(op: Operation): string {
  return (op.op.case && TYPE_LABEL[op.op.case]) ?? 'Operation';
}

/** Whether any of these ops records `snapshotId` as forgotten (an index op marked forgot, or a forget op). */
export function isForgotten(snapshotId: string, ops: readonly Operation[]): boolean {
  return ops.some(
    (o) =>
      (o.op.case === 'operationIndexSnapshot' &&
        o.op.value.forgot &&
        o.op.value.snapshot?.id === snapshotId) ||
      (o.op.case === 'operationForget' && o.op.value.forget.some((s) => s.id === snapshotId)),
  );
}

export function isActive(op: Operation): boolean {
  return op.status === OperationStatus.STATUS_INPROGRESS || op.status === OperationStatus.STATUS_PENDING;
}

/** One row of the plan/repo operation tree: a day header or a flow (backup + its follow-ups). */
export type TreeRow =
  | { kind: 'day'; key: string; label: string; count: number }
  | { kind: 'flow'; key: string; main: Operation; children: Operation[] };

function dayStart(ms: number): number {
  const d = new Date(ms);
  d.setHours(0, 0, 0, 0);
  return d.getTime();
}

function opTime(op: Operation): number {
  return Number(op.unixTimeStartMs);
}

/** Groups ops into flows, newest first, with a header per local day. O(n log n). */
export function buildTree(ops: readonly Operation[]): TreeRow[] {
  const flows = new Map<bigint, Operation[]>();
  for (const op of ops) {
    const key = op.flowId || op.id;
    const list = flows.get(key);
    if (list) list.push(op);
    else flows.set(key, [op]);
  }
  const groups: { main: Operation; children: Operation[]; t: number }[] = [];
  for (const list of flows.values()) {
    // The flow's main op: the backup if any, else the earliest op.
    const main = list.find((o) => o.op.case === 'operationBackup') ?? list[0]!;
    const children = list.filter((o) => o !== main);
    groups.push({ main, children, t: opTime(main) });
  }
  groups.sort((a, b) => b.t - a.t || Number(b.main.id - a.main.id));
  const rows: TreeRow[] = [];
  let day = Number.NaN;
  let header: Extract<TreeRow, { kind: 'day' }> | null = null;
  for (const g of groups) {
    const d = dayStart(g.t);
    if (d !== day || !header) {
      day = d;
      header = { kind: 'day', key: `d${d}`, label: formatDay(d), count: 0 };
      rows.push(header);
    }
    header.count++;
    rows.push({ kind: 'flow', key: `f${g.main.id}`, main: g.main, children: g.children });
  }
  return rows;
}

/** Replaces/inserts ops by id into a list sorted by id (what GetOperations returns). */
export function mergeOps(list: readonly Operation[], changed: readonly Operation[]): Operation[] {
  const out = list.slice();
  for (const op of changed) {
    let lo = 0;
    let hi = out.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (out[mid]!.id < op.id) lo = mid + 1;
      else hi = mid;
    }
    if (out[lo]?.id === op.id) out[lo] = op;
    else out.splice(lo, 0, op);
  }
  return out;
}

export function removeOps(list: readonly Operation[], ids: readonly bigint[]): Operation[] {
  const drop = new Set(ids);
  return list.filter((o) => !drop.has(o.id));
}

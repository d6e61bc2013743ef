// Extracts the queryable columns of an Operation (stored beside its protobuf blob).
import type { Operation } from '@restora/proto';
import type { OperationKind } from './types.js';

/** Kind codes = the oneof field numbers in operations.proto (stable on disk). */
export const KIND_CODES: Readonly<Record<OperationKind, number>> = {
  operationBackup: 100,
  operationIndexSnapshot: 101,
  operationForget: 102,
  operationPrune: 103,
  operationRestore: 104,
  operationStats: 105,
  operationRunHook: 106,
  operationCheck: 107,
  operationRunCommand: 108,
};

const KIND_BY_CODE = new Map<number, OperationKind>(
  Object.entries(KIND_CODES).map(([k, v]) => [v, k as OperationKind]),
);

export function kindCode(kind: OperationKind | undefined): number {
  return kind ? KIND_CODES[kind] : 0;
}

export function kindFromCode(code: number): OperationKind | undefined {
  return KIND_BY_CODE.get(code);
}

export interface OpColumns {
  id: number;
  modno: number;
  flow_id: number;
  original_id: number;
  original_flow_id: number;
  repo_id: string;
  repo_guid: string;
  plan_id: string;
  instance_id: string;
  original_instance_keyid: string;
  snapshot_id: string;
  status: number;
  kind: number;
  start_ms: number;
  end_ms: number;
  logref: string;
  dry_run: number;
  forgot: number;
  bytes_added: number;
  bytes_scanned: number;
}

export function columnsOf(op: Operation): OpColumns {
  let dryRun = 0;
  let forgot = 0;
  let bytesAdded = 0;
  let bytesScanned = 0;
  if (op.op.case === 'operationBackup') {
    dryRun = op.op.value.dryRun ? 1 : 0;
    const entry = op.op.value.lastStatus?.entry;
    if (entry?.case === 'summary') {
      bytesAdded = Number(entry.value.dataAdded);
      bytesScanned = Number(entry.value.totalBytesProcessed);
    }
  } else if (op.op.case === 'operationIndexSnapshot') {
    forgot = op.op.value.forgot ? 1 : 0;
  }
  return {
    id: Number(op.id),
    modno: Number(op.modno),
    flow_id: Number(op.flowId),
    original_id: Number(op.originalId),
    original_flow_id: Number(op.originalFlowId),
    repo_id: op.repoId,
    repo_guid: op.repoGuid,
    plan_id: op.planId,
    instance_id: op.instanceId,
    original_instance_keyid: op.originalInstanceKeyid,
    snapshot_id: op.snapshotId,
    status: op.status,
    kind: kindCode(op.op.case),
    start_ms: Number(op.unixTimeStartMs),
    end_ms: Number(op.unixTimeEndMs),
    logref: op.logref,
    dry_run: dryRun,
    forgot,
    bytes_added: bytesAdded,
    bytes_scanned: bytesScanned,
  };
}

// Builders of realistic operations for tests and the benchmark.
import { create } from '@bufbuild/protobuf';
import {
  BackupProgressEntrySchema,
  BackupProgressSummarySchema,
  OperationBackupSchema,
  OperationCheckSchema,
  OperationForgetSchema,
  OperationIndexSnapshotSchema,
  OperationPruneSchema,
  OperationRestoreSchema,
  OperationRunCommandSchema,
  OperationRunHookSchema,
  OperationStatsSchema,
  OperationSchema,
  OperationStatus,
  ResticSnapshotSchema,
  type Operation,
} from '@restora/proto';
import type { OperationKind } from './types.js';

export interface OpInit {
  repoId?: string;
  repoGuid?: string;
  planId?: string;
  instanceId?: string;
  status?: OperationStatus;
  startMs?: number;
  endMs?: number;
  flowId?: bigint;
  snapshotId?: string;
  displayMessage?: string;
  originalInstanceKeyid?: string;
}

function base(init: OpInit): Operation {
  const start = init.startMs ?? 1_700_000_000_000;
  return create(OperationSchema, {
    repoId: init.repoId ?? 'repo1',
    repoGuid: init.repoGuid ?? 'guid-' + (init.repoId ?? 'repo1'),
    planId: init.planId ?? 'plan1',
    instanceId: init.instanceId ?? 'inst',
    status: init.status ?? OperationStatus.STATUS_SUCCESS,
    unixTimeStartMs: BigInt(start),
    unixTimeEndMs: BigInt(init.endMs ?? start + 1000),
    flowId: init.flowId ?? 0n,
    snapshotId: init.snapshotId ?? '',
    displayMessage: init.displayMessage ?? '',
    originalInstanceKeyid: init.originalInstanceKeyid ?? '',
  });
}

export function backupOp(
  init: OpInit & { bytesAdded?: number; bytesScanned?: number; dryRun?: boolean; files?: number } = {},
): Operation {
  const op = base(init);
  const hasSummary = init.bytesAdded !== undefined || init.bytesScanned !== undefined;
  op.op = {
    case: 'operationBackup',
    value: create(OperationBackupSchema, {
      dryRun: init.dryRun ?? false,
      lastStatus: hasSummary
        ? create(BackupProgressEntrySchema, {
            entry: {
              case: 'summary',
              value: create(BackupProgressSummarySchema, {
                dataAdded: BigInt(init.bytesAdded ?? 0),
                totalBytesProcessed: BigInt(init.bytesScanned ?? 0),
                filesNew: BigInt(init.files ?? 10),
                totalFilesProcessed: BigInt((init.files ?? 10) * 50),
                totalDuration: 12.5,
                snapshotId: init.snapshotId ?? '',
              }),
            },
          })
        : undefined,
    }),
  };
  return op;
}

export function indexSnapshotOp(init: OpInit & { forgot?: boolean; snapshotId: string }): Operation {
  const op = base(init);
  op.op = {
    case: 'operationIndexSnapshot',
    value: create(OperationIndexSnapshotSchema, {
      forgot: init.forgot ?? false,
      snapshot: create(ResticSnapshotSchema, {
        id: init.snapshotId,
        unixTimeMs: BigInt(init.startMs ?? 1_700_000_000_000),
        hostname: 'host',
        paths: ['/data'],
        tags: [`plan:${init.planId ?? 'plan1'}`, `created-by:${init.instanceId ?? 'inst'}`],
      }),
    }),
  };
  return op;
}

type OtherKind = Exclude<OperationKind, 'operationBackup' | 'operationIndexSnapshot'>;

/** An op of any other kind with an empty payload. */
export function kindOp(kind: OtherKind, init: OpInit = {}): Operation {
  const op = base(init);
  switch (kind) {
    case 'operationForget':
      op.op = { case: kind, value: create(OperationForgetSchema) };
      break;
    case 'operationPrune':
      op.op = { case: kind, value: create(OperationPruneSchema, { outputLogref: 'c-prune' }) };
      break;
    case 'operationRestore':
      op.op = { case: kind, value: create(OperationRestoreSchema, { path: '/', target: '/tmp/x' }) };
      break;
    case 'operationStats':
      op.op = { case: kind, value: create(OperationStatsSchema) };
      break;
    case 'operationRunHook':
      op.op = { case: kind, value: create(OperationRunHookSchema, { name: 'hook' }) };
      break;
    case 'operationCheck':
      op.op = { case: kind, value: create(OperationCheckSchema) };
      break;
    case 'operationRunCommand':
      op.op = { case: kind, value: create(OperationRunCommandSchema, { command: 'snapshots' }) };
      break;
  }
  return op;
}

import { create, fromBinary, fromJson, toBinary, toJson } from '@bufbuild/protobuf';
import { describe, expect, it } from 'vitest';
import {
  Hook_Condition,
  OperationEventSchema,
  OperationListSchema,
  OperationSchema,
  OperationStatus,
  SummaryDashboardResponseSchema,
} from './index.js';
import type { OperationJson } from './index.js';

// Operation JSON as Backrest sends it (backrest-api.md §2, §4.4, §4.5): int64 as strings, enums as names.
const backupOp: OperationJson = {
  id: '1747000000123',
  modno: '5',
  flowId: '1747000000123',
  repoId: 'b2',
  repoGuid: '1f3e9c4a2b7d8e6f0a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f6071',
  planId: 'home',
  instanceId: 'laptop',
  snapshotId: 'f0e1d2c3b4a5968778695a4b3c2d1e0ff0e1d2c3b4a5968778695a4b3c2d1e0f',
  status: 'STATUS_WARNING',
  unixTimeStartMs: '1747000000123',
  unixTimeEndMs: '1747000042000',
  displayMessage: 'Partial backup, some files may not have been read completely.',
  logref: 't-0b1c2d3e',
  operationBackup: {
    lastStatus: {
      summary: {
        filesNew: '10',
        filesChanged: '2',
        filesUnmodified: '1000',
        dirsNew: '1',
        dataBlobs: '12',
        treeBlobs: '3',
        dataAdded: '123456',
        totalFilesProcessed: '1012',
        totalBytesProcessed: '98765432',
        totalDuration: 41.5,
        snapshotId: 'f0e1d2c3b4a5968778695a4b3c2d1e0ff0e1d2c3b4a5968778695a4b3c2d1e0f',
      },
    },
    errors: [{ item: '/home/user/locked', during: 'archival', message: 'permission denied' }],
  },
};

describe('Operation protojson', () => {
  it('round-trips a backup operation unchanged', () => {
    const op = fromJson(OperationSchema, backupOp);
    expect(op.id).toBe(1747000000123n);
    expect(op.status).toBe(OperationStatus.STATUS_WARNING);
    expect(op.op.case).toBe('operationBackup');
    expect(toJson(OperationSchema, op)).toEqual(backupOp);
    expect(toJson(OperationSchema, fromBinary(OperationSchema, toBinary(OperationSchema, op)))).toEqual(
      backupOp,
    );
  });

  it('uses the reference JSON keys for every oneof member', () => {
    const members: OperationJson[] = [
      {
        operationIndexSnapshot: { snapshot: { id: 'abc', unixTimeMs: '1', paths: ['/'], tags: ['plan:x'] } },
      },
      { operationForget: { forget: [{ id: 'abc' }], policy: { policyKeepLastN: 3 } } },
      { operationPrune: { outputLogref: 'c-1' } },
      { operationRestore: { path: '/etc', target: '/tmp/r', lastStatus: { messageType: 'summary' } } },
      { operationStats: { stats: { totalSize: '10', compressionRatio: 1.5, snapshotCount: '2' } } },
      { operationRunHook: { parentOp: '7', name: 'hook', condition: 'CONDITION_SNAPSHOT_END' } },
      { operationCheck: { outputLogref: 'c-2' } },
      { operationRunCommand: { command: 'snapshots', outputLogref: 'c-3', outputSizeBytes: '99' } },
    ];
    for (const json of members)
      expect(toJson(OperationSchema, fromJson(OperationSchema, json))).toEqual(json);
    const hook = fromJson(OperationSchema, members[5] as OperationJson);
    expect(hook.op.case === 'operationRunHook' && hook.op.value.condition).toBe(Hook_Condition.SNAPSHOT_END);
  });

  it('keeps the sync-only fields at their reference JSON names', () => {
    const json: OperationJson = {
      id: '2',
      originalId: '9',
      originalFlowId: '8',
      originalInstanceKeyid: 'ed25519.abc',
    };
    expect(toJson(OperationSchema, fromJson(OperationSchema, json))).toEqual(json);
  });
});

describe('OperationEvent protojson', () => {
  it('encodes a keep-alive as an empty types.Empty object', () => {
    const event = create(OperationEventSchema, { event: { case: 'keepAlive', value: {} } });
    expect(toJson(OperationEventSchema, event)).toEqual({ keepAlive: {} });
  });

  it('encodes deleted ids as a types.Int64List of strings', () => {
    const event = fromJson(OperationEventSchema, { deletedOperations: { values: [1, '2'] } });
    expect(toJson(OperationEventSchema, event)).toEqual({ deletedOperations: { values: ['1', '2'] } });
  });

  it('carries full operations for created and updated events', () => {
    const json = { createdOperations: { operations: [backupOp] } };
    expect(toJson(OperationEventSchema, fromJson(OperationEventSchema, json))).toEqual(json);
    const list = fromJson(OperationListSchema, { operations: [backupOp, backupOp] });
    expect(list.operations).toHaveLength(2);
  });
});

describe('SummaryDashboardResponse protojson', () => {
  it('uses the digit-bearing camelCase keys of the reference', () => {
    const json = {
      repoSummaries: [
        {
          id: 'b2',
          backupsFailed30days: '1',
          backupsWarningLast30days: '2',
          backupsSuccessLast30days: '27',
          bytesScannedLast30days: '1000',
          bytesAddedLast30days: '100',
          totalSnapshots: '30',
          bytesScannedAvg: '33',
          bytesAddedAvg: '3',
          nextBackupTimeMs: '1747003600000',
          recentBackups: {
            flowId: ['1', '2'],
            timestampMs: ['10', '20'],
            durationMs: ['5', '6'],
            status: ['STATUS_SUCCESS', 'STATUS_ERROR'],
            bytesAdded: ['7', '0'],
          },
          protectedBytes: '5000',
          historyLast30days: [
            {
              timestampMs: '1746921600000',
              bytesAdded: '7',
              bytesScanned: '70',
              statusCounts: [{ count: '1', status: 'STATUS_SUCCESS' }],
              overdue: true,
            },
          ],
        },
      ],
      planSummaries: [{ id: 'home' }],
      configPath: '/config/config.json',
      dataPath: '/data',
    };
    const msg = fromJson(SummaryDashboardResponseSchema, json);
    expect(toJson(SummaryDashboardResponseSchema, msg)).toEqual(json);
  });
});

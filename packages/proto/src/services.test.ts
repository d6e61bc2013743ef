import type { DescService } from '@bufbuild/protobuf';
import { describe, expect, it } from 'vitest';
import { Authentication, Backrest, BackrestSyncService, BackrestSyncStateService } from './index.js';

// Expected RPCs transcribed from backrest-api.md §3.1, §3.2 and §11: [name, kind, input, output].
type Rpc = [string, 'unary' | 'server_streaming' | 'bidi_streaming', string, string];

const backrest: Rpc[] = [
  ['GetConfig', 'unary', 'google.protobuf.Empty', 'v1.Config'],
  ['SetConfig', 'unary', 'v1.Config', 'v1.Config'],
  ['SetupSftp', 'unary', 'v1.SetupSftpRequest', 'v1.SetupSftpResponse'],
  ['CheckRepoExists', 'unary', 'v1.CheckRepoExistsRequest', 'v1.CheckRepoExistsResponse'],
  ['AddRepo', 'unary', 'v1.AddRepoRequest', 'v1.Config'],
  ['RemoveRepo', 'unary', 'v1.RemoveRepoRequest', 'v1.Config'],
  ['GetOperationEvents', 'server_streaming', 'google.protobuf.Empty', 'v1.OperationEvent'],
  ['GetOperations', 'unary', 'v1.GetOperationsRequest', 'v1.OperationList'],
  ['ListSnapshots', 'unary', 'v1.ListSnapshotsRequest', 'v1.ResticSnapshotList'],
  ['ListSnapshotFiles', 'unary', 'v1.ListSnapshotFilesRequest', 'v1.ListSnapshotFilesResponse'],
  ['Backup', 'unary', 'v1.BackupRequest', 'google.protobuf.Empty'],
  ['DoRepoTask', 'unary', 'v1.DoRepoTaskRequest', 'v1.ScheduleTaskResponse'],
  ['Forget', 'unary', 'v1.ForgetRequest', 'v1.ScheduleTaskResponse'],
  ['Restore', 'unary', 'v1.RestoreSnapshotRequest', 'v1.ScheduleTaskResponse'],
  ['Cancel', 'unary', 'v1.CancelOperationRequest', 'google.protobuf.Empty'],
  ['GetLogs', 'server_streaming', 'v1.LogDataRequest', 'types.BytesValue'],
  ['RunCommand', 'unary', 'v1.RunCommandRequest', 'v1.RunCommandResponse'],
  ['GetDownloadURL', 'unary', 'v1.GetDownloadURLRequest', 'types.StringValue'],
  ['ClearHistory', 'unary', 'v1.ClearHistoryRequest', 'google.protobuf.Empty'],
  ['PathAutocomplete', 'unary', 'types.StringValue', 'types.StringList'],
  ['GetSummaryDashboard', 'unary', 'google.protobuf.Empty', 'v1.SummaryDashboardResponse'],
  ['GeneratePairingToken', 'unary', 'v1.GeneratePairingTokenRequest', 'v1.GeneratePairingTokenResponse'],
];

const authentication: Rpc[] = [
  ['Login', 'unary', 'v1.LoginRequest', 'v1.LoginResponse'],
  ['HashPassword', 'unary', 'types.StringValue', 'types.StringValue'],
];

const syncService: Rpc[] = [['Sync', 'bidi_streaming', 'v1sync.SyncStreamItem', 'v1sync.SyncStreamItem']];

const syncStateService: Rpc[] = [
  ['GetPeerSyncStatesStream', 'server_streaming', 'v1sync.SyncStateStreamRequest', 'v1sync.PeerState'],
  [
    'SetRemoteClientConfig',
    'unary',
    'v1sync.SetRemoteClientConfigRequest',
    'v1sync.SetRemoteClientConfigResponse',
  ],
];

function describeRpcs(service: DescService): Rpc[] {
  return service.methods.map((m) => [m.name, m.methodKind, m.input.typeName, m.output.typeName] as Rpc);
}

describe.each([
  ['v1.Backrest', Backrest, backrest],
  ['v1.Authentication', Authentication, authentication],
  ['v1sync.BackrestSyncService', BackrestSyncService, syncService],
  ['v1sync.BackrestSyncStateService', BackrestSyncStateService, syncStateService],
])('service %s', (typeName, service, rpcs) => {
  it('has the reference type name', () => {
    expect(service.typeName).toBe(typeName);
  });

  it('lists exactly the reference RPCs, kinds and message types', () => {
    expect(describeRpcs(service)).toEqual(rpcs);
  });

  it('declares no idempotency level, so Connect GET stays unavailable as in Backrest', () => {
    for (const method of service.methods) expect(method.idempotency).toBe(0);
  });
});

describe('procedure paths', () => {
  it('are /<package>.<Service>/<Method>', () => {
    const paths = [...Backrest.methods, ...Authentication.methods].map(
      (m) => `/${m.parent.typeName}/${m.name}`,
    );
    expect(paths).toContain('/v1.Backrest/GetOperations');
    expect(paths).toContain('/v1.Authentication/Login');
    expect(paths).toHaveLength(24);
  });
});

import { create } from '@bufbuild/protobuf';
import {
  BackupProgressEntrySchema,
  BackupProgressStatusEntrySchema,
  BackupProgressSummarySchema,
  ConfigSchema,
  OperationBackupSchema,
  OperationIndexSnapshotSchema,
  OperationSchema,
  OperationStatus,
  PlanSchema,
  RepoSchema,
  ResticSnapshotSchema,
  RetentionPolicySchema,
  ScheduleSchema,
  Schedule_Clock,
  AuthSchema,
} from '@restora/proto';
import type { Config, Operation } from '@restora/proto';

// Deterministic demo data for the bench page and UI screenshots (not used by the real app).
export function fakeConfig(): Config {
  return create(ConfigSchema, {
    modno: 3,
    version: 6,
    instance: 'demo-host',
    auth: create(AuthSchema, { disabled: true }),
    repos: [
      create(RepoSchema, {
        id: 'local-disk',
        uri: '/mnt/backups/restic',
        guid: 'a'.repeat(64),
        password: 'x',
      }),
      create(RepoSchema, {
        id: 'b2-offsite',
        uri: 'b2:my-bucket:restic',
        guid: 'b'.repeat(64),
        env: ['B2_ACCOUNT_ID=id', 'B2_ACCOUNT_KEY=key'],
      }),
    ],
    plans: [
      create(PlanSchema, {
        id: 'documents',
        repo: 'local-disk',
        paths: ['/home/alice/Documents'],
        excludes: ['*.tmp'],
        schedule: create(ScheduleSchema, {
          schedule: { case: 'cron', value: '0 2 * * *' },
          clock: Schedule_Clock.LOCAL,
        }),
        retention: create(RetentionPolicySchema, { policy: { case: 'policyKeepLastN', value: 30 } }),
      }),
      create(PlanSchema, {
        id: 'photos',
        repo: 'b2-offsite',
        paths: ['/srv/photos'],
        schedule: create(ScheduleSchema, {
          schedule: { case: 'maxFrequencyHours', value: 6 },
          clock: Schedule_Clock.LAST_RUN_TIME,
        }),
      }),
    ],
  });
}

const HOUR = 3_600_000;

/** n backup flows for a plan (backup + index snapshot), newest in progress, a few failures. */
export function fakeOps(n: number, planId = 'documents', now = Date.now()): Operation[] {
  const ops: Operation[] = [];
  const flows = Math.ceil(n / 2);
  for (let i = 0; i < flows && ops.length < n; i++) {
    const id = BigInt(i * 2 + 1);
    const start = now - (flows - i) * HOUR;
    const last = i === flows - 1;
    const failed = i % 97 === 13;
    const snap = (i.toString(16).padStart(8, '0') + 'f'.repeat(56)).slice(0, 64);
    const status = last
      ? OperationStatus.STATUS_INPROGRESS
      : failed
        ? OperationStatus.STATUS_ERROR
        : OperationStatus.STATUS_SUCCESS;
    const entry = last
      ? create(BackupProgressEntrySchema, {
          entry: {
            case: 'status',
            value: create(BackupProgressStatusEntrySchema, {
              percentDone: 0.42,
              totalFiles: 12000n,
              filesDone: 5040n,
              totalBytes: 8_000_000_000n,
              bytesDone: 3_360_000_000n,
              currentFile: ['/home/alice/Documents/report.pdf'],
            }),
          },
        })
      : create(BackupProgressEntrySchema, {
          entry: {
            case: 'summary',
            value: create(BackupProgressSummarySchema, {
              dataAdded: BigInt(1_000_000 + i * 1337),
              totalBytesProcessed: 8_000_000_000n,
              filesNew: BigInt(i % 17),
              filesChanged: BigInt(i % 5),
              snapshotId: failed ? '' : snap,
            }),
          },
        });
    ops.push(
      create(OperationSchema, {
        id,
        flowId: id,
        modno: id,
        repoId: 'local-disk',
        repoGuid: 'a'.repeat(64),
        planId,
        instanceId: 'demo-host',
        status,
        snapshotId: failed || last ? '' : snap,
        unixTimeStartMs: BigInt(start),
        unixTimeEndMs: last ? 0n : BigInt(start + 95_000),
        displayMessage: failed
          ? 'exit code 1: backup failed: Fatal: unable to open repository: permission denied'
          : '',
        op: { case: 'operationBackup', value: create(OperationBackupSchema, { lastStatus: entry }) },
      }),
    );
    if (!failed && !last && ops.length < n) {
      ops.push(
        create(OperationSchema, {
          id: id + 1n,
          flowId: id,
          modno: id + 1n,
          repoId: 'local-disk',
          repoGuid: 'a'.repeat(64),
          planId,
          instanceId: 'demo-host',
          status: OperationStatus.STATUS_SUCCESS,
          snapshotId: snap,
          unixTimeStartMs: BigInt(start + 95_000),
          unixTimeEndMs: BigInt(start + 96_000),
          op: {
            case: 'operationIndexSnapshot',
            value: create(OperationIndexSnapshotSchema, {
              snapshot: create(ResticSnapshotSchema, {
                id: snap,
                unixTimeMs: BigInt(start),
                paths: ['/home/alice/Documents'],
                hostname: 'demo-host',
                tags: [`plan:${planId}`, 'created-by:demo-host'],
              }),
            }),
          },
        }),
      );
    }
  }
  return ops;
}

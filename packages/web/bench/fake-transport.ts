import { create, toJson, toJsonString } from '@bufbuild/protobuf';
import type { Transport } from '@connectrpc/connect';
import { createConnectTransport } from '@connectrpc/connect-web';
import {
  ConfigSchema,
  LsEntrySchema,
  OperationListSchema,
  OperationStatus,
  ResticSnapshotListSchema,
  SummaryDashboardResponseSchema,
  SummaryDashboardResponse_BackupChartSchema,
  SummaryDashboardResponse_DayStatusBucketSchema,
  SummaryDashboardResponse_StatusAndCountSchema,
  SummaryDashboardResponse_SummarySchema,
  ListSnapshotFilesResponseSchema,
} from '@restora/proto';
import type { Operation } from '@restora/proto';
import { fakeConfig, fakeOps } from './fake-data.js';
import { createFakeFetch } from './fake-fetch.js';
import { PLAN_PAGE_SIZE } from '../src/views/plan-view.js';

const DAY = 86_400_000;

function summary(id: string, now: number, bad: boolean) {
  const days = Array.from({ length: 30 }, (_, i) => {
    const failed = bad && (i === 27 || i === 29);
    return create(SummaryDashboardResponse_DayStatusBucketSchema, {
      timestampMs: BigInt(now - (29 - i) * DAY),
      bytesAdded: BigInt(Math.round(5e7 + 4e7 * Math.sin(i / 3))),
      bytesScanned: BigInt(8e9 + i * 1e7),
      overdue: bad && i === 29,
      statusCounts: [
        create(SummaryDashboardResponse_StatusAndCountSchema, {
          status: failed ? OperationStatus.STATUS_ERROR : OperationStatus.STATUS_SUCCESS,
          count: 1n,
        }),
      ],
    });
  });
  return create(SummaryDashboardResponse_SummarySchema, {
    id,
    backupsSuccessLast30days: 28n,
    backupsFailed30days: bad ? 2n : 0n,
    bytesAddedLast30days: 1_500_000_000n,
    bytesScannedLast30days: 240_000_000_000n,
    totalSnapshots: 30n,
    nextBackupTimeMs: BigInt(now + 5 * 3_600_000),
    historyLast30days: days,
    recentBackups: create(SummaryDashboardResponse_BackupChartSchema, {
      timestampMs: days.map((d) => d.timestampMs),
      durationMs: days.map((_, i) => BigInt(60_000 + i * 3000)),
      status: days.map((d) => d.statusCounts[0]!.status),
      bytesAdded: days.map((d) => d.bytesAdded),
      flowId: days.map((_, i) => BigInt(i)),
    }),
  });
}

function entries(path: string) {
  const p = path.replace(/\/$/, '');
  return [
    create(LsEntrySchema, { name: p.split('/').pop() ?? '', type: 'dir', path }),
    create(LsEntrySchema, {
      name: 'Projects',
      type: 'dir',
      path: `${p}/Projects`,
      mtime: '2026-11-20T10:00:00Z',
    }),
    create(LsEntrySchema, {
      name: 'report.pdf',
      type: 'file',
      path: `${p}/report.pdf`,
      size: 1_234_567n,
      mtime: '2026-11-21T09:30:00Z',
    }),
    create(LsEntrySchema, {
      name: 'notes.txt',
      type: 'file',
      path: `${p}/notes.txt`,
      size: 2_048n,
      mtime: '2026-11-21T18:05:00Z',
    }),
  ];
}

/** An in-page Backrest backend with `opCount` operations, answering Connect JSON through a fake fetch. */
export function createFakeTransport(opCount: number): Transport {
  let config = fakeConfig();
  const now = Date.now();
  const ops: Operation[] = fakeOps(opCount, 'documents', now);
  // Responses for the big lists are serialised once, up front, as a server would have them ready.
  const cache = new Map<number, string>();
  const opsJson = (lastN: number) => {
    let s = cache.get(lastN);
    if (!s) {
      s = toJsonString(
        OperationListSchema,
        create(OperationListSchema, { operations: lastN > 0 ? ops.slice(-lastN) : ops }),
      );
      cache.set(lastN, s);
    }
    return s;
  };
  opsJson(0);
  opsJson(PLAN_PAGE_SIZE);
  const fetch = createFakeFetch(
    {
      Login: () => ({ token: 'fake' }),
      HashPassword: (r) => ({ value: btoa((r as { value: string }).value) }),
      GetConfig: () => toJsonString(ConfigSchema, config),
      SetConfig: (r) => {
        (r as { modno: number }).modno++;
        config = { ...config, ...(r as object) } as typeof config;
        return r as object;
      },
      GetOperations: (r) => {
        const req = r as {
          selector?: { planId?: string; repoGuid?: string; snapshotId?: string };
          lastN?: string;
        };
        const s = req.selector ?? {};
        const match = s.planId === 'documents' || s.repoGuid === 'a'.repeat(64) || !!s.snapshotId;
        return match ? opsJson(Number(req.lastN ?? 0)) : '{}';
      },
      GetSummaryDashboard: () =>
        toJson(
          SummaryDashboardResponseSchema,
          create(SummaryDashboardResponseSchema, {
            planSummaries: [summary('documents', now, false), summary('photos', now, true)],
            repoSummaries: [summary('local-disk', now, false), summary('b2-offsite', now, true)],
            configPath: '/home/alice/.config/restora/config.json',
            dataPath: '/home/alice/.local/share/restora',
          }),
        ) as object,
      ListSnapshots: () =>
        toJson(
          ResticSnapshotListSchema,
          create(ResticSnapshotListSchema, {
            snapshots: ops
              .flatMap((o) =>
                o.op.case === 'operationIndexSnapshot' && o.op.value.snapshot ? [o.op.value.snapshot] : [],
              )
              .slice(-40),
          }),
        ) as object,
      ListSnapshotFiles: (r) => {
        const path = (r as { path?: string }).path || '/';
        return toJson(
          ListSnapshotFilesResponseSchema,
          create(ListSnapshotFilesResponseSchema, { path, entries: entries(path) }),
        ) as object;
      },
      PathAutocomplete: () => ({ values: ['home', 'srv', 'mnt'] }),
      CheckRepoExists: () => ({ exists: true }),
      Backup: () => ({}),
      Cancel: () => ({}),
    },
    {
      GetOperationEvents: () => 'forever',
      GetLogs: () => [{ value: btoa('repository a1b2c3 opened\nscanning /home/alice/Documents\n') }],
    },
  );
  return createConnectTransport({ baseUrl: 'http://fake.invalid', useBinaryFormat: false, fetch });
}

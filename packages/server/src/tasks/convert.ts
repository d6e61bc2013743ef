import { create } from '@bufbuild/protobuf';
import { BackupProgressSummarySchema, ResticSnapshotSchema, SnapshotSummarySchema } from '@restora/proto';
import type { BackupProgressSummary, ResticSnapshot, RetentionPolicy } from '@restora/proto';
import type { ForgetFlags, PortBackupSummary, PortSnapshot } from './restic-port.js';

const big = (v: unknown): bigint => {
  const n = Number(v);
  return Number.isFinite(n) ? BigInt(Math.trunc(n)) : 0n;
};

export const planTag = (planId: string) => `plan:${planId}`;
export const instanceTag = (instanceId: string) => `created-by:${instanceId}`;

export function summaryToProto(s: PortBackupSummary, snapshotId = s.snapshotId ?? ''): BackupProgressSummary {
  return create(BackupProgressSummarySchema, {
    filesNew: big(s.filesNew),
    filesChanged: big(s.filesChanged),
    filesUnmodified: big(s.filesUnmodified),
    dirsNew: big(s.dirsNew),
    dirsChanged: big(s.dirsChanged),
    dirsUnmodified: big(s.dirsUnmodified),
    dataBlobs: big(s.dataBlobs),
    treeBlobs: big(s.treeBlobs),
    dataAdded: big(s.dataAdded),
    totalFilesProcessed: big(s.totalFilesProcessed),
    totalBytesProcessed: big(s.totalBytesProcessed),
    totalDuration: Number(s.totalDuration) || 0,
    snapshotId,
  });
}

export function snapshotToProto(s: PortSnapshot): ResticSnapshot {
  const sum = s.summary ?? {};
  const g = (k: string, alt: string) => big(sum[k] ?? sum[alt]);
  const hasSummary = Object.keys(sum).length > 0;
  return create(ResticSnapshotSchema, {
    id: s.id,
    unixTimeMs: BigInt(Date.parse(s.time) || 0),
    hostname: s.hostname ?? '',
    username: s.username ?? '',
    tree: s.tree ?? '',
    parent: s.parent ?? '',
    paths: s.paths ?? [],
    tags: s.tags ?? [],
    ...(hasSummary
      ? {
          summary: create(SnapshotSummarySchema, {
            filesNew: g('filesNew', 'files_new'),
            filesChanged: g('filesChanged', 'files_changed'),
            filesUnmodified: g('filesUnmodified', 'files_unmodified'),
            dirsNew: g('dirsNew', 'dirs_new'),
            dirsChanged: g('dirsChanged', 'dirs_changed'),
            dirsUnmodified: g('dirsUnmodified', 'dirs_unmodified'),
            dataBlobs: g('dataBlobs', 'data_blobs'),
            treeBlobs: g('treeBlobs', 'tree_blobs'),
            dataAdded: g('dataAdded', 'data_added'),
            totalFilesProcessed: g('totalFilesProcessed', 'total_files_processed'),
            totalBytesProcessed: g('totalBytesProcessed', 'total_bytes_processed'),
            totalDuration: snapshotDurationSec(s),
          }),
        }
      : {}),
  });
}

/** Backup duration in seconds from a snapshot's summary (restic >= 0.17 stores backup_start/end). */
export function snapshotDurationSec(s: PortSnapshot): number {
  const sum = s.summary ?? {};
  const start = Date.parse(String(sum.backupStart ?? sum.backup_start ?? ''));
  const end = Date.parse(String(sum.backupEnd ?? sum.backup_end ?? ''));
  return Number.isFinite(start) && Number.isFinite(end) ? Math.max(0, (end - start) / 1000) : 0;
}

/** Backrest's retention → restic keep flags (zero counts omitted). Null for keep-all / unset. */
export function retentionToFlags(policy: RetentionPolicy | undefined): ForgetFlags | null {
  const p = policy?.policy;
  if (!p || p.case === undefined || p.case === 'policyKeepAll') return null;
  if (p.case === 'policyKeepLastN') return p.value > 0 ? { keepLast: p.value } : null;
  const b = p.value;
  const flags: ForgetFlags = {};
  if (b.keepLastN > 0) flags.keepLast = b.keepLastN;
  if (b.hourly > 0) flags.keepHourly = b.hourly;
  if (b.daily > 0) flags.keepDaily = b.daily;
  if (b.weekly > 0) flags.keepWeekly = b.weekly;
  if (b.monthly > 0) flags.keepMonthly = b.monthly;
  if (b.yearly > 0) flags.keepYearly = b.yearly;
  return Object.keys(flags).length > 0 ? flags : null;
}

/** restic forget arguments for a set of flags (shared by the adapter and tests). */
export function forgetFlagArgs(f: ForgetFlags): string[] {
  const out: string[] = [];
  const n = (flag: string, v: number | undefined) => {
    if (v !== undefined && v !== 0) out.push(flag, String(v));
  };
  const d = (flag: string, v: string | undefined) => {
    if (v) out.push(flag, v);
  };
  n('--keep-last', f.keepLast);
  n('--keep-hourly', f.keepHourly);
  n('--keep-daily', f.keepDaily);
  n('--keep-weekly', f.keepWeekly);
  n('--keep-monthly', f.keepMonthly);
  n('--keep-yearly', f.keepYearly);
  d('--keep-within', f.keepWithin);
  d('--keep-within-hourly', f.keepWithinHourly);
  d('--keep-within-daily', f.keepWithinDaily);
  d('--keep-within-weekly', f.keepWithinWeekly);
  d('--keep-within-monthly', f.keepWithinMonthly);
  d('--keep-within-yearly', f.keepWithinYearly);
  for (const t of f.keepTags ?? []) out.push('--keep-tag', t);
  return out;
}

export function errorMessage(err: unknown): string {
  if (err instanceof Error) return err.message;
  return String(err);
}

// The narrow restic surface tasks use. The adapter over @restora/restic implements it; tests use fakes.
import type { BackupSummary, ForgetOptions } from '@restora/restic';

export interface PortSnapshot {
  id: string;
  time: string;
  tree?: string;
  parent?: string;
  paths: string[];
  hostname?: string;
  username?: string;
  tags?: string[];
  summary?: Record<string, unknown>;
}

export type PortBackupSummary = Omit<
  BackupSummary,
  'dataAddedPacked' | 'dryRun' | 'backupStart' | 'backupEnd'
>;

export type PortBackupEvent =
  | {
      type: 'status';
      percentDone: number;
      totalFiles?: number;
      filesDone?: number;
      totalBytes?: number;
      bytesDone?: number;
      currentFiles?: string[];
    }
  | { type: 'error'; message: string; during?: string; item?: string }
  | { type: 'line'; line: string };

export interface PortBackupResult extends PortBackupSummary {
  /** Some source data could not be read (exit 3): a WARNING, not a failure. */
  incomplete: boolean;
}

export interface BackupArgs {
  paths: string[];
  excludes: string[];
  iexcludes: string[];
  tags: string[];
  /** Extra flags appended verbatim (Plan.backup_flags, shlex-split). */
  flags: string[];
  dryRun: boolean;
  parent?: string;
  signal: AbortSignal;
  onEvent: (e: PortBackupEvent) => void;
}

/** Retention flags; keepWithin* take durations like `2y5m7d3h` (Backrest does not expose those, #365). */
export type ForgetFlags = Pick<
  ForgetOptions,
  | 'keepLast'
  | 'keepHourly'
  | 'keepDaily'
  | 'keepWeekly'
  | 'keepMonthly'
  | 'keepYearly'
  | 'keepWithin'
  | 'keepWithinHourly'
  | 'keepWithinDaily'
  | 'keepWithinWeekly'
  | 'keepWithinMonthly'
  | 'keepWithinYearly'
> & {
  /** Snapshots with any of these tags are always kept (`--keep-tag`). */
  keepTags?: string[];
};

export interface ForgetArgs {
  flags?: ForgetFlags;
  /** Tag filter: snapshots having ALL these tags (`--tag a,b`). */
  tags?: string[];
  /** `--group-by`; [] means everything in one group (`--group-by ''`). */
  groupBy?: ('host' | 'paths' | 'tags')[];
  /** Forget exactly these snapshots (no policy). */
  snapshotIds?: string[];
  signal: AbortSignal;
}

export interface OutputArgs {
  signal: AbortSignal;
  /** Command output, as it arrives (goes to the op's log). */
  onOutput?: (chunk: string) => void;
}

export interface PortStats {
  totalSize: number;
  totalUncompressedSize?: number;
  compressionRatio?: number;
  totalBlobCount?: number;
  snapshotsCount?: number;
}

export interface RestoreArgs {
  snapshotId: string;
  /** Directory inside the snapshot to restore (`<snap>:<dir>`), or '' for everything. */
  path: string;
  target: string;
  signal: AbortSignal;
  onProgress: (p: {
    percentDone: number;
    totalBytes?: number;
    bytesRestored?: number;
    totalFiles?: number;
    filesRestored?: number;
    secondsElapsed?: number;
    summary: boolean;
  }) => void;
  /** A file restic could not restore (the restore goes on; the task logs it). */
  onError?: (e: { message: string; item?: string }) => void;
}

export interface ResticPort {
  backup(args: BackupArgs): Promise<PortBackupResult>;
  snapshots(args: { tags?: string[]; signal: AbortSignal }): Promise<PortSnapshot[]>;
  forget(args: ForgetArgs): Promise<{ removed: PortSnapshot[] }>;
  prune(args: OutputArgs & { maxUnused?: string }): Promise<void>;
  check(args: OutputArgs & { readDataSubset?: string }): Promise<void>;
  stats(args: { signal: AbortSignal }): Promise<PortStats>;
  restore(args: RestoreArgs): Promise<void>;
  unlock(args: { signal: AbortSignal; removeAll?: boolean }): Promise<void>;
  /** Creates the repository; tolerates "already initialized". Returns the repository id. */
  init(args: { signal: AbortSignal }): Promise<string>;
  /** Repository id (`restic cat config`). */
  repoId(args: { signal: AbortSignal }): Promise<string>;
  /** `restic <args>` with output streamed; resolves with the exit code. */
  run(args: string[], opts: OutputArgs): Promise<number>;
}

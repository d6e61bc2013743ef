/** Typed results. Field names are restic's JSON names in camelCase; times stay RFC 3339 strings. */

export interface Snapshot {
  /** Full 64-hex id. */
  id: string;
  shortId: string;
  time: string;
  parent?: string;
  tree: string;
  paths: string[];
  hostname?: string;
  username?: string;
  uid?: number;
  gid?: number;
  excludes?: string[];
  tags?: string[];
  original?: string;
  programVersion?: string;
  summary?: Record<string, unknown>;
}

export interface SnapshotGroup {
  groupKey: { hostname?: string; paths?: string[] | null; tags?: string[] | null };
  snapshots: Snapshot[];
}

export interface BackupSummary {
  filesNew: number;
  filesChanged: number;
  filesUnmodified: number;
  dirsNew: number;
  dirsChanged: number;
  dirsUnmodified: number;
  dataBlobs: number;
  treeBlobs: number;
  dataAdded: number;
  dataAddedPacked?: number;
  totalFilesProcessed: number;
  totalBytesProcessed: number;
  /** Seconds. */
  totalDuration: number;
  /** Full 64-hex id (0.14's short id is resolved). Absent for dry runs and skipped unchanged backups. */
  snapshotId?: string;
  dryRun?: boolean;
  backupStart?: string;
  backupEnd?: string;
}

/** backup() result: the summary plus problems that did not stop the backup (exit code 3 or skipped paths). */
export interface BackupResult extends BackupSummary {
  /** True when some source data could not be read (exit 3, or 0.14's "does not exist, skipping"). */
  incomplete: boolean;
  errors: BackupErrorMessage[];
  /** Non-JSON warnings restic printed on stderr. */
  warnings: string[];
}

export interface BackupStatusMessage {
  messageType: 'status';
  percentDone: number;
  secondsElapsed?: number;
  /** Absent when unknown (0.14 prints 2^63). */
  secondsRemaining?: number;
  totalFiles?: number;
  filesDone?: number;
  totalBytes?: number;
  bytesDone?: number;
  errorCount?: number;
  currentFiles?: string[];
}

export interface BackupVerboseStatusMessage {
  messageType: 'verbose_status';
  action: 'new' | 'unchanged' | 'modified' | 'scan_finished' | 'excluded_item' | string;
  item?: string;
  duration?: number;
  dataSize?: number;
  dataSizeInRepo?: number;
  metadataSize?: number;
  metadataSizeInRepo?: number;
  totalFiles?: number;
  totalBytes?: number;
}

export interface BackupErrorMessage {
  messageType: 'error';
  /** Human-readable text (rebuilt from 0.14's Go error structs). */
  message: string;
  during?: string;
  item?: string;
}

export interface BackupSummaryMessage extends BackupSummary {
  messageType: 'summary';
}

export type BackupMessage =
  BackupStatusMessage | BackupVerboseStatusMessage | BackupErrorMessage | BackupSummaryMessage;

export interface RestoreSummary {
  /** Counters are reported by restic >= 0.16; absent on older versions. */
  totalFiles?: number;
  filesRestored?: number;
  filesSkipped?: number;
  filesDeleted?: number;
  totalBytes?: number;
  bytesRestored?: number;
  bytesSkipped?: number;
  secondsElapsed?: number;
  /** Snapshot that was restored (short id as restic printed it, when known). */
  snapshotId?: string;
  targetDir: string;
}

export interface RestoreStatusMessage {
  messageType: 'status';
  percentDone: number;
  secondsElapsed?: number;
  totalFiles?: number;
  filesRestored?: number;
  filesSkipped?: number;
  totalBytes?: number;
  bytesRestored?: number;
  bytesSkipped?: number;
}

export interface RestoreVerboseStatusMessage {
  messageType: 'verbose_status';
  action: string;
  item: string;
  size?: number;
}

export interface RestoreErrorMessage {
  messageType: 'error';
  message: string;
  during?: string;
  item?: string;
}

export interface RestoreSummaryMessage extends RestoreSummary {
  messageType: 'summary';
}

export type RestoreMessage =
  RestoreStatusMessage | RestoreVerboseStatusMessage | RestoreErrorMessage | RestoreSummaryMessage;

export interface LsNode {
  name: string;
  type: 'file' | 'dir' | 'symlink' | 'dev' | 'chardev' | 'fifo' | 'socket' | 'irregular' | string;
  path: string;
  uid?: number;
  gid?: number;
  size?: number;
  mode?: number;
  permissions?: string;
  mtime?: string;
  atime?: string;
  ctime?: string;
  inode?: number;
}

export interface FindMatch extends Partial<LsNode> {
  path: string;
  user?: string;
  group?: string;
  deviceId?: number;
  links?: number;
  linktarget?: string;
}

export interface FindResult {
  /** Full snapshot id. */
  snapshot: string;
  hits: number;
  matches: FindMatch[];
}

export interface ForgetReason {
  snapshot: Omit<Snapshot, 'id' | 'shortId'> & { id?: string; shortId?: string };
  matches: string[];
  counters: Record<string, unknown>;
}

export interface ForgetGroup {
  tags: string[] | null;
  host: string;
  paths: string[] | null;
  keep: Snapshot[];
  remove: Snapshot[];
  reasons: ForgetReason[];
}

export interface ForgetResult {
  groups: ForgetGroup[];
  /** Ids of removed (or, on a dry run, to-be-removed) snapshots. */
  removed: string[];
  kept: string[];
  /** Text printed by the prune step when `prune: true`. */
  pruneOutput?: string;
}

export interface StatsResult {
  totalSize: number;
  totalFileCount?: number;
  totalBlobCount?: number;
  snapshotsCount?: number;
  totalUncompressedSize?: number;
  compressionRatio?: number;
  compressionProgress?: number;
  compressionSpaceSaving?: number;
}

export interface KeyInfo {
  current: boolean;
  /** 8 chars up to 0.16, full id from 0.17. */
  id: string;
  userName: string;
  hostName: string;
  /** Local time `YYYY-MM-DD HH:MM:SS` as restic prints it. */
  created: string;
}

export interface CheckResult {
  /** No errors were found. */
  ok: boolean;
  numErrors?: number;
  /** Error lines restic reported. */
  errors: string[];
  brokenPacks?: string[];
  suggestRepairIndex?: boolean;
  suggestPrune?: boolean;
  /** Full text output (0.14-0.17 print only text). */
  output: string;
}

export interface CopiedSnapshot {
  /** Short id in the source repository. */
  source: string;
  /** Short id of the copy in the target repository. */
  target: string;
}

export interface CopyResult {
  copied: CopiedSnapshot[];
  output: string;
}

export interface DiffChange {
  path: string;
  /** `+` added, `-` removed, `T` type changed, `M` content modified, `U` metadata, `?` bitrot. */
  modifier: '+' | '-' | 'T' | 'M' | 'U' | '?' | string;
}

export interface DiffCounts {
  files?: number;
  dirs?: number;
  others?: number;
  dataBlobs?: number;
  treeBlobs?: number;
  bytes?: number;
}

export interface DiffResult {
  changes: DiffChange[];
  sourceSnapshot: string;
  targetSnapshot: string;
  changedFiles: number;
  added: DiffCounts;
  removed: DiffCounts;
}

export interface TagResult {
  changedSnapshots: number;
}

export interface InitResult {
  /** Full 64-hex repository id. */
  id: string;
  /** Repository location as restic printed it (credentials masked). */
  repository: string;
}

export interface RunResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

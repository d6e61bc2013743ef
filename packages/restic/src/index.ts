export { Restic } from './restic.js';
export { ResticError, isResticError, type ResticErrorCode } from './errors.js';
export { resolveBinary, INSTALL_HINT } from './binary.js';
export {
  parseVersionOutput,
  compareVersions,
  atLeast,
  supports,
  FEATURES,
  FLAG_MIN_VERSIONS,
  type Feature,
  type ResticVersionInfo,
} from './version.js';
export { sftpArgsAsCommand, sftpTarget } from './sftp-command.js';
export { redact } from './process/redact.js';
export type {
  ResticOptions,
  CallOptions,
  TagFilter,
  SnapshotFilter,
  GroupBy,
  GroupByField,
} from './options.js';
export type { MessageStream } from './process/stream.js';
export type * from './types.js';
export type { BackupOptions } from './commands/backup.js';
export type { RestoreOptions } from './commands/restore.js';
export type { SnapshotsOptions } from './commands/snapshots.js';
export type { LsOptions } from './commands/ls.js';
export type { FindOptions } from './commands/find.js';
export type { DiffOptions } from './commands/diff.js';
export type { DumpOptions } from './commands/dump.js';
export type { ForgetOptions } from './commands/forget.js';
export type { PruneOptions, PruneResult, UnlockOptions } from './commands/maintenance.js';
export type { CheckOptions } from './commands/check.js';
export type { CopyOptions } from './commands/copy.js';
export type { FromRepository } from './commands/from-repo.js';
export type { InitOptions } from './commands/init.js';
export type { StatsOptions, StatsMode } from './commands/stats.js';
export type { TagOptions, RewriteOptions } from './commands/tag.js';
export type { ListType, ListedBlob, ListOptions } from './commands/list.js';
export type { GenerateOptions, SelfUpdateOptions, RunOptions } from './commands/misc.js';
export type { CatCommands, CatLockOptions } from './commands/cat.js';
export type { KeyCommands, KeyAddOptions, NewPassword } from './commands/key.js';

import type { Readable } from 'node:stream';
import { backup, backupStream, type BackupOptions } from './commands/backup.js';
import { catCommands, type CatCommands } from './commands/cat.js';
import { check, type CheckOptions } from './commands/check.js';
import { copy, type CopyOptions } from './commands/copy.js';
import { diff, type DiffOptions } from './commands/diff.js';
import { dump, type DumpOptions } from './commands/dump.js';
import { find, type FindOptions } from './commands/find.js';
import { forget, type ForgetOptions } from './commands/forget.js';
import { init, type InitOptions } from './commands/init.js';
import { keyCommands, type KeyCommands } from './commands/key.js';
import { list, type ListedBlob, type ListOptions, type ListType } from './commands/list.js';
import { ls, type LsOptions } from './commands/ls.js';
import {
  prune,
  unlock,
  type PruneOptions,
  type PruneResult,
  type UnlockOptions,
} from './commands/maintenance.js';
import {
  generate,
  run,
  selfUpdate,
  type GenerateOptions,
  type RunOptions,
  type SelfUpdateOptions,
} from './commands/misc.js';
import { restore, restoreStream, type RestoreOptions } from './commands/restore.js';
import { resolveSnapshotId, snapshots, type SnapshotsOptions } from './commands/snapshots.js';
import { stats, type StatsOptions } from './commands/stats.js';
import { rewrite, tag, type RewriteOptions, type TagOptions } from './commands/tag.js';
import { ResticContext } from './context.js';
import type { CallOptions, GroupBy, ResticOptions } from './options.js';
import type { MessageStream } from './process/stream.js';
import type {
  BackupMessage,
  BackupResult,
  CheckResult,
  CopyResult,
  DiffResult,
  FindResult,
  ForgetResult,
  LsNode,
  RestoreMessage,
  RestoreSummary,
  RunResult,
  Snapshot,
  SnapshotGroup,
  StatsResult,
  TagResult,
} from './types.js';
import type { Feature, ResticVersionInfo } from './version.js';

/**
 * One restic repository (or just the binary, for `version`/`generate`). Instances hold no mutable state
 * besides caches, so one instance may serve concurrent calls. Every method accepts `{ signal }`.
 */
export class Restic {
  private readonly ctx: ResticContext;
  /** `restic cat <type>`: config, masterkey, key, snapshot, index, lock, blob, pack. */
  readonly cat: CatCommands;
  /** `restic key`: list, add, remove, passwd. */
  readonly key: KeyCommands;

  constructor(options: ResticOptions = {}) {
    this.ctx = new ResticContext({ ...options });
    this.cat = catCommands(this.ctx);
    this.key = keyCommands(this.ctx);
  }

  /** Options this instance was created with (a copy). */
  get options(): ResticOptions {
    return { ...this.ctx.options };
  }

  /** A new instance for another repository or password, sharing nothing mutable. */
  with(overrides: ResticOptions): Restic {
    return new Restic({ ...this.ctx.options, ...overrides });
  }

  /** Absolute path of the restic binary in use. */
  binary(): Promise<string> {
    return this.ctx.resolveBinary();
  }

  /** restic and Go version of the binary (detected once and cached). */
  version(_o: CallOptions = {}): Promise<ResticVersionInfo> {
    return this.ctx.version();
  }

  /** Whether the installed restic supports a version-gated feature. */
  supports(feature: Feature): Promise<boolean> {
    return this.ctx.supports(feature);
  }

  /** Creates the repository; returns its full id. */
  init(o: InitOptions = {}): Promise<string> {
    return init(this.ctx, o);
  }

  /** Backs up; returns the summary even when some files could not be read (`incomplete: true`). */
  backup(o: BackupOptions): Promise<BackupResult> {
    return backup(this.ctx, o);
  }

  /** Backup progress messages as they arrive; `stream.result` has the final result. */
  backupStream(o: BackupOptions): MessageStream<BackupMessage, BackupResult> {
    return backupStream(this.ctx, o);
  }

  restore(o: RestoreOptions): Promise<RestoreSummary> {
    return restore(this.ctx, o);
  }

  restoreStream(o: RestoreOptions): MessageStream<RestoreMessage, RestoreSummary> {
    return restoreStream(this.ctx, o);
  }

  snapshots(o: SnapshotsOptions & { groupBy: GroupBy }): Promise<SnapshotGroup[]>;
  snapshots(o?: SnapshotsOptions & { groupBy?: undefined }): Promise<Snapshot[]>;
  snapshots(o: SnapshotsOptions = {}): Promise<Snapshot[] | SnapshotGroup[]> {
    return snapshots(this.ctx, o);
  }

  /** Full 64-hex id for a prefix or `latest`. */
  resolveSnapshotId(id: string, o: CallOptions = {}): Promise<string> {
    return resolveSnapshotId(this.ctx, id, o);
  }

  /** Nodes of a snapshot, streamed (no buffering). */
  ls(snapshotId: string, o: LsOptions = {}): AsyncIterable<LsNode> {
    return ls(this.ctx, snapshotId, o);
  }

  find(pattern: string | string[], o: FindOptions = {}): Promise<FindResult[]> {
    return find(this.ctx, pattern, o);
  }

  diff(from: string, to: string, o: DiffOptions = {}): Promise<DiffResult> {
    return diff(this.ctx, from, to, o);
  }

  /** A file (raw) or folder (tar/zip) from a snapshot as a readable stream. */
  dump(snapshotId: string, path: string, o: DumpOptions = {}): Readable {
    return dump(this.ctx, snapshotId, path, o);
  }

  forget(o: ForgetOptions): Promise<ForgetResult> {
    return forget(this.ctx, o);
  }

  prune(o: PruneOptions = {}): Promise<PruneResult> {
    return prune(this.ctx, o);
  }

  check(o: CheckOptions = {}): Promise<CheckResult> {
    return check(this.ctx, o);
  }

  /** Copies snapshots from `o.from` into this repository. */
  copy(o: CopyOptions): Promise<CopyResult> {
    return copy(this.ctx, o);
  }

  stats(o: StatsOptions = {}): Promise<StatsResult> {
    return stats(this.ctx, o);
  }

  unlock(o: UnlockOptions = {}): Promise<void> {
    return unlock(this.ctx, o);
  }

  tag(o: TagOptions): Promise<TagResult> {
    return tag(this.ctx, o);
  }

  /** restic >= 0.15; older versions reject with code `unsupported`. */
  rewrite(o: RewriteOptions): Promise<{ output: string }> {
    return rewrite(this.ctx, o);
  }

  list(type: 'blobs', o?: ListOptions): Promise<ListedBlob[]>;
  list(type: Exclude<ListType, 'blobs'>, o?: ListOptions): Promise<string[]>;
  list(type: ListType, o: ListOptions = {}): Promise<string[] | ListedBlob[]> {
    return list(this.ctx, type, o);
  }

  /** Writes shell completions and/or man pages. */
  generate(o: GenerateOptions): Promise<void> {
    return generate(this.ctx, o);
  }

  /** Downloads the latest official restic. Refused (`unsupported`) for package-managed binaries. */
  selfUpdate(o: SelfUpdateOptions = {}): Promise<{ output: string }> {
    return selfUpdate(this.ctx, o);
  }

  /** Escape hatch: `restic <args>` with this instance's repository, password and global flags. */
  run(args: string[], o: RunOptions = {}): Promise<RunResult> {
    return run(this.ctx, args, o);
  }
}

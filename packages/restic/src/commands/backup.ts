import { Args, requireNonEmpty, validateTags } from '../args.js';
import type { ResticContext } from '../context.js';
import { invalidArgument, ResticError } from '../errors.js';
import type { CallOptions, GroupBy } from '../options.js';
import { isMissingSourceWarning, isNoise, parseBackupLine } from '../parse/backup.js';
import { readLines } from '../process/lines.js';
import { messageStream, type Emit, type MessageStream } from '../process/stream.js';
import type { BackupErrorMessage, BackupMessage, BackupResult, BackupSummaryMessage } from '../types.js';
import { resolveSnapshotId } from './snapshots.js';

export interface BackupOptions extends CallOptions {
  /** Files and directories to back up. Required unless `filesFrom` is given. */
  paths?: string[];
  /** `--files-from` files (one path per line). */
  filesFrom?: string[];
  /** `--exclude` patterns. */
  excludePatterns?: string[];
  /** `--iexclude` patterns (case-insensitive). */
  iexcludePatterns?: string[];
  /** `--exclude-file` files. */
  excludeFiles?: string[];
  /** `--exclude-caches`. */
  excludeCaches?: boolean;
  /** `--exclude-if-present` file names. */
  excludeIfPresent?: string[];
  /** `--exclude-larger-than` size such as `1G`. */
  excludeLargerThan?: string;
  /** `--one-file-system`. */
  oneFileSystem?: boolean;
  /** Tags of the new snapshot. */
  tags?: string[];
  /** `--host` recorded in the snapshot. */
  host?: string;
  /** `--dry-run`: nothing is written. */
  dryRun?: boolean;
  /** `--parent` snapshot id. */
  parent?: string;
  /** `--force`: re-read all files. */
  force?: boolean;
  /** `--time` of the snapshot (`YYYY-MM-DD HH:MM:SS`). */
  time?: string;
  withAtime?: boolean;
  ignoreInode?: boolean;
  ignoreCtime?: boolean;
  /** `false` → `--no-scan` (restic >= 0.15). */
  scan?: boolean;
  /** Parent selection grouping (restic >= 0.16). */
  groupBy?: GroupBy;
  /** `--skip-if-unchanged` (restic >= 0.17). */
  skipIfUnchanged?: boolean;
  /** `-v`: emit verbose_status messages per file. */
  verbose?: boolean;
  /** Called for every progress message (status, verbose_status, error, summary). */
  onProgress?: (message: BackupMessage) => void;
  /** Throw `incomplete-backup` (with the result in `error.result`) instead of returning `incomplete: true`. */
  strict?: boolean;
}

async function buildArgs(ctx: ResticContext, o: BackupOptions, progress: boolean): Promise<string[]> {
  if (!o.filesFrom?.length) requireNonEmpty('backup paths', o.paths);
  for (const p of o.paths ?? []) {
    if (typeof p !== 'string' || p === '') throw invalidArgument('backup paths must be non-empty strings');
  }
  validateTags('backup tags', o.tags);
  if (o.scan === false) await ctx.requireFeature('noScan', 'backup scan: false');
  if (o.groupBy !== undefined) await ctx.requireFeature('backupGroupBy', 'backup groupBy');
  if (o.skipIfUnchanged) await ctx.requireFeature('skipIfUnchanged', 'backup skipIfUnchanged');
  const a = new Args('backup', '--json')
    .values('--files-from', o.filesFrom)
    .values('--exclude', o.excludePatterns)
    .values('--iexclude', o.iexcludePatterns)
    .values('--exclude-file', o.excludeFiles)
    .flag('--exclude-caches', o.excludeCaches)
    .values('--exclude-if-present', o.excludeIfPresent)
    .value('--exclude-larger-than', o.excludeLargerThan)
    .flag('--one-file-system', o.oneFileSystem)
    .values('--tag', o.tags)
    .value('--host', o.host)
    .flag('--dry-run', o.dryRun)
    .value('--parent', o.parent)
    .flag('--force', o.force)
    .value('--time', o.time)
    .flag('--with-atime', o.withAtime)
    .flag('--ignore-inode', o.ignoreInode)
    .flag('--ignore-ctime', o.ignoreCtime)
    .flag('--no-scan', o.scan === false)
    .groupBy(o.groupBy)
    .flag('--skip-if-unchanged', o.skipIfUnchanged)
    .flag('-v', o.verbose);
  // Without a progress consumer, status lines are pure overhead.
  if (!progress && !o.verbose) a.flag('--quiet', true);
  return a.positional(o.paths ?? []).list;
}

/** Runs a backup, emitting normalised messages; the summary is emitted last, with the full snapshot id. */
export async function runBackup(
  ctx: ResticContext,
  o: BackupOptions,
  emit: Emit<BackupMessage>,
  progress: boolean,
  signal = o.signal,
): Promise<BackupResult> {
  const args = await buildArgs(ctx, o, progress);
  const errors: BackupErrorMessage[] = [];
  const warnings: string[] = [];
  let missingSource = false;
  const addError = (m: BackupErrorMessage): void => {
    if (errors.length < 1000) errors.push(m);
    void emit(m);
  };
  const proc = await ctx.spawn(args, {
    ...(signal ? { signal } : {}),
    ...(o.env ? { env: o.env } : {}),
    onStderrLine: (line) => {
      const m = parseBackupLine(line);
      if (m?.messageType === 'error') return addError(m);
      if (isMissingSourceWarning(line)) {
        missingSource = true;
        const item = line.replace(/ does not exist, skipping$/, '');
        return addError({ messageType: 'error', message: line, during: 'scan', item });
      }
      if (!isNoise(line) && !line.startsWith('{') && warnings.length < 100) warnings.push(line);
    },
  });
  let summary: BackupSummaryMessage | undefined;
  try {
    for await (const line of readLines(proc.stdout)) {
      const m = parseBackupLine(line);
      if (!m) continue;
      if (m.messageType === 'summary') summary = m;
      else if (m.messageType === 'error') addError(m);
      else await emit(m);
    }
  } finally {
    proc.stdout.resume();
  }
  const exit = await proc.done;
  const err = ctx.errorFor(proc.command, exit, [0, 3]);
  if (err) throw err;
  if (!summary) {
    throw new ResticError({
      code: exit.exitCode === 3 ? 'incomplete-backup' : 'failed',
      message: 'restic backup printed no summary',
      exitCode: exit.exitCode,
      command: proc.command,
      stderrTail: exit.stderrTail,
    });
  }
  if (o.dryRun) {
    // 0.14 prints an id for dry runs although nothing was saved.
    delete summary.snapshotId;
    summary.dryRun = true;
  } else if (summary.snapshotId && summary.snapshotId.length < 64) {
    // restic 0.14 prints the short id; callers always get the full one.
    summary.snapshotId = await resolveSnapshotId(ctx, summary.snapshotId, o);
  }
  await emit(summary);
  const { messageType: _t, ...rest } = summary;
  const result: BackupResult = {
    ...rest,
    incomplete: exit.exitCode === 3 || missingSource,
    errors,
    warnings,
  };
  if (o.strict && result.incomplete) {
    throw new ResticError({
      code: 'incomplete-backup',
      message: `backup ${result.snapshotId ?? ''} is incomplete: ${errors[0]?.message ?? 'some data could not be read'}`,
      exitCode: exit.exitCode,
      command: proc.command,
      stderrTail: exit.stderrTail,
      result,
    });
  }
  return result;
}

export function backup(ctx: ResticContext, o: BackupOptions): Promise<BackupResult> {
  return runBackup(ctx, o, (m) => o.onProgress?.(m), o.onProgress !== undefined);
}

export function backupStream(
  ctx: ResticContext,
  o: BackupOptions,
): MessageStream<BackupMessage, BackupResult> {
  return messageStream<BackupMessage, BackupResult>(
    (emit, signal) =>
      runBackup(
        ctx,
        o,
        (m) => {
          o.onProgress?.(m);
          return emit(m);
        },
        true,
        signal,
      ),
    o.signal,
    (m) => m.messageType === 'status',
  );
}

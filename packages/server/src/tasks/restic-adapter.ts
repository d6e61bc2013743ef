import { existsSync } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, posix } from 'node:path';
import type { Repo } from '@restora/proto';
import { atLeast, Restic, sftpArgsAsCommand, supports } from '@restora/restic';
import type { BackupMessage, ForgetOptions, Snapshot } from '@restora/restic';
import { resolveRepoSecrets } from '../secrets/repo-secrets.js';
import { ValidationError } from '../errors.js';
import { prefixArgs, prefixedBinary } from './command-prefix.js';
import { argsProblem, repoProgramIssues } from './program-policy.js';
import type { ResticJournal } from './restic-journal.js';
import type { PortSnapshot, ResticPort } from './restic-port.js';
import { shlexSplit } from '../config/shlex.js';
import { fileInTarget, snapshotPath } from './snapshot-path.js';

export interface AdapterOptions {
  /** restic binary (`--restic-cmd`); default: RESTIC env or `restic` on PATH. */
  binaryPath?: string;
  /** Where nice/ionice wrapper scripts go (default: the OS temp dir). */
  scratchDir?: string;
  /** Environment used for `${VAR}` expansion (default process.env). */
  env?: NodeJS.ProcessEnv;
  cancelGraceMs?: number;
  /** Locked-down install: refuse repo and plan settings that make restic, ssh or rclone run a program. */
  lockedDown?: boolean;
  /** Records which repos have restic running, so a start after a crash unlocks them (scheduler/recovery.ts). */
  journal?: ResticJournal;
  /** restic's version, detected at start: before 0.16 sftp.args goes through sftp.command instead. */
  resticVersion?: string;
}

/** Instances made for a locked-down install: their backups re-check the plan's flags too. */
const lockedDownInstances = new WeakSet<Restic>();

/** Expands `${VAR}` / `$VAR` like Backrest (os.ExpandEnv). */
export function expandEnv(s: string, env: NodeJS.ProcessEnv = process.env): string {
  return s.replace(
    /\$\{([A-Za-z_][A-Za-z0-9_]*)\}|\$([A-Za-z_][A-Za-z0-9_]*)/g,
    (_m, a?: string, b?: string) => env[a ?? b ?? ''] ?? '',
  );
}

/** restic options for a configured repo: uri, password, env, flags, command prefix (§9). */
export function resticForRepo(repo: Repo, opts: AdapterOptions = {}): Restic {
  const env = opts.env ?? process.env;
  const uri = expandEnv(repo.uri, env);
  // checked at every start too: a config written before the install was locked down runs no program either
  const refused = opts.lockedDown ? repoProgramIssues({ ...repo, uri }, 'repo') : [];
  if (refused.length)
    throw new ValidationError(refused, `repo "${repo.id}" refused on a locked-down install`);
  // `${VAR}` expanded, `${file:/path}` references read now (secrets/references.ts).
  const { password, env: extraEnv } = resolveRepoSecrets(repo, (v) => expandEnv(v, env));
  const flags = repo.flags.flatMap((f) => shlexSplit(f));
  if (uri.startsWith('sftp:') && !flags.some((f) => f.includes('sftp.args'))) {
    flags.push('-o', 'sftp.args=-oBatchMode=yes');
  }
  // restic < 0.16 has no sftp.args: the same ssh options go through sftp.command
  const oldSftp = uri.startsWith('sftp:') && opts.resticVersion && !supports(opts.resticVersion, 'sftpArgs');
  const extraArgs = oldSftp ? sftpArgsAsCommand(uri, flags) : flags;
  const prefix = prefixArgs(repo.commandPrefix);
  const binary = opts.binaryPath ?? env.RESTIC ?? 'restic';
  const restic = new Restic({
    repository: uri,
    ...(password ? { password } : {}),
    binaryPath: prefix.length
      ? prefixedBinary(binary, prefix, opts.scratchDir ?? join(tmpdir(), 'restora-prefix'))
      : binary,
    env: extraEnv,
    extraArgs,
    ...(opts.cancelGraceMs !== undefined ? { cancelGraceMs: opts.cancelGraceMs } : {}),
  });
  const tracked = opts.journal ? opts.journal.track(repo.id, restic) : restic;
  if (opts.lockedDown) lockedDownInstances.add(tracked);
  return tracked;
}

/**
 * The one read path (snapshots, ls, dump, stats, cat): `--no-lock`, so browsing never waits for or blocks a
 * forget/prune, and a crash while reading (no operation record) leaves no lock behind.
 */
export function readOnly(restic: Restic): Restic {
  const args = restic.options.extraArgs ?? [];
  return args.includes('--no-lock') ? restic : restic.with({ extraArgs: [...args, '--no-lock'] });
}

const toPort = (s: Snapshot): PortSnapshot => ({
  id: s.id,
  time: s.time,
  tree: s.tree,
  ...(s.parent ? { parent: s.parent } : {}),
  paths: s.paths ?? [],
  ...(s.hostname ? { hostname: s.hostname } : {}),
  ...(s.username ? { username: s.username } : {}),
  tags: s.tags ?? [],
  ...(s.summary ? { summary: s.summary } : {}),
});

/** Glob-escapes a file name for `--include` (restic uses Go filepath.Match syntax). */
const globEscape = (s: string) => s.replace(/[\\*?[\]]/g, (c) => `\\${c}`);

/** ResticPort over the @restora/restic library. */
export function resticPort(restic: Restic): ResticPort {
  return {
    async backup(a) {
      const refused = lockedDownInstances.has(restic) ? argsProblem(a.flags) : undefined;
      if (refused)
        throw new ValidationError(
          [{ path: 'plan.backup_flags', message: refused.message }],
          'backup refused on a locked-down install',
        );
      const r = await restic.with({ extraArgs: [...(restic.options.extraArgs ?? []), ...a.flags] }).backup({
        paths: a.paths,
        excludePatterns: a.excludes,
        iexcludePatterns: a.iexcludes,
        excludeCaches: true,
        tags: a.tags,
        dryRun: a.dryRun,
        verbose: a.dryRun,
        ...(a.parent ? { parent: a.parent } : {}),
        signal: a.signal,
        onProgress: (m: BackupMessage) => {
          if (m.messageType === 'status') {
            a.onEvent({
              type: 'status',
              percentDone: m.percentDone,
              ...(m.totalFiles !== undefined ? { totalFiles: m.totalFiles } : {}),
              ...(m.filesDone !== undefined ? { filesDone: m.filesDone } : {}),
              ...(m.totalBytes !== undefined ? { totalBytes: m.totalBytes } : {}),
              ...(m.bytesDone !== undefined ? { bytesDone: m.bytesDone } : {}),
              ...(m.currentFiles ? { currentFiles: m.currentFiles } : {}),
            });
          } else if (m.messageType === 'error') {
            a.onEvent({
              type: 'error',
              message: m.message,
              ...(m.during ? { during: m.during } : {}),
              ...(m.item ? { item: m.item } : {}),
            });
          } else if (m.messageType === 'verbose_status') {
            a.onEvent({ type: 'line', line: `${m.action} ${m.item ?? ''}`.trim() });
          }
        },
      });
      for (const w of r.warnings) a.onEvent({ type: 'line', line: w });
      return { ...r, incomplete: r.incomplete };
    },
    async snapshots(a) {
      const list = await readOnly(restic).snapshots({
        ...(a.tags?.length ? { tags: [a.tags] } : {}),
        signal: a.signal,
      });
      return list.map(toPort);
    },
    async forget(a) {
      const o: ForgetOptions = { signal: a.signal };
      if (a.snapshotIds?.length) o.snapshotIds = a.snapshotIds;
      const f = a.flags ?? {};
      Object.assign(o, { ...f, ...(f.keepTags ? { keepTags: f.keepTags } : {}) });
      if (a.tags?.length) o.tags = [a.tags];
      if (a.groupBy) o.groupBy = a.groupBy;
      const r = await restic.forget(o);
      const removed = r.groups.flatMap((g) => g.remove.map(toPort));
      if (removed.length === 0 && r.removed.length > 0) {
        return { removed: r.removed.map((id) => ({ id, time: '', paths: [] })) };
      }
      return { removed };
    },
    async prune(a) {
      const r = await restic.prune({ ...(a.maxUnused ? { maxUnused: a.maxUnused } : {}), signal: a.signal });
      a.onOutput?.(r.output);
    },
    async check(a) {
      const r = await restic.check({
        ...(a.readDataSubset ? { readDataSubset: a.readDataSubset } : {}),
        signal: a.signal,
      });
      a.onOutput?.(r.output);
      if (!r.ok) {
        throw new Error(
          `check found ${r.numErrors ?? r.errors.length} errors: ${r.errors.slice(0, 5).join('; ')}`,
        );
      }
    },
    async stats(a) {
      const s = await readOnly(restic).stats({ mode: 'raw-data', signal: a.signal });
      return {
        totalSize: s.totalSize,
        ...(s.totalUncompressedSize !== undefined ? { totalUncompressedSize: s.totalUncompressedSize } : {}),
        ...(s.compressionRatio !== undefined ? { compressionRatio: s.compressionRatio } : {}),
        ...(s.totalBlobCount !== undefined ? { totalBlobCount: s.totalBlobCount } : {}),
        ...(s.snapshotsCount !== undefined ? { snapshotsCount: s.snapshotsCount } : {}),
      };
    },
    async restore(a) {
      const path = snapshotPath('path', a.path.trim());
      let snapshotId = a.snapshotId;
      let include: string | undefined;
      let targetDir = a.target;
      let staging: string | undefined;
      if (path && path !== '/') {
        // Backrest restores <snap>:<dir> --include /<name>, so <target>/<name> holds the selection (restic
        // >= 0.15). restic 0.14 lacks the subfolder syntax: restore the full path into a staging dir inside
        // the target and move the selection up, giving the same layout.
        const v = (await restic.version()).resticVersion;
        if (atLeast(v, '0.15.0')) {
          snapshotId = `${a.snapshotId}:${posix.dirname(path)}`;
          include = `/${globEscape(posix.basename(path))}`;
        } else {
          include = path;
          staging = join(a.target, `.restora-restore-${process.pid}-${Date.now()}`);
          targetDir = staging;
        }
      }
      const s = await restic.restore({
        snapshotId,
        targetDir,
        ...(include ? { include } : {}),
        signal: a.signal,
        onProgress: (m) => {
          if (m.messageType === 'error')
            a.onError?.({ message: m.message, ...(m.item ? { item: m.item } : {}) });
          else if (m.messageType === 'status' || m.messageType === 'summary') {
            a.onProgress({
              percentDone: m.messageType === 'status' ? m.percentDone : 1,
              ...(m.totalBytes !== undefined ? { totalBytes: m.totalBytes } : {}),
              ...(m.bytesRestored !== undefined ? { bytesRestored: m.bytesRestored } : {}),
              ...(m.totalFiles !== undefined ? { totalFiles: m.totalFiles } : {}),
              ...(m.filesRestored !== undefined ? { filesRestored: m.filesRestored } : {}),
              ...(m.secondsElapsed !== undefined ? { secondsElapsed: m.secondsElapsed } : {}),
              summary: m.messageType === 'summary',
            });
          }
        },
      });
      if (staging) {
        const picked = join(staging, ...path.split('/').filter(Boolean));
        if (!existsSync(picked)) throw new Error(`path "${path}" not found in snapshot ${a.snapshotId}`);
        // only what restic wrote below the staging dir moves up, never a directory a restored symlink points to
        fileInTarget('path', staging, posix.dirname(path));
        await rename(picked, join(a.target, posix.basename(path)));
        await rm(staging, { recursive: true, force: true });
      }
      a.onProgress({
        percentDone: 1,
        ...(s.totalBytes !== undefined ? { totalBytes: s.totalBytes } : {}),
        ...(s.bytesRestored !== undefined ? { bytesRestored: s.bytesRestored } : {}),
        ...(s.totalFiles !== undefined ? { totalFiles: s.totalFiles } : {}),
        ...(s.filesRestored !== undefined ? { filesRestored: s.filesRestored } : {}),
        ...(s.secondsElapsed !== undefined ? { secondsElapsed: s.secondsElapsed } : {}),
        summary: true,
      });
    },
    async unlock(a) {
      await restic.unlock({ signal: a.signal, ...(a.removeAll ? { removeAll: true } : {}) });
    },
    async init(a) {
      try {
        return await restic.init({ signal: a.signal });
      } catch (err) {
        if (
          /already (initialized|exists)|config file already exists/i.test(
            String((err as Error).message) + String((err as { stderrTail?: string }).stderrTail ?? ''),
          )
        ) {
          return (await readOnly(restic).cat.config({ signal: a.signal })).id;
        }
        throw err;
      }
    },
    async repoId(a) {
      return (await readOnly(restic).cat.config({ signal: a.signal })).id;
    },
    async run(args, o) {
      const r = await restic.run(args, {
        signal: o.signal,
        okExitCodes: Array.from({ length: 256 }, (_, i) => i),
      });
      o.onOutput?.(r.stdout + (r.stderr ? `\n${r.stderr}` : ''));
      return r.exitCode;
    },
  };
}

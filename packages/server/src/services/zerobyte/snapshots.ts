// Snapshots of a repository: list/get (DTO §4.3), files, dump stream, and restore/delete/tag as tasks.
import fs from 'node:fs';
import path from 'node:path';
import type { Readable } from 'node:stream';
import type { Repo } from '@restora/proto';
import type { LsNode, Snapshot } from '@restora/restic';
import { atLeast } from '@restora/restic';
import { FailedPreconditionError, InvalidArgumentError, NotFoundError } from '../../errors.js';
import { restoreOperation, setRestoreProgress } from '../../tasks/restore.js';
import { restoreTarget, snapshotPath, snapshotPattern } from '../../tasks/snapshot-path.js';
import { readerOf, resticOf, type ZbContext } from './context.js';
import { shortIdOf } from './ids.js';
import type { RepositoryService } from './repositories.js';
import type { TaskCenter } from './tasks.js';
import type { SnapshotListCache } from '../../snapshot-index/snapshot-list-cache.js';
import type { SnapshotIndexService } from '../snapshot-index-service.js';
import { folderArchive } from '../folder-archive.js';

/** The snapshot index: folders (undefined: not indexed yet, ask restic), search, diff and status. */
export interface IndexPort {
  folders: {
    listFolder(repo: Repo, snapshotId: string, dir: string, signal: AbortSignal): Promise<LsNode[]>;
  };
  search: SnapshotIndexService;
}

/** A node in the REST shape (times as epoch ms). */
function fileDto(node: LsNode): Record<string, unknown> {
  return {
    name: node.name,
    type: node.type,
    path: node.path,
    ...(node.uid !== undefined ? { uid: node.uid } : {}),
    ...(node.gid !== undefined ? { gid: node.gid } : {}),
    ...(node.size !== undefined ? { size: node.size } : {}),
    ...(node.mode !== undefined ? { mode: node.mode } : {}),
    ...(node.mtime ? { mtime: Date.parse(node.mtime) } : {}),
    ...(node.atime ? { atime: Date.parse(node.atime) } : {}),
    ...(node.ctime ? { ctime: Date.parse(node.ctime) } : {}),
  };
}

export interface SnapshotDto {
  id: string;
  short_id: string;
  time: number;
  paths: string[];
  size: number;
  duration: number;
  tags: string[];
  retentionCategories: string[];
  summary: Record<string, unknown>;
  hostname?: string;
}

const num = (v: unknown) => (typeof v === 'number' ? v : 0);

function toDto(s: Snapshot, withHost = false): SnapshotDto {
  const sum = s.summary ?? {};
  const start = Date.parse(String(sum.backup_start ?? sum.backupStart ?? ''));
  const end = Date.parse(String(sum.backup_end ?? sum.backupEnd ?? ''));
  return {
    id: s.id,
    short_id: s.shortId || s.id.slice(0, 8),
    time: Date.parse(s.time),
    paths: s.paths,
    size: num(sum.total_bytes_processed ?? sum.totalBytesProcessed),
    duration: Number.isFinite(start) && Number.isFinite(end) ? end - start : 0,
    tags: s.tags ?? [],
    retentionCategories: [],
    summary: sum,
    ...(withHost && s.hostname ? { hostname: s.hostname } : {}),
  };
}

export interface RestoreInput {
  snapshotId: string;
  include?: string[];
  exclude?: string[];
  excludeXattr?: string[];
  selectedItemKind?: 'file' | 'dir';
  delete?: boolean;
  targetPath?: string;
  overwrite?: 'always' | 'if-changed' | 'if-newer' | 'never';
}

export class SnapshotService {
  constructor(
    private readonly ctx: ZbContext,
    private readonly repos: RepositoryService,
    private readonly tasks: TaskCenter,
    private readonly cache: SnapshotListCache<Snapshot>,
    private readonly index?: IndexPort,
  ) {}

  /** The repo's snapshots from the cache (refreshed by backup, forget, prune and index-snapshots). */
  private all(repo: Repo, fresh = false): Promise<Snapshot[]> {
    return this.cache.get(
      repo.id,
      () => readerOf(this.ctx, repo).snapshots({ signal: AbortSignal.timeout(300_000) }),
      fresh,
    );
  }

  /** All snapshots, newest first; `backupId` (a schedule shortId) keeps that schedule's (plan's) snapshots. */
  async list(ref: string, backupId?: string, fresh = false): Promise<SnapshotDto[]> {
    const repo = this.repos.resolve(ref);
    const tag = backupId ? `plan:${this.planOf(backupId)}` : undefined;
    const list = await this.all(repo, fresh);
    return list
      .filter((s) => !tag || (s.tags ?? []).includes(tag))
      .map((s) => toDto(s))
      .sort((a, b) => b.time - a.time);
  }

  private async find(ref: string, snapshotId: string): Promise<Snapshot> {
    if (!/^[0-9a-f]{4,64}$/i.test(snapshotId))
      throw new NotFoundError('Snapshot not found', 'snapshot', snapshotId);
    const repo = this.repos.resolve(ref);
    const pick = (list: Snapshot[]) => list.filter((s) => s.id.startsWith(snapshotId.toLowerCase()));
    let hit = pick(await this.all(repo));
    // made since the list was cached (elsewhere, before index-snapshots saw it): one fresh look
    if (hit.length === 0) hit = pick(await this.all(repo, true));
    if (hit.length !== 1 || !hit[0]) throw new NotFoundError('Snapshot not found', 'snapshot', snapshotId);
    return hit[0];
  }

  async get(ref: string, snapshotId: string): Promise<SnapshotDto> {
    return toDto(await this.find(ref, snapshotId), true);
  }

  /** One directory level of a snapshot, from the snapshot index (`restic ls <snap> <dir>` until indexed), paginated. */
  async files(ref: string, snapshotId: string, dir: string | undefined, offset: number, limit: number) {
    const at = snapshotPath('path', dir);
    const snap = await this.find(ref, snapshotId);
    const repo = this.repos.resolve(ref);
    const signal = AbortSignal.timeout(300_000);
    const nodes = this.index
      ? await this.index.folders.listFolder(repo, snap.id, at, signal)
      : readerOf(this.ctx, repo).ls(snap.id, { path: at, signal });
    const files: Record<string, unknown>[] = [];
    for await (const node of nodes) {
      if (node.path === at) continue;
      if (path.posix.dirname(node.path) !== at) continue;
      files.push(fileDto(node));
    }
    files.sort((a, b) => String(a.name).localeCompare(String(b.name)));
    return {
      snapshot: {
        id: snap.id,
        short_id: snap.shortId || snap.id.slice(0, 8),
        time: snap.time,
        ...(snap.hostname ? { hostname: snap.hostname } : {}),
        paths: snap.paths,
      },
      files: files.slice(offset, offset + limit),
      offset,
      limit,
      total: files.length,
      hasMore: offset + limit < files.length,
    };
  }

  /** Files by name or glob across the repo's (or one schedule's) indexed snapshots. */
  search(
    ref: string,
    q: { pattern: string; backupId?: string; ignoreCase?: boolean; offset: number; limit: number },
  ) {
    const repo = this.repos.resolve(ref);
    const plan = q.backupId ? this.planOf(q.backupId) : undefined;
    const r = this.indexService().search({
      repoId: repo.id,
      pattern: q.pattern,
      offset: q.offset,
      limit: q.limit,
      ...(q.ignoreCase ? { ignoreCase: true } : {}),
      ...(plan ? { planId: plan } : {}),
    });
    return {
      hits: r.hits.map((h) => ({ ...fileDto(h.node), snapshotIds: h.snapshotIds })),
      hasMore: r.hasMore,
      searchedSnapshots: r.searched,
      pendingSnapshots: r.pending,
    };
  }

  /** Added, removed and changed files from one snapshot to another. */
  diff(ref: string, from: string, to: string, offset: number, limit: number) {
    const repo = this.repos.resolve(ref);
    const r = this.indexService().diff({ repoId: repo.id, from, to, offset, limit });
    return {
      changes: r.items.map((d) => ({
        kind: d.kind,
        ...fileDto(d.node),
        ...(d.before ? { before: fileDto(d.before) } : {}),
      })),
      offset,
      limit,
      total: r.total,
      hasMore: r.hasMore,
    };
  }

  /** Indexed and pending snapshots and the index's bytes on disk. */
  indexStatus(ref: string) {
    const repo = this.repos.resolve(ref);
    const [s] = this.indexService().status(repo.id);
    return {
      indexedSnapshots: s?.indexed ?? 0,
      pendingSnapshots: s?.pending ?? 0,
      sizeBytes: s?.sizeBytes ?? 0,
    };
  }

  private indexService(): SnapshotIndexService {
    if (!this.index) throw new FailedPreconditionError('the snapshot index is not available on this server');
    return this.index.search;
  }

  private planOf(backupId: string): string {
    const plan = this.ctx.config
      .get()
      .plans.find((p) => shortIdOf('plan', p.id) === backupId || p.id === backupId);
    if (!plan) throw new NotFoundError('Backup schedule not found', 'backup', backupId);
    return plan.id;
  }

  /** `restic dump`: a tar of a folder or the raw bytes of a file; destroying the stream stops restic. */
  async dump(
    ref: string,
    snapshotId: string,
    p: string | undefined,
    kind: 'file' | 'dir' | undefined,
  ): Promise<{ stream: Readable; filename: string; contentType: string }> {
    const target = snapshotPath('path', p);
    const snap = await this.find(ref, snapshotId);
    const repo = this.repos.resolve(ref);
    let k = kind;
    if (!k) {
      if (target === '/') k = 'dir';
      else {
        const parent = path.posix.dirname(target);
        let found: string | undefined;
        for await (const n of readerOf(this.ctx, repo).ls(snap.id, {
          path: parent,
          signal: AbortSignal.timeout(300_000),
        }))
          if (n.path === target) found = n.type;
        if (!found) throw new NotFoundError(`Path not found in snapshot: ${target}`, 'path', target);
        k = found === 'dir' ? 'dir' : 'file';
      }
    }
    const restic = readerOf(this.ctx, repo);
    const base = target === '/' ? 'snapshot' : path.posix.basename(target);
    if (k === 'dir') {
      const tar = restic.dump(snap.id, target, { archive: 'tar' });
      return {
        stream: target === '/' ? tar : folderArchive(tar, target, 'tar'),
        filename: `${base}.tar`,
        contentType: 'application/x-tar',
      };
    }
    return { stream: restic.dump(snap.id, target), filename: base, contentType: 'application/octet-stream' };
  }

  /** Restore as a task: to the original location unless targetPath; include/exclude/overwrite. */
  async restore(ref: string, input: RestoreInput): Promise<{ restoreId: string; status: 'started' }> {
    const repo = this.repos.resolve(ref);
    // never restore into Restora's data or a local repository (that would corrupt it); `..` resolved first
    const repoDirs = this.ctx.config
      .get()
      .repos.map((r) => r.uri.replace(/^local:/, ''))
      .filter((u) => path.isAbsolute(u));
    // no targetPath: Zerobyte restores to the original location, the snapshot's own paths under `/`
    const target = input.targetPath
      ? restoreTarget('targetPath', input.targetPath, { blocked: [this.ctx.dataDir, ...repoDirs] })
      : '/';
    const include = (input.include ?? []).map((p, i) => snapshotPattern(`include[${i}]`, p));
    const exclude = (input.exclude ?? []).map((p, i) => snapshotPattern(`exclude[${i}]`, p));
    const snap = await this.find(ref, input.snapshotId);
    const restic = resticOf(this.ctx, repo);
    const version = (await restic.version()).resticVersion;
    if ((input.overwrite && input.overwrite !== 'always') || input.delete) {
      if (!atLeast(version, '0.17.0'))
        throw new InvalidArgumentError(
          `overwrite "${input.overwrite ?? 'always'}" / delete need restic >= 0.17 (this is ${version})`,
        );
    }
    const extra = [
      ...(input.overwrite && input.overwrite !== 'always' ? ['--overwrite', input.overwrite] : []),
      ...(input.delete ? ['--delete'] : []),
      ...(input.excludeXattr ?? []).flatMap((x) => ['--exclude-xattr', x]),
    ];
    // the snapshot's backup flow (its index op's when the backup op is gone), so Backrest groups the restore there
    const known = this.ctx.oplog.query({
      repoId: repo.id,
      snapshotId: snap.id,
      kinds: ['operationBackup', 'operationIndexSnapshot'],
    });
    const origin = known.find((o) => o.op.case === 'operationBackup') ?? known[0];
    // one included path is what Backrest calls the restored path; otherwise the whole snapshot
    const restoredPath = include.length === 1 ? include[0]! : '/';
    const t = this.tasks.submit({
      kind: 'restore',
      resourceType: 'repository',
      resourceId: shortIdOf('repo', repo.id),
      repoId: repo.id,
      input: {
        snapshotId: snap.id,
        targetPath: target,
        include,
        exclude,
      },
      command: `restic restore ${snap.id} --target ${target}`,
      prototype: restoreOperation({
        planId: origin?.planId ?? '',
        snapshotId: snap.id,
        path: restoredPath,
        target,
      }),
      ...(origin?.flowId ? { flowId: origin.flowId } : {}),
      run: async ({ rt, signal }) => {
        fs.mkdirSync(target, { recursive: true });
        const r = await restic.with({ extraArgs: [...(restic.options.extraArgs ?? []), ...extra] }).restore({
          snapshotId: snap.id,
          targetDir: target,
          ...(include.length ? { include } : {}),
          ...(exclude.length ? { exclude } : {}),
          signal,
          // the op's lastStatus is the task's progress too (task-dto.ts); the summary is stored at once
          onProgress: (m) => {
            if (m.messageType === 'summary')
              rt.update((op) => setRestoreProgress(op, { ...m, percentDone: 1, summary: true }));
            else if (m.messageType === 'status')
              rt.update((op) => setRestoreProgress(op, { ...m, summary: false }), { throttle: true });
          },
        });
        return { ...r, targetPath: target };
      },
    });
    return { restoreId: t.id, status: 'started' };
  }

  /** Forgets snapshots (no prune) as one task, then re-indexes the repo for the operation history. */
  deleteSnapshots(ref: string, snapshotIds: string[]): { taskId: string; status: 'started' } {
    const repo = this.repos.resolve(ref);
    const t = this.tasks.submit({
      kind: 'deleteSnapshots',
      resourceType: 'repository',
      resourceId: shortIdOf('repo', repo.id),
      repoId: repo.id,
      input: { snapshotIds },
      command: `restic forget ${snapshotIds.join(' ')}`,
      run: async (rt) => {
        const r = await resticOf(this.ctx, repo).forget({ snapshotIds, signal: rt.signal });
        return { removed: r.removed };
      },
      onDone: () => this.afterChange(repo.id),
    });
    return { taskId: t.id, status: 'started' };
  }

  tag(ref: string, body: { snapshotIds: string[]; add?: string[]; remove?: string[]; set?: string[] }) {
    const repo = this.repos.resolve(ref);
    if (body.set === undefined && !body.add?.length && !body.remove?.length)
      throw new InvalidArgumentError('give at least one of add, remove or set');
    if (body.set !== undefined && (body.add?.length || body.remove?.length))
      throw new InvalidArgumentError('set cannot be combined with add or remove');
    const t = this.tasks.submit({
      kind: 'tagSnapshots',
      resourceType: 'repository',
      resourceId: shortIdOf('repo', repo.id),
      repoId: repo.id,
      input: body,
      command: [
        'restic tag',
        ...(body.set !== undefined ? body.set.map((t) => `--set ${t}`) : []),
        ...(body.add ?? []).map((t) => `--add ${t}`),
        ...(body.remove ?? []).map((t) => `--remove ${t}`),
        ...body.snapshotIds,
      ].join(' '),
      run: async (rt) => {
        const r = await resticOf(this.ctx, repo).tag({
          snapshotIds: body.snapshotIds,
          ...(body.set !== undefined ? { set: body.set } : {}),
          ...(body.add?.length ? { add: body.add } : {}),
          ...(body.remove?.length ? { remove: body.remove } : {}),
          signal: rt.signal,
        });
        return { changedSnapshots: r.changedSnapshots };
      },
      onDone: () => this.afterChange(repo.id),
    });
    return { taskId: t.id, status: 'started' as const };
  }

  private afterChange(repoId: string): void {
    this.repos.invalidate(repoId);
    this.cache.invalidate(repoId);
    void this.ctx.engine.runRepoTask(repoId, 'index-snapshots').catch(() => undefined);
  }
}

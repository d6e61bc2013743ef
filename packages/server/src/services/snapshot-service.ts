// ListSnapshots / ListSnapshotFiles / dump: live restic reads outside the task queue.
import type { Readable } from 'node:stream';
import { create } from '@bufbuild/protobuf';
import { LsEntrySchema, type Config, type LsEntry, type Repo, type ResticSnapshot } from '@restora/proto';
import type { Restic } from '@restora/restic';
import { InvalidArgumentError, NotFoundError } from '../errors.js';
import { instanceTag, planTag, snapshotToProto } from '../tasks/convert.js';
import type { LsNode } from '@restora/restic';
import { readOnly, resticPort } from '../tasks/restic-adapter.js';
import { snapshotPath } from '../tasks/snapshot-path.js';
import { folderArchive } from './folder-archive.js';
import { IndexDamagedError } from '../snapshot-index/repo-index.js';
import type { SnapshotIndexer } from '../snapshot-index/indexer.js';

export class SnapshotService {
  constructor(
    private readonly config: () => Config,
    private readonly resticFor: (repo: Repo) => Restic,
    private readonly index?: SnapshotIndexer,
  ) {}

  repoById(repoId: string): Repo {
    const repo = this.config().repos.find((r) => r.id === repoId);
    if (!repo) throw new NotFoundError(`repo "${repoId}" not found`, 'repo', repoId);
    return repo;
  }

  /** A repo by guid (renamed repos keep working), else by id. */
  repoFor(guid: string, repoId: string): Repo {
    const c = this.config();
    const repo = (guid && c.repos.find((r) => r.guid === guid)) || c.repos.find((r) => r.id === repoId);
    if (!repo) throw new NotFoundError(`repo "${repoId}" not found`, 'repo', repoId);
    return repo;
  }

  async list(repoId: string, planId: string, signal: AbortSignal): Promise<ResticSnapshot[]> {
    const config = this.config();
    const repo = this.repoById(repoId);
    if (planId && !config.plans.some((p) => p.id === planId))
      throw new NotFoundError(`plan "${planId}" not found`, 'plan', planId);
    const tags = planId ? [planTag(planId), instanceTag(config.instance)] : undefined;
    const snaps = await resticPort(this.resticFor(repo)).snapshots({ signal, ...(tags ? { tags } : {}) });
    return snaps.map(snapshotToProto).sort((a, b) => Number(a.unixTimeMs - b.unixTimeMs));
  }

  /**
   * One folder as `restic ls <snap> <dir>` prints it (the folder, then every child: no cap, a folder is returned
   * whole), from the snapshot index; a snapshot not indexed yet is listed by restic and indexed in the background.
   */
  async files(repoId: string, snapshotId: string, path: string, signal: AbortSignal): Promise<LsEntry[]> {
    if (!snapshotId) throw new InvalidArgumentError('snapshotId is required');
    const nodes = await this.listFolder(
      this.repoById(repoId),
      snapshotId,
      snapshotPath('path', path),
      signal,
    );
    return nodes.map(toLsEntry);
  }

  /** `restic ls <snap> <dir>`'s nodes: from the index, else from restic (indexing paused meanwhile). */
  async listFolder(repo: Repo, snapshotId: string, dir: string, signal: AbortSignal): Promise<LsNode[]> {
    const indexed = this.fromIndex(repo, snapshotId, dir);
    if (indexed) return indexed;
    const read = async () => {
      const nodes: LsNode[] = [];
      for await (const n of this.reader(repo).ls(snapshotId, { path: dir, signal })) nodes.push(n);
      return nodes;
    };
    return this.index ? this.index.foregroundRead(read) : read();
  }

  /** The folder from the index, or undefined when the snapshot is not indexed yet (or the index is damaged). */
  private fromIndex(repo: Repo, snapshotId: string, dir: string): LsNode[] | undefined {
    if (!this.index) return undefined;
    try {
      const idx = this.index.indexOf(repo);
      const snap = idx.find(snapshotId);
      if (snap) return idx.list(snap.seq, dir);
      this.index.request(repo);
    } catch (err) {
      // whatever keeps the index from answering (damage, an unwritable data dir), restic answers instead
      if (err instanceof IndexDamagedError) this.index.rebuild(repo);
    }
    return undefined;
  }

  /** `restic dump`: raw bytes for a file, an archive for a folder (entries named `<folder>/...`). */
  dump(repo: Repo, snapshotId: string, path: string, archive: 'tar' | 'zip', signal: AbortSignal): Readable {
    const folder = snapshotPath('filePath', path);
    if (folder === '/') return this.reader(repo).dump(snapshotId, folder, { archive, signal });
    const raw = this.reader(repo).dump(snapshotId, folder, { archive: 'tar', signal });
    return folderArchive(raw, folder, archive);
  }

  private reader(repo: Repo): Restic {
    return readOnly(this.resticFor(repo));
  }
}

/** A node as Backrest's LsEntry. */
export function toLsEntry(n: LsNode): LsEntry {
  return create(LsEntrySchema, {
    name: n.name,
    type: n.type,
    path: n.path,
    uid: BigInt(n.uid ?? 0),
    gid: BigInt(n.gid ?? 0),
    size: BigInt(n.size ?? 0),
    mode: BigInt(n.mode ?? 0),
    mtime: n.mtime ?? '',
    atime: n.atime ?? '',
    ctime: n.ctime ?? '',
  });
}

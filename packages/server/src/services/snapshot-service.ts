// ListSnapshots / ListSnapshotFiles / dump: live restic reads outside the task queue.
import type { Readable } from 'node:stream';
import { create } from '@bufbuild/protobuf';
import { LsEntrySchema, type Config, type LsEntry, type Repo, type ResticSnapshot } from '@restora/proto';
import type { Restic } from '@restora/restic';
import { InvalidArgumentError, NotFoundError } from '../errors.js';
import { instanceTag, planTag, snapshotToProto } from '../tasks/convert.js';
import { readOnly, resticPort } from '../tasks/restic-adapter.js';
import { snapshotPath } from '../tasks/snapshot-path.js';

const MAX_ENTRIES = 100_000;

export class SnapshotService {
  constructor(
    private readonly config: () => Config,
    private readonly resticFor: (repo: Repo) => Restic,
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

  async files(repoId: string, snapshotId: string, path: string, signal: AbortSignal): Promise<LsEntry[]> {
    if (!snapshotId) throw new InvalidArgumentError('snapshotId is required');
    const dir = snapshotPath('path', path);
    const entries: LsEntry[] = [];
    for await (const n of this.reader(this.repoById(repoId)).ls(snapshotId, { path: dir, signal })) {
      if (entries.length >= MAX_ENTRIES) break;
      entries.push(
        create(LsEntrySchema, {
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
        }),
      );
    }
    return entries;
  }

  /** `restic dump`: raw bytes for a file, an archive for a folder. */
  dump(repo: Repo, snapshotId: string, path: string, archive: 'tar' | 'zip', signal: AbortSignal): Readable {
    return this.reader(repo).dump(snapshotId, snapshotPath('filePath', path), { archive, signal });
  }

  private reader(repo: Repo): Restic {
    return readOnly(this.resticFor(repo));
  }
}

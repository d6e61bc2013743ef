// Search, diff and status over the snapshot index: the use-cases behind restora.v1.SnapshotIndex and the REST
// routes. Snapshots not indexed yet are queued and reported as pending, never silently left out.
import type { Config, OperationIndexSnapshot, Repo } from '@restora/proto';
import { InvalidArgumentError, NotFoundError, UnavailableError } from '../errors.js';
import type { OpLog } from '../oplog/types.js';
import type { DiffItem, IndexedSnapshot, SearchHit } from '../snapshot-index/index-queries.js';
import type { SnapshotIndexer } from '../snapshot-index/indexer.js';
import { IndexDamagedError, type RepoIndex } from '../snapshot-index/repo-index.js';

export interface SearchInput {
  repoId: string;
  planId?: string;
  pattern: string;
  ignoreCase?: boolean;
  offset?: number;
  limit?: number;
}

export interface SearchOutput {
  hits: SearchHit[];
  hasMore: boolean;
  searched: number;
  pending: number;
}

export interface DiffInput {
  repoId: string;
  from: string;
  to: string;
  offset?: number;
  limit?: number;
}

export interface DiffOutput {
  items: DiffItem[];
  total: number;
  hasMore: boolean;
}

export interface IndexStatus {
  repoId: string;
  indexed: number;
  pending: number;
  sizeBytes: number;
}

const GLOB_CHARS = /[*?[]/;

/** A non-negative page bound; over `max` is a client mistake named in the error, never clipped. */
function bound(name: string, v: number | undefined, def: number, max: number): number {
  if (v === undefined || v === 0) return name === 'offset' ? 0 : def;
  if (!Number.isInteger(v) || v < 0) throw new InvalidArgumentError(`${name} must be a non-negative integer`);
  if (v > max) throw new InvalidArgumentError(`${name} must be at most ${max}, got ${v}`);
  return v;
}

export class SnapshotIndexService {
  constructor(
    private readonly config: () => Config,
    private readonly oplog: OpLog,
    private readonly indexer: SnapshotIndexer,
  ) {}

  search(i: SearchInput): SearchOutput {
    const pattern = i.pattern.trim();
    if (!pattern) throw new InvalidArgumentError('pattern is required');
    if (pattern.length > 1024) throw new InvalidArgumentError('pattern must be at most 1024 characters');
    const repo = this.repo(i.repoId);
    const config = this.config();
    if (i.planId && !config.plans.some((p) => p.id === i.planId))
      throw new NotFoundError(`plan "${i.planId}" not found`, 'plan', i.planId);
    const limit = bound('limit', i.limit, 100, 1000);
    const offset = bound('offset', i.offset, 0, Number.MAX_SAFE_INTEGER);
    const wanted = this.snapshotIdsOf(repo, i.planId);
    return this.guard(repo, (idx) => {
      const among = idx.snapshots().filter((s) => wanted.has(s.id));
      const pending = wanted.size - among.length;
      if (pending) this.indexer.request(repo);
      const glob = GLOB_CHARS.test(pattern) ? pattern : `*${pattern}*`;
      const page = among.length
        ? idx.search(glob, among, { ignoreCase: !!i.ignoreCase, offset, limit })
        : { items: [], hasMore: false };
      return { hits: page.items, hasMore: page.hasMore, searched: among.length, pending };
    });
  }

  diff(i: DiffInput): DiffOutput {
    const repo = this.repo(i.repoId);
    const limit = bound('limit', i.limit, 500, 5000);
    const offset = bound('offset', i.offset, 0, Number.MAX_SAFE_INTEGER);
    return this.guard(repo, (idx) => {
      const a = this.indexed(repo, idx, 'from', i.from);
      const b = this.indexed(repo, idx, 'to', i.to);
      const all = idx.diff(a.seq, b.seq);
      return {
        items: all.slice(offset, offset + limit),
        total: all.length,
        hasMore: offset + limit < all.length,
      };
    });
  }

  status(repoId?: string): IndexStatus[] {
    const repos = repoId ? [this.repo(repoId)] : this.config().repos;
    return repos.map((repo) =>
      this.guard(repo, () => {
        const s = this.indexer.status(repo);
        return { repoId: repo.id, indexed: s.snapshots, pending: s.pending, sizeBytes: s.sizeBytes };
      }),
    );
  }

  private repo(repoId: string): Repo {
    if (!repoId) throw new InvalidArgumentError('repoId is required');
    const repo = this.config().repos.find((r) => r.id === repoId);
    if (!repo) throw new NotFoundError(`repo "${repoId}" not found`, 'repo', repoId);
    return repo;
  }

  /** Full ids of the repo's (or plan's) live snapshots as index-snapshots recorded them. */
  private snapshotIdsOf(repo: Repo, planId?: string): Set<string> {
    const sel = repo.guid ? { repoGuid: repo.guid } : { repoId: repo.id };
    const ops = this.oplog.query({
      ...sel,
      ...(planId ? { planId } : {}),
      kinds: ['operationIndexSnapshot'],
    });
    return new Set(
      ops
        .filter((op) => !(op.op.value as OperationIndexSnapshot).forgot && op.snapshotId)
        .map((op) => op.snapshotId),
    );
  }

  private indexed(repo: Repo, idx: RepoIndex, field: string, id: string): IndexedSnapshot {
    if (!/^[0-9a-f]{4,64}$/i.test(id)) throw new InvalidArgumentError(`${field} must be a snapshot id (hex)`);
    const hit = idx.find(id);
    if (hit) return hit;
    const known = [...this.snapshotIdsOf(repo)].filter((s) => s.startsWith(id.toLowerCase()));
    if (known.length !== 1) throw new NotFoundError(`snapshot "${id}" not found`, 'snapshot', id);
    this.indexer.request(repo);
    throw new UnavailableError(`snapshot ${id} is not indexed yet (queued); try again shortly`);
  }

  /** A damaged index is rebuilt; this request fails as unavailable instead of answering wrong. */
  private guard<T>(repo: Repo, fn: (idx: RepoIndex) => T): T {
    try {
      return fn(this.indexer.indexOf(repo));
    } catch (err) {
      if (!(err instanceof IndexDamagedError)) throw err;
      this.indexer.rebuild(repo);
      throw new UnavailableError('the snapshot index was damaged and is being rebuilt; try again shortly');
    }
  }
}

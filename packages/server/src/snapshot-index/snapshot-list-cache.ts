// Each repository's snapshot list, kept until the oplog shows it may have changed (a backup, forget, prune, command or
// front-end job such as tag or delete wrote its op; index-snapshots recorded or marked a snapshot) or five minutes
// pass, so browsing does not wait on `restic snapshots` at every click. Indexing a snapshot's folders changes no list.
import type { Operation } from '@restora/proto';
import type { OpLog } from '../oplog/types.js';
import { jobViewOf } from '../tasks/job.js';
import { SNAPSHOT_INDEX_JOB } from './indexer.js';

const CHANGES = new Set<Operation['op']['case']>([
  'operationBackup',
  'operationForget',
  'operationPrune',
  'operationIndexSnapshot',
  'operationRunCommand',
]);

export class SnapshotListCache<T> {
  private readonly lists = new Map<string, { at: number; list: Promise<T[]> }>();
  private readonly unsubscribe: () => void;

  constructor(
    oplog: OpLog,
    private readonly now: () => number,
    private readonly maxAgeMs = 300_000,
  ) {
    this.unsubscribe = oplog.subscribe((e) => {
      if (e.type === 'deleted') return;
      for (const op of e.operations)
        if (CHANGES.has(op.op.case) && jobViewOf(op)?.kind !== SNAPSHOT_INDEX_JOB) this.invalidate(op.repoId);
    });
  }

  /** The cached list of `repoId`, or `load()`'s (a failed load is not kept). */
  get(repoId: string, load: () => Promise<T[]>, fresh = false): Promise<T[]> {
    const hit = this.lists.get(repoId);
    if (hit && !fresh && this.now() - hit.at < this.maxAgeMs) return hit.list;
    const list = load();
    const entry = { at: this.now(), list };
    this.lists.set(repoId, entry);
    list.catch(() => {
      if (this.lists.get(repoId) === entry) this.lists.delete(repoId);
    });
    return list;
  }

  invalidate(repoId: string): void {
    this.lists.delete(repoId);
  }

  close(): void {
    this.unsubscribe();
    this.lists.clear();
  }
}

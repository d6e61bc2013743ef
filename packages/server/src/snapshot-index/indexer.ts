// Keeps one index file per repository in step with the snapshots index-snapshots records in the oplog: new
// snapshots are indexed in the background (one `restic ls --json` each, one at a time), forgotten ones removed,
// a repository gone from the config loses its file, a damaged file is rebuilt.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { create } from '@bufbuild/protobuf';
import {
  OperationRunCommandSchema,
  OperationSchema,
  OperationStatus,
  type Config,
  type Operation,
  type OperationIndexSnapshot,
  type Repo,
} from '@restora/proto';
import { isResticError, type LsNode, type Restic } from '@restora/restic';
import type { OpLog } from '../oplog/types.js';
import type { Job, JobOutcome, JobRuntime } from '../tasks/job.js';
import { RepoIndex, removeIndexFile } from './repo-index.js';

/** The Zerobyte view's kind of an indexing op (a run-command op for Backrest clients, as Restora's own jobs are). */
export const SNAPSHOT_INDEX_JOB = 'snapshot_index';

export interface IndexerDeps {
  /** Directory holding the index files (created on first use). */
  dir: string;
  config: () => Config;
  subscribeConfig: (listener: (next: Config) => void) => () => void;
  oplog: OpLog;
  /** Read-only restic for a repository (`--no-lock`). */
  reader: (repo: Repo) => Restic;
  now: () => number;
  log: (msg: string) => void;
  /**
   * Runs one snapshot's indexing as an op of the one lifecycle (the engine's runJob): listed, cancellable, its
   * progress and failure recorded like any task's.
   */
  runJob: (repoId: string, job: Job) => { done: Promise<Operation | undefined> };
  /** Zerobyte's id of a repository (the resource of the op's Zerobyte view). */
  zerobyteRepoId: (repo: Repo) => string;
  /** Delay before retrying a repository whose indexing failed (default 60 s). */
  retryMs?: number;
}

export interface RepoIndexStatus {
  snapshots: number;
  sizeBytes: number;
  /** Snapshots index-snapshots knows that are not indexed yet. */
  pending: number;
}

const keyOf = (repo: Repo) => repo.guid || `id:${repo.id}`;
const fileName = (key: string) =>
  `${crypto.createHash('sha1').update(key).digest('hex').slice(0, 20)}.sqlite`;

/** The index file of a repository inside the index directory. */
export const indexFileOf = (dir: string, repo: Repo) => path.join(dir, fileName(keyOf(repo)));

export class SnapshotIndexer {
  private readonly open = new Map<string, RepoIndex>();
  private readonly dirty = new Set<string>();
  private readonly retries = new Map<string, NodeJS.Timeout>();
  private running: Promise<void> | undefined;
  private readonly abort = new AbortController();
  private unsubscribe: (() => void)[] = [];
  /** Settles when the queue is empty (tests and the bench wait on it). */
  private idleWaiters: (() => void)[] = [];
  /** Folder reads restic serves right now: indexing pauses for them (a click never competes with it). */
  private foreground = 0;
  private foregroundWaiters: (() => void)[] = [];

  constructor(private readonly deps: IndexerDeps) {}

  start(): void {
    fs.mkdirSync(this.deps.dir, { recursive: true, mode: 0o700 });
    this.dropUnknownFiles(this.deps.config());
    this.unsubscribe.push(
      this.deps.subscribeConfig((next) => this.dropUnknownFiles(next)),
      this.deps.oplog.subscribe((e) => {
        if (e.type === 'deleted') return;
        for (const op of e.operations)
          if (op.op.case === 'operationIndexSnapshot') this.touch(op.repoGuid, op.repoId);
      }),
    );
    for (const repo of this.deps.config().repos) this.request(repo);
  }

  async stop(): Promise<void> {
    for (const u of this.unsubscribe) u();
    this.unsubscribe = [];
    for (const t of this.retries.values()) clearTimeout(t);
    this.abort.abort();
    await this.running?.catch(() => undefined);
    for (const idx of this.open.values()) idx.close();
    this.open.clear();
  }

  /** The repository's index (opened, or rebuilt when damaged, on first use). */
  indexOf(repo: Repo): RepoIndex {
    const key = keyOf(repo);
    let idx = this.open.get(key);
    if (!idx) {
      idx = RepoIndex.open(indexFileOf(this.deps.dir, repo));
      if (idx.rebuilt) this.deps.log(`snapshot index of repo ${repo.id} was damaged: rebuilding`);
      this.open.set(key, idx);
    }
    return idx;
  }

  /** Deletes a damaged file and indexes the repository again; reads use restic until then. */
  rebuild(repo: Repo): void {
    const key = keyOf(repo);
    const idx = this.open.get(key);
    this.open.delete(key);
    const file = idx?.file ?? indexFileOf(this.deps.dir, repo);
    idx?.close();
    removeIndexFile(file);
    this.deps.log(`snapshot index of repo ${repo.id} was damaged: rebuilding`);
    this.request(repo);
  }

  /** Brings the repository's index in step with the oplog soon (in the background). */
  request(repo: Repo): void {
    this.dirty.add(keyOf(repo));
    this.running ??= this.drain().finally(() => {
      this.running = undefined;
      for (const w of this.idleWaiters.splice(0)) w();
    });
  }

  /** Runs a user's restic read with indexing paused (restic's pipe fills and it stops) until it is done. */
  async foregroundRead<T>(fn: () => Promise<T>): Promise<T> {
    this.foreground++;
    try {
      return await fn();
    } finally {
      if (--this.foreground === 0) for (const w of this.foregroundWaiters.splice(0)) w();
    }
  }

  whenIdle(): Promise<void> {
    return this.running ? new Promise((r) => this.idleWaiters.push(r)) : Promise.resolve();
  }

  status(repo: Repo): RepoIndexStatus {
    const idx = this.indexOf(repo);
    const have = new Set(idx.snapshots().map((s) => s.id));
    const pending = this.wanted(repo).filter((id) => !have.has(id)).length;
    return { snapshots: have.size, sizeBytes: idx.sizeBytes(), pending };
  }

  private touch(guid: string, repoId: string): void {
    const repo = this.deps.config().repos.find((r) => (guid && r.guid === guid) || r.id === repoId);
    if (repo) this.request(repo);
  }

  /** Full ids of the snapshots index-snapshots recorded and did not mark forgotten. */
  private wanted(repo: Repo): string[] {
    const sel = repo.guid ? { repoGuid: repo.guid } : { repoId: repo.id };
    return this.deps.oplog
      .query({ ...sel, kinds: ['operationIndexSnapshot'] })
      .filter((op) => !(op.op.value as OperationIndexSnapshot).forgot && op.snapshotId)
      .map((op) => op.snapshotId);
  }

  private async drain(): Promise<void> {
    await Promise.resolve(); // let the caller's synchronous work (an oplog write) finish first
    while (this.dirty.size && !this.abort.signal.aborted) {
      const key = this.dirty.values().next().value!;
      this.dirty.delete(key);
      const repo = this.repoOf(key);
      if (!repo) continue;
      try {
        await this.reconcile(repo);
      } catch (err) {
        if (this.abort.signal.aborted) return;
        this.deps.log(`indexing snapshots of repo ${repo.id} failed: ${String(err)}`);
        this.retryLater(repo);
      }
    }
  }

  private async reconcile(repo: Repo): Promise<void> {
    const idx = this.indexOf(repo);
    const want = new Set(this.wanted(repo));
    const have = idx.snapshots();
    const extra = have.filter((s) => !want.has(s.id)).map((s) => s.id);
    if (extra.length) await idx.remove(extra);
    const known = new Set(have.map((s) => s.id));
    for (const id of want) {
      if (known.has(id) || this.abort.signal.aborted) continue;
      const op = await this.deps.runJob(repo.id, this.indexJob(repo, idx, id)).done;
      if (op?.status === OperationStatus.STATUS_ERROR) throw new Error(op.displayMessage);
      if (op?.status !== OperationStatus.STATUS_SUCCESS) return; // cancelled: the next request or restart resumes
    }
  }

  /** One snapshot's `restic ls --json` streamed into the index, as a job: progress in files and folders listed. */
  private indexJob(repo: Repo, idx: RepoIndex, id: string): Job {
    const command = `restic ls --json --no-lock ${id}`;
    return {
      view: {
        kind: SNAPSHOT_INDEX_JOB,
        resourceType: 'repository',
        resourceId: this.deps.zerobyteRepoId(repo),
        input: { snapshotId: id },
      },
      command,
      lockFree: true,
      prototype: create(OperationSchema, {
        planId: '_system_',
        op: { case: 'operationRunCommand', value: create(OperationRunCommandSchema, { command }) },
      }),
      run: (j) => this.indexOne(repo, idx, id, j),
    };
  }

  private async indexOne(repo: Repo, idx: RepoIndex, id: string, j: JobRuntime): Promise<JobOutcome> {
    const seen = { files: 0, folders: 0 };
    const report = () => {
      j.progress({ ...seen });
      j.rt.update((op) => (op.displayMessage = `indexing: ${seen.files} files in ${seen.folders} folders`), {
        throttle: true,
      });
    };
    let time = '';
    const signal = AbortSignal.any([j.signal, this.abort.signal]);
    const listed = this.deps.reader(repo).ls(id, { signal, onSnapshot: (s) => (time = s.time) });
    async function* counted(nodes: AsyncIterable<LsNode>) {
      for await (const n of nodes) {
        if (n.type === 'dir') seen.folders++;
        else seen.files++;
        if ((seen.files + seen.folders) % 5000 === 0) report();
        yield n;
      }
    }
    try {
      const t0 = this.deps.now();
      await idx.add(
        {
          id,
          get time() {
            return time;
          },
        },
        counted(this.paced(listed)),
        t0,
      );
      const bytes = idx.sizeBytes();
      j.rt.log.write(
        `indexed ${seen.files} files in ${seen.folders} folders in ${this.deps.now() - t0} ms; ` +
          `index of the repository: ${bytes} bytes\n`,
      );
      return { result: { snapshotId: id, ...seen, indexBytes: bytes } };
    } catch (err) {
      // forgotten between the oplog write and now: the next index-snapshots marks it
      if (!isResticError(err) || err.code !== 'invalid-argument') throw err;
      j.rt.log.write(`snapshot ${id} is no longer in the repository: nothing to index\n`);
      return { result: { snapshotId: id, skipped: 'snapshot no longer in the repository' } };
    }
  }

  /** Pulls nodes only while no user's restic read runs; restic starts only then too (its start loads the index). */
  private async *paced<T>(nodes: AsyncIterable<T>): AsyncGenerator<T> {
    await this.foregroundDone();
    for await (const n of nodes) {
      if (this.foreground) await this.foregroundDone();
      yield n;
    }
  }

  private async foregroundDone(): Promise<void> {
    while (this.foreground) await new Promise<void>((r) => this.foregroundWaiters.push(r));
  }

  private retryLater(repo: Repo): void {
    const key = keyOf(repo);
    clearTimeout(this.retries.get(key));
    const t = setTimeout(() => {
      this.retries.delete(key);
      const now = this.repoOf(key);
      if (now) this.request(now);
    }, this.deps.retryMs ?? 60_000);
    t.unref();
    this.retries.set(key, t);
  }

  private repoOf(key: string): Repo | undefined {
    return this.deps.config().repos.find((r) => keyOf(r) === key);
  }

  private dropUnknownFiles(config: Config): void {
    const keep = new Set(config.repos.map((r) => fileName(keyOf(r))));
    for (const [key, idx] of this.open) {
      if (keep.has(fileName(key))) continue;
      idx.close();
      this.open.delete(key);
    }
    let names: string[];
    try {
      names = fs.readdirSync(this.deps.dir);
    } catch {
      return;
    }
    for (const name of names) {
      const base = name.replace(/-(wal|shm|journal)$/, '');
      if (base.endsWith('.sqlite') && !keep.has(base))
        fs.rmSync(path.join(this.deps.dir, name), { force: true });
    }
  }
}

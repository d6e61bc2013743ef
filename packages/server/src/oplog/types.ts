// Public interfaces of the operation log. Stable: the scheduler, tasks, hooks and APIs depend on them.
import type { Operation, OperationStatus } from '@restora/proto';

/** The oneof case of `Operation.op` ('operationBackup', 'operationIndexSnapshot', ...). */
export type OperationKind = NonNullable<Operation['op']['case']>;

/**
 * Query filter; mirrors Backrest's `OpSelector` (absent field = no filter, present '' = filter on '').
 * `ids` cannot be combined with the other Backrest filters. `repoId`, `statuses`, `kinds` and the time
 * bounds are Restora extensions.
 */
export interface OpSelector {
  ids?: readonly bigint[];
  instanceId?: string;
  originalInstanceKeyid?: string;
  repoGuid?: string;
  repoId?: string;
  planId?: string;
  snapshotId?: string;
  flowId?: bigint;
  modnoGte?: bigint;
  statuses?: readonly OperationStatus[];
  kinds?: readonly OperationKind[];
  /** unix_time_start_ms >= startAfterMs (inclusive) */
  startFromMs?: number;
  /** unix_time_start_ms < startBeforeMs */
  startBeforeMs?: number;
}

export interface QueryOptions {
  /** Newest N by (unix_time_start_ms, id); the result is still sorted by id ascending (Backrest semantics). */
  lastN?: number;
  /** Pagination for large histories (applied after lastN selection, in id order). */
  limit?: number;
  offset?: number;
  /** Default 'asc' (by id). */
  order?: 'asc' | 'desc';
}

export type OpEvent =
  | { type: 'created'; operations: Operation[] }
  | { type: 'updated'; operations: Operation[] }
  /** `operations` holds the deleted ops when deleted by id; it is EMPTY for bulk deletes (GC, deleteWhere, transform). */
  | { type: 'deleted'; ids: bigint[]; operations: Operation[] };

export type OpListener = (event: OpEvent) => void;

/** Result of the startup scrub (only this instance's leftovers). */
export interface ScrubResult {
  /** INPROGRESS ops marked ERROR. */
  failed: Operation[];
  /** Ids of deleted PENDING / UNKNOWN / cancelled ops. */
  deletedIds: bigint[];
  /** Distinct repo ids (and guids) of the failed ops: the scheduler should remove our stale locks there. */
  affectedRepos: { repoId: string; repoGuid: string }[];
}

export interface ScrubOptions {
  nowMs?: number;
  /** Keep PENDING ops (a scheduler that persists its queue re-adopts them). Default false. */
  keepPending?: boolean;
}

export interface GcResult {
  deletedIds: bigint[];
  byReason: { forgottenSnapshot: number; maxAge: number; maxCount: number; unknownPeer: number };
}

export interface GcOptions {
  nowMs?: number;
  /** Key ids of authorized peers; ops from other peers (original_instance_keyid set) are deleted. */
  knownPeerKeyids?: ReadonlySet<string>;
}

/** Per-plan or per-repo aggregate for the dashboard (last `windowMs`, default 30 days). */
export interface SummaryRow {
  id: string;
  backupsSuccess: number;
  backupsWarning: number;
  backupsFailed: number;
  bytesAdded: bigint;
  bytesScanned: bigint;
  /** Average over successful/warning backups with a summary in the window. */
  bytesAddedAvg: bigint;
  bytesScannedAvg: bigint;
  /** Snapshots indexed for it and not forgotten (all time). */
  totalSnapshots: number;
  lastSuccessMs?: number;
  lastFailureMs?: number;
  /** Newest backups first, at most `recentLimit` (default 60). */
  recent: RecentBackup[];
  /** One bucket per local day in the window, oldest first. */
  days: DayBucket[];
}

export interface RecentBackup {
  id: bigint;
  flowId: bigint;
  startMs: number;
  durationMs: number;
  status: OperationStatus;
  bytesAdded: bigint;
}

export interface DayBucket {
  startMs: number;
  bytesAdded: bigint;
  bytesScanned: bigint;
  statusCounts: { status: OperationStatus; count: number }[];
}

export interface SummaryOptions {
  groupBy: 'plan' | 'repo';
  /** Plan or repo ids to report (from the config), including ones without history. Default: ids seen in the window. */
  ids?: readonly string[];
  instanceId?: string;
  nowMs?: number;
  windowMs?: number;
  recentLimit?: number;
  /** Start of day for `ms` (local time zone by default). */
  dayStart?: (ms: number) => number;
}

export interface LastBackupQuery {
  planId: string;
  instanceId?: string;
  repoGuid?: string;
  repoId?: string;
  /** Include dry runs (default false). */
  includeDryRun?: boolean;
  /** Include backups a shutdown cut short (SYSTEM_CANCELLED; default false). */
  includeSystemCancelled?: boolean;
}

/**
 * The operation log. Synchronous (SQLite via better-sqlite3 is synchronous) except `collectGarbage`; every other
 * method is atomic.
 * Returned operations are copies: mutate them and pass them back to `update`.
 */
export interface OpLog {
  /**
   * Inserts ops: assigns `id` (if 0), `flowId` (= id if 0) and `modno` ON the given objects and returns them.
   * Requires the op kind, repoId, planId and instanceId. A preset id that exists → ConflictError.
   */
  add(...ops: Operation[]): Operation[];
  /** Replaces ops by id (NotFoundError if one is missing); bumps `modno` on the given objects. */
  update(...ops: Operation[]): Operation[];
  get(id: bigint): Operation | undefined;
  /** Like get, but throws NotFoundError. */
  getOrThrow(id: bigint): Operation;
  query(selector: OpSelector, options?: QueryOptions): Operation[];
  count(selector: OpSelector): number;
  /** Deletes by id (missing ids ignored); returns the deleted ops. */
  delete(...ids: bigint[]): Operation[];
  /** Deletes everything matching the selector; returns the deleted ids. */
  deleteWhere(selector: OpSelector): bigint[];
  /**
   * Read-modify-write of every op matching the selector, in one transaction. The callback returns the new
   * op (update), `null` (delete) or `undefined` (unchanged). Listeners get one event per type.
   */
  transform(
    selector: OpSelector,
    fn: (op: Operation) => Operation | null | undefined,
  ): { updated: number; deleted: number };
  /** Current global modno (highest assigned). */
  currentModno(): bigint;
  /** Newest finished (not PENDING/INPROGRESS/SYSTEM_CANCELLED) backup of a plan, by end time. */
  lastFinishedBackup(q: LastBackupQuery): Operation | undefined;
  /** Newest op of a kind (e.g. prune, check) in a repo by end time, optionally restricted to finished ones. */
  lastOfKind(kind: OperationKind, sel: OpSelector, finishedOnly?: boolean): Operation | undefined;
  /**
   * Dashboard aggregates from indexed columns only (no blob decoding). Rows are read-only: the SQLite store hands
   * out the same frozen row while its plan or repo is unchanged.
   */
  summaries(options: SummaryOptions): SummaryRow[];
  /**
   * Startup scrub of this instance's ops (peers' ops untouched): INPROGRESS → ERROR "Operation was incomplete
   * when orchestrator was restarted.", PENDING and UNKNOWN deleted (unless `keepPending`). Finished ops, including
   * cancelled ones, are history and kept.
   */
  scrub(instanceId: string, options?: ScrubOptions): ScrubResult;
  /**
   * Backrest's history GC (§6). Returns what was deleted. Async: the SQLite store reads and deletes in small
   * transactions, yielding to the event loop; ops added or changed meanwhile (and what depends on them) are spared.
   */
  collectGarbage(options?: GcOptions): Promise<GcResult>;
  /** True when an op with this id exists (log-store orphan cleanup). */
  hasId(id: bigint): boolean;
  subscribe(listener: OpListener): () => void;
  close(): void;
}

/** Log store for per-operation output (`t-…` task logs, `c-…` command outputs). */
export interface LogWriter {
  readonly ref: string;
  write(chunk: string | Uint8Array): void;
  /** Finalises the log (followers end); idempotent. */
  close(): Promise<void>;
  /** Bytes accepted so far (excluding dropped bytes past the cap). */
  readonly size: number;
}

export interface CreateLogOptions {
  /** 't' task log (TTL, default 14 days) or 'c' command output (no TTL). Default 't'. */
  prefix?: 't' | 'c';
  /** Owning operation; the log is deleted when the op is gone (GC). */
  ownerOpId?: bigint;
  ttlMs?: number;
  /** Cap in bytes; further output is dropped and a note appended. */
  maxBytes?: number;
}

export interface LogStore {
  create(options?: CreateLogOptions): LogWriter;
  /** Whole content (in progress or finished). NotFoundError if unknown or expired. */
  read(ref: string): Promise<Buffer>;
  /** Yields existing content then new chunks as written, until the writer closes or `signal` aborts. */
  follow(ref: string, options?: { signal?: AbortSignal }): AsyncIterable<Buffer>;
  exists(ref: string): boolean;
  delete(ref: string): Promise<void>;
  /** Removes expired logs and logs whose owner op no longer exists. Returns removed refs. */
  collectGarbage(isLiveOp: (id: bigint) => boolean, nowMs?: number): Promise<string[]>;
  close(): Promise<void>;
}

// OpLog on SQLite (better-sqlite3, WAL): protobuf blob per op plus indexed columns for every hot query.
import fs from 'node:fs';
import path from 'node:path';
import Database, { type Database as Db, type Statement } from 'better-sqlite3';
import { preparePrivateDatabase } from '../secrets/private-file.js';
import { fromBinary, toBinary } from '@bufbuild/protobuf';
import { OperationSchema, OperationStatus, type Operation } from '@restora/proto';
import { ConflictError, NotFoundError } from '../errors.js';
import { columnsOf, kindCode, type OpColumns } from './columns.js';
import { acquireDirLock, type DirLock } from './data-dir-lock.js';
import { OpEmitter } from './emitter.js';
import { scrubOps } from './scrub.js';
import { collectGarbagePaged } from './sqlite-gc.js';
import { selectorToSql } from './selector.js';
import { buildSummaries, localDayStart } from './summaries.js';
import { sqliteSummarySource } from './sqlite-summaries.js';
import { ensureBackupDays, registerDayFunction } from './backup-days.js';
import { SummaryCache } from './summary-cache.js';
import { cachedSummaries } from './cached-summaries.js';
import { withIndexesDeferred } from './bulk-load.js';
import { migrate } from './schema.js';
import { validateOp } from './validate-op.js';
import type {
  GcOptions,
  GcResult,
  LastBackupQuery,
  OpEvent,
  OpListener,
  OpLog,
  OpSelector,
  OperationKind,
  QueryOptions,
  ScrubOptions,
  ScrubResult,
  SummaryOptions,
  SummaryRow,
} from './types.js';

export interface SqliteOpLogOptions {
  /** Database file, e.g. `<data>/oplog.sqlite`. */
  file: string;
  /** Lock file refusing a second process (default `<file>.lock`); false to skip (read-only tools). */
  lock?: boolean;
}

const COLS = Object.keys(columnsOf({ op: {} } as unknown as Operation)) as (keyof OpColumns)[];
const FINISHED = [
  OperationStatus.STATUS_SUCCESS,
  OperationStatus.STATUS_ERROR,
  OperationStatus.STATUS_USER_CANCELLED,
  OperationStatus.STATUS_WARNING,
];
const CHUNK = 500;
const INSERT_SQL = `INSERT INTO operations (${COLS.join(',')}, data) VALUES (${COLS.map((k) => '@' + k).join(',')}, @data)`;
const UPDATE_SQL = `UPDATE operations SET ${COLS.filter((k) => k !== 'id')
  .map((k) => `${k} = @${k}`)
  .join(', ')}, data = @data WHERE id = @id`;

export class SqliteOpLog implements OpLog {
  private readonly db: Db;
  private readonly emitter = new OpEmitter();
  private readonly stmtCache = new Map<string, Statement>();
  private readonly lock: DirLock | undefined;
  private modno: number;
  private nextId: number;
  private closed = false;
  /** process.env.TZ when backup_days was last checked: a change rebuilds it before the next read or write. */
  private dayTz: string | undefined;
  private readonly summaryCache = new SummaryCache();
  // GC runs one at a time: a plan made while another run deletes could over-trim a group.
  private gcTail: Promise<unknown> = Promise.resolve();
  /** While a GC runs: ids other writers deleted, so it spares what depended on them. */
  private gcDeletedByOthers: Set<number> | undefined;

  static open(options: SqliteOpLogOptions): SqliteOpLog {
    return new SqliteOpLog(options);
  }

  private constructor(options: SqliteOpLogOptions) {
    fs.mkdirSync(path.dirname(options.file), { recursive: true, mode: 0o700 });
    this.lock = options.lock === false ? undefined : acquireDirLock(`${options.file}.lock`, 'the oplog');
    try {
      // Operation history names paths and errors: keep it (and its -wal/-shm) 0600 whatever the umask.
      if (options.file !== ':memory:') preparePrivateDatabase(options.file);
      this.db = new Database(options.file);
      this.db.pragma('journal_mode = WAL');
      this.db.pragma('synchronous = NORMAL');
      this.db.pragma('busy_timeout = 5000');
      // Hot indexes stay in memory on large histories (64 MiB page cache, memory-mapped reads).
      this.db.pragma('cache_size = -65536');
      this.db.pragma('mmap_size = 268435456');
      registerDayFunction(this.db);
      migrate(this.db);
      ensureBackupDays(this.db);
      this.dayTz = process.env.TZ;
      // Two subqueries: each MAX is one index probe (one query with both scans the whole table).
      const row = this.db
        .prepare(
          'SELECT (SELECT MAX(id) FROM operations) AS id, (SELECT MAX(modno) FROM operations) AS modno',
        )
        .get() as {
        id: number | null;
        modno: number | null;
      };
      this.nextId = (row.id ?? 0) + 1;
      this.modno = row.modno ?? 0;
    } catch (e) {
      this.lock?.release();
      throw e;
    }
  }

  /** Errors thrown by listeners end up here (default: ignored). */
  set onListenerError(fn: (err: unknown) => void) {
    this.emitter.onListenerError = fn;
  }

  private changed(make: () => OpEvent[]): void {
    this.emitter.emit(make);
  }

  /** Day keys follow the process's zone: a runtime TZ change rebuilds backup_days (exact, from the ops). */
  private syncDayZone(): void {
    if (process.env.TZ === this.dayTz) return;
    ensureBackupDays(this.db);
    this.dayTz = process.env.TZ;
    this.summaryCache.clear();
  }

  private stmt(sql: string): Statement {
    let s = this.stmtCache.get(sql);
    if (!s) {
      s = this.db.prepare(sql);
      this.stmtCache.set(sql, s);
    }
    return s;
  }

  private decode(rows: { data: Buffer }[]): Operation[] {
    return rows.map((r) => fromBinary(OperationSchema, r.data));
  }

  private insertRow(op: Operation): void {
    try {
      this.stmt(INSERT_SQL).run({ ...columnsOf(op), data: toBinary(OperationSchema, op) });
    } catch (e) {
      if ((e as { code?: string }).code === 'SQLITE_CONSTRAINT_PRIMARYKEY') {
        throw new ConflictError(`operation ${op.id} already exists`);
      }
      throw e;
    }
  }

  add(...ops: Operation[]): Operation[] {
    if (ops.length === 0) return ops;
    ops.forEach(validateOp);
    this.syncDayZone();
    const startId = this.nextId;
    const startModno = this.modno;
    try {
      this.db.transaction(() => {
        for (const op of ops) {
          const id = op.id !== 0n ? Number(op.id) : this.nextId;
          this.nextId = Math.max(this.nextId, id + 1);
          op.id = BigInt(id);
          op.modno = BigInt(++this.modno);
          if (op.flowId === 0n) op.flowId = op.id;
          this.insertRow(op);
        }
      })();
    } catch (e) {
      this.nextId = startId;
      this.modno = startModno;
      throw e;
    }
    this.changed(() => [{ type: 'created', operations: OpEmitter.copies(ops) }]);
    return ops;
  }

  /**
   * Imports many ops at once (history import, benchmarks): same rules as `add` (ids, flowId, modno, validation),
   * indexes rebuilt once at the end, no events. Returns the number of ops stored.
   */
  importBulk(batches: Iterable<Operation[]>): number {
    const startId = this.nextId;
    const startModno = this.modno;
    let n = 0;
    this.syncDayZone();
    try {
      withIndexesDeferred(this.db, () => {
        for (const ops of batches) {
          ops.forEach(validateOp);
          for (const op of ops) {
            const id = op.id !== 0n ? Number(op.id) : this.nextId;
            this.nextId = Math.max(this.nextId, id + 1);
            op.id = BigInt(id);
            op.modno = BigInt(++this.modno);
            if (op.flowId === 0n) op.flowId = op.id;
            this.insertRow(op);
          }
          n += ops.length;
        }
      });
    } catch (e) {
      this.nextId = startId;
      this.modno = startModno;
      throw e;
    }
    this.summaryCache.clear();
    return n;
  }

  update(...ops: Operation[]): Operation[] {
    if (ops.length === 0) return ops;
    const prevModno = ops.map((o) => o.modno);
    const startModno = this.modno;
    this.syncDayZone();
    try {
      this.db.transaction(() => {
        for (const op of ops) {
          op.modno = BigInt(++this.modno);
          const c = columnsOf(op);
          const res = this.stmt(UPDATE_SQL).run({ ...c, data: toBinary(OperationSchema, op) });
          if (res.changes !== 1)
            throw new NotFoundError(`operation ${op.id} not found`, 'operation', String(op.id));
        }
      })();
    } catch (e) {
      this.modno = startModno;
      ops.forEach((o, i) => (o.modno = prevModno[i]!));
      throw e;
    }
    this.changed(() => [{ type: 'updated', operations: OpEmitter.copies(ops) }]);
    return ops;
  }

  get(id: bigint): Operation | undefined {
    const row = this.stmt('SELECT data FROM operations WHERE id = ?').get(Number(id)) as
      { data: Buffer } | undefined;
    return row ? fromBinary(OperationSchema, row.data) : undefined;
  }

  getOrThrow(id: bigint): Operation {
    const op = this.get(id);
    if (!op) throw new NotFoundError(`operation ${id} not found`, 'operation', String(id));
    return op;
  }

  hasId(id: bigint): boolean {
    return this.stmt('SELECT 1 FROM operations WHERE id = ?').get(Number(id)) !== undefined;
  }

  query(selector: OpSelector, options: QueryOptions = {}): Operation[] {
    const where = selectorToSql(selector);
    const desc = options.order === 'desc';
    if (options.lastN !== undefined && options.lastN > 0) {
      const rows = this.stmt(
        `SELECT id, data FROM operations WHERE ${where.sql} ORDER BY start_ms DESC, id DESC LIMIT ?`,
      ).all(...where.params, options.lastN) as { id: number; data: Buffer }[];
      rows.sort((a, b) => (desc ? b.id - a.id : a.id - b.id));
      const offset = options.offset ?? 0;
      const page = rows.slice(offset, options.limit !== undefined ? offset + options.limit : undefined);
      return this.decode(page);
    }
    const limit = options.limit ?? -1;
    const rows = this.stmt(
      `SELECT data FROM operations WHERE ${where.sql} ORDER BY id ${desc ? 'DESC' : 'ASC'} LIMIT ? OFFSET ?`,
    ).all(...where.params, limit, options.offset ?? 0) as { data: Buffer }[];
    return this.decode(rows);
  }

  count(selector: OpSelector): number {
    const where = selectorToSql(selector);
    return (
      this.stmt(`SELECT COUNT(*) AS n FROM operations WHERE ${where.sql}`).get(...where.params) as {
        n: number;
      }
    ).n;
  }

  currentModno(): bigint {
    return BigInt(this.modno);
  }

  private deleteIds(ids: readonly number[]): void {
    const watch = this.gcDeletedByOthers;
    if (watch) for (const id of ids) watch.add(id);
    this.removeRows(ids);
  }

  private removeRows(ids: readonly number[]): void {
    for (let i = 0; i < ids.length; i += CHUNK) {
      const part = ids.slice(i, i + CHUNK);
      this.stmt(`DELETE FROM operations WHERE id IN (${part.map(() => '?').join(',')})`).run(...part);
    }
  }

  delete(...ids: bigint[]): Operation[] {
    if (ids.length === 0) return [];
    const deleted: Operation[] = [];
    this.syncDayZone();
    this.db.transaction(() => {
      for (let i = 0; i < ids.length; i += CHUNK) {
        const part = ids.slice(i, i + CHUNK).map(Number);
        const rows = this.stmt(
          `SELECT data FROM operations WHERE id IN (${part.map(() => '?').join(',')})`,
        ).all(...part) as { data: Buffer }[];
        deleted.push(...this.decode(rows));
      }
      this.deleteIds(deleted.map((o) => Number(o.id)));
    })();
    if (deleted.length)
      this.changed(() => [{ type: 'deleted', ids: deleted.map((o) => o.id), operations: deleted }]);
    return deleted;
  }

  deleteWhere(selector: OpSelector): bigint[] {
    const where = selectorToSql(selector);
    this.syncDayZone();
    const ids = this.db.transaction(() => {
      const found = (
        this.stmt(`SELECT id FROM operations WHERE ${where.sql} ORDER BY id`).all(...where.params) as {
          id: number;
        }[]
      ).map((r) => r.id);
      this.deleteIds(found);
      return found;
    })();
    if (ids.length) this.changed(() => [{ type: 'deleted', ids: ids.map(BigInt), operations: [] }]);
    return ids.map(BigInt);
  }

  transform(
    selector: OpSelector,
    fn: (op: Operation) => Operation | null | undefined,
  ): { updated: number; deleted: number } {
    const where = selectorToSql(selector);
    const updated: Operation[] = [];
    const deleted: bigint[] = [];
    const startModno = this.modno;
    this.syncDayZone();
    try {
      this.db.transaction(() => {
        const rows = this.stmt(`SELECT data FROM operations WHERE ${where.sql} ORDER BY id`).all(
          ...where.params,
        ) as {
          data: Buffer;
        }[];
        for (const op of this.decode(rows)) {
          const id = op.id;
          const next = fn(op);
          if (next === null) deleted.push(id);
          else if (next !== undefined) {
            next.id = id;
            next.modno = BigInt(++this.modno);
            const c = columnsOf(next);
            this.stmt(UPDATE_SQL).run({ ...c, data: toBinary(OperationSchema, next) });
            updated.push(next);
          }
        }
        this.deleteIds(deleted.map(Number));
      })();
    } catch (e) {
      this.modno = startModno;
      throw e;
    }
    const events: OpEvent[] = [];
    if (updated.length) events.push({ type: 'updated', operations: OpEmitter.copies(updated) });
    if (deleted.length) events.push({ type: 'deleted', ids: deleted, operations: [] });
    this.changed(() => events);
    return { updated: updated.length, deleted: deleted.length };
  }

  lastFinishedBackup(q: LastBackupQuery): Operation | undefined {
    const statuses = q.includeSystemCancelled
      ? [...FINISHED, OperationStatus.STATUS_SYSTEM_CANCELLED]
      : FINISHED;
    const parts = ['kind = ?', 'plan_id = ?', 'forgot = 0', `status IN (${statuses.join(',')})`];
    const params: (string | number)[] = [kindCode('operationBackup'), q.planId];
    if (q.instanceId !== undefined) (parts.splice(2, 0, 'instance_id = ?'), params.push(q.instanceId));
    if (q.repoGuid !== undefined) (parts.push('repo_guid = ?'), params.push(q.repoGuid));
    if (q.repoId !== undefined) (parts.push('repo_id = ?'), params.push(q.repoId));
    if (!q.includeDryRun) parts.push('dry_run = 0');
    const row = this.stmt(
      `SELECT data FROM operations WHERE ${parts.join(' AND ')} ORDER BY end_ms DESC, id DESC LIMIT 1`,
    ).get(...params) as { data: Buffer } | undefined;
    return row ? fromBinary(OperationSchema, row.data) : undefined;
  }

  lastOfKind(kind: OperationKind, sel: OpSelector, finishedOnly = false): Operation | undefined {
    const where = selectorToSql(sel);
    const status = finishedOnly ? ` AND status IN (${FINISHED.join(',')})` : '';
    const row = this.stmt(
      `SELECT data FROM operations WHERE kind = ? AND forgot = 0 AND ${where.sql}${status} ORDER BY end_ms DESC, id DESC LIMIT 1`,
    ).get(kindCode(kind), ...where.params) as { data: Buffer } | undefined;
    return row ? fromBinary(OperationSchema, row.data) : undefined;
  }

  summaries(options: SummaryOptions): SummaryRow[] {
    this.syncDayZone();
    // backup_days holds local days: a caller's own day function reads the window from the ops instead.
    const dayRows = options.dayStart === undefined || options.dayStart === localDayStart;
    const prepare = (sql: string) => this.stmt(sql);
    const build = (o: SummaryOptions) =>
      buildSummaries(sqliteSummarySource(prepare, o, dayRows, this.summaryCache), o);
    const ids = options.ids;
    return dayRows && ids
      ? cachedSummaries(this.summaryCache, prepare, { ...options, ids }, build)
      : build(options);
  }

  scrub(instanceId: string, options: ScrubOptions = {}): ScrubResult {
    const rows = this.stmt(
      'SELECT data FROM operations WHERE status IN (0, 1, 2) AND instance_id = ? ORDER BY id',
    ).all(instanceId) as { data: Buffer }[];
    const plan = scrubOps(this.decode(rows), options);
    if (plan.failed.length) this.update(...plan.failed);
    if (plan.deletedIds.length) this.delete(...plan.deletedIds);
    return plan;
  }

  collectGarbage(options: GcOptions = {}): Promise<GcResult> {
    const run = this.gcTail.then(() => this.runGc(options));
    this.gcTail = run.catch(() => {});
    return run;
  }

  private async runGc(options: GcOptions): Promise<GcResult> {
    const deletedByOthers = new Set<number>();
    this.gcDeletedByOthers = deletedByOthers;
    try {
      return await collectGarbagePaged(
        {
          stmt: (sql) => this.stmt(sql),
          startModno: this.modno,
          deletedByOthers,
          closed: () => this.closed,
          remove: (ids) => {
            this.syncDayZone();
            this.db.transaction(() => this.removeRows(ids))();
            this.changed(() => [{ type: 'deleted', ids: ids.map(BigInt), operations: [] }]);
          },
        },
        options,
      );
    } finally {
      this.gcDeletedByOthers = undefined;
    }
  }

  subscribe(listener: OpListener): () => void {
    return this.emitter.subscribe(listener);
  }

  /** Runs `PRAGMA optimize` and closes; releases the data-dir lock. Idempotent. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    try {
      this.db.pragma('optimize');
      this.db.close();
    } finally {
      this.lock?.release();
    }
  }
}

// In-memory OpLog (tests, ephemeral runs): same contract as the SQLite store, linear scans.
import { clone } from '@bufbuild/protobuf';
import { OperationSchema, OperationStatus, type Operation } from '@restora/proto';
import { ConflictError, NotFoundError } from '../errors.js';
import { columnsOf, kindCode, type OpColumns } from './columns.js';
import { OpEmitter } from './emitter.js';
import { GcPlanner, runSync } from './gc-planner.js';
import { scrubOps } from './scrub.js';
import { checkSelector, columnsMatch } from './selector.js';
import { buildSummaries } from './summaries.js';
import { memorySummarySource } from './memory-summaries.js';
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

interface Entry {
  op: Operation;
  c: OpColumns;
}

const FINISHED = new Set<number>([
  OperationStatus.STATUS_SUCCESS,
  OperationStatus.STATUS_ERROR,
  OperationStatus.STATUS_USER_CANCELLED,
  OperationStatus.STATUS_WARNING,
]);

const newestByEnd = (a: Entry, b: Entry) => b.c.end_ms - a.c.end_ms || b.c.id - a.c.id;

export class MemoryOpLog implements OpLog {
  private readonly ops = new Map<number, Entry>();
  private readonly emitter = new OpEmitter();
  private modno = 0;
  private nextId = 1;

  private entries(sel: OpSelector): Entry[] {
    checkSelector(sel);
    const out: Entry[] = [];
    for (const e of this.ops.values()) if (columnsMatch(e.c, sel)) out.push(e);
    return out.sort((a, b) => a.c.id - b.c.id);
  }

  private put(op: Operation): void {
    const copy = clone(OperationSchema, op);
    this.ops.set(Number(op.id), { op: copy, c: columnsOf(copy) });
  }

  add(...ops: Operation[]): Operation[] {
    if (ops.length === 0) return ops;
    ops.forEach(validateOp);
    for (const op of ops) {
      if (op.id !== 0n && this.ops.has(Number(op.id)))
        throw new ConflictError(`operation ${op.id} already exists`);
    }
    for (const op of ops) {
      const id = op.id !== 0n ? Number(op.id) : this.nextId;
      this.nextId = Math.max(this.nextId, id + 1);
      op.id = BigInt(id);
      op.modno = BigInt(++this.modno);
      if (op.flowId === 0n) op.flowId = op.id;
      this.put(op);
    }
    this.emitter.emit(() => [{ type: 'created', operations: OpEmitter.copies(ops) }]);
    return ops;
  }

  update(...ops: Operation[]): Operation[] {
    if (ops.length === 0) return ops;
    const missing = ops.find((op) => !this.ops.has(Number(op.id)));
    if (missing)
      throw new NotFoundError(`operation ${missing.id} not found`, 'operation', String(missing.id));
    for (const op of ops) {
      op.modno = BigInt(++this.modno);
      this.put(op);
    }
    this.emitter.emit(() => [{ type: 'updated', operations: OpEmitter.copies(ops) }]);
    return ops;
  }

  get(id: bigint): Operation | undefined {
    const e = this.ops.get(Number(id));
    return e ? clone(OperationSchema, e.op) : undefined;
  }

  getOrThrow(id: bigint): Operation {
    const op = this.get(id);
    if (!op) throw new NotFoundError(`operation ${id} not found`, 'operation', String(id));
    return op;
  }

  hasId(id: bigint): boolean {
    return this.ops.has(Number(id));
  }

  query(selector: OpSelector, options: QueryOptions = {}): Operation[] {
    let list = this.entries(selector);
    if (options.lastN !== undefined && options.lastN > 0) {
      list = [...list]
        .sort((a, b) => b.c.start_ms - a.c.start_ms || b.c.id - a.c.id)
        .slice(0, options.lastN)
        .sort((a, b) => a.c.id - b.c.id);
    }
    if (options.order === 'desc') list.reverse();
    const offset = options.offset ?? 0;
    list = list.slice(offset, options.limit !== undefined ? offset + options.limit : undefined);
    return list.map((e) => clone(OperationSchema, e.op));
  }

  count(selector: OpSelector): number {
    return this.entries(selector).length;
  }

  currentModno(): bigint {
    return BigInt(this.modno);
  }

  delete(...ids: bigint[]): Operation[] {
    const deleted: Operation[] = [];
    for (const id of ids) {
      const e = this.ops.get(Number(id));
      if (e && this.ops.delete(Number(id))) deleted.push(e.op);
    }
    if (deleted.length)
      this.emitter.emit(() => [{ type: 'deleted', ids: deleted.map((o) => o.id), operations: deleted }]);
    return deleted;
  }

  deleteWhere(selector: OpSelector): bigint[] {
    const ids = this.entries(selector).map((e) => e.op.id);
    for (const id of ids) this.ops.delete(Number(id));
    if (ids.length) this.emitter.emit(() => [{ type: 'deleted', ids, operations: [] }]);
    return ids;
  }

  transform(
    selector: OpSelector,
    fn: (op: Operation) => Operation | null | undefined,
  ): { updated: number; deleted: number } {
    const staged: [bigint, Operation | null][] = [];
    for (const e of this.entries(selector)) {
      const next = fn(clone(OperationSchema, e.op));
      if (next !== undefined) staged.push([e.op.id, next]);
    }
    const updated: Operation[] = [];
    const deleted: bigint[] = [];
    for (const [id, next] of staged) {
      if (next === null) {
        this.ops.delete(Number(id));
        deleted.push(id);
      } else {
        next.id = id;
        next.modno = BigInt(++this.modno);
        this.put(next);
        updated.push(next);
      }
    }
    const events: OpEvent[] = [];
    if (updated.length) events.push({ type: 'updated', operations: OpEmitter.copies(updated) });
    if (deleted.length) events.push({ type: 'deleted', ids: deleted, operations: [] });
    this.emitter.emit(() => events);
    return { updated: updated.length, deleted: deleted.length };
  }

  lastFinishedBackup(q: LastBackupQuery): Operation | undefined {
    const backup = kindCode('operationBackup');
    const found = [...this.ops.values()]
      .filter(
        ({ c }) =>
          c.kind === backup &&
          c.plan_id === q.planId &&
          (FINISHED.has(c.status) ||
            (q.includeSystemCancelled === true && c.status === OperationStatus.STATUS_SYSTEM_CANCELLED)) &&
          (q.instanceId === undefined || c.instance_id === q.instanceId) &&
          (q.repoGuid === undefined || c.repo_guid === q.repoGuid) &&
          (q.repoId === undefined || c.repo_id === q.repoId) &&
          (q.includeDryRun || c.dry_run === 0),
      )
      .sort(newestByEnd)[0];
    return found ? clone(OperationSchema, found.op) : undefined;
  }

  lastOfKind(kind: OperationKind, sel: OpSelector, finishedOnly = false): Operation | undefined {
    const code = kindCode(kind);
    const found = this.entries(sel)
      .filter(({ c }) => c.kind === code && c.forgot === 0 && (!finishedOnly || FINISHED.has(c.status)))
      .sort(newestByEnd)[0];
    return found ? clone(OperationSchema, found.op) : undefined;
  }

  summaries(options: SummaryOptions): SummaryRow[] {
    const all = [...this.ops.values()].map((e) => e.c);
    return buildSummaries(memorySummarySource(all, options), options);
  }

  scrub(instanceId: string, options: ScrubOptions = {}): ScrubResult {
    const unfinished = this.entries({ instanceId, statuses: [0, 1, 2] }).map((e) =>
      clone(OperationSchema, e.op),
    );
    const plan = scrubOps(unfinished, options);
    if (plan.failed.length) this.update(...plan.failed);
    if (plan.deletedIds.length) this.delete(...plan.deletedIds);
    return plan;
  }

  async collectGarbage(options: GcOptions = {}): Promise<GcResult> {
    const planner = new GcPlanner(options.nowMs ?? Date.now(), options.knownPeerKeyids);
    planner.add([...this.ops.values()].map((e) => e.c).sort((a, b) => a.id - b.id));
    const res = planner.result(runSync(planner.plan()));
    for (const id of res.deletedIds) this.ops.delete(Number(id));
    if (res.deletedIds.length)
      this.emitter.emit(() => [{ type: 'deleted', ids: [...res.deletedIds], operations: [] }]);
    return res;
  }

  subscribe(listener: OpListener): () => void {
    return this.emitter.subscribe(listener);
  }

  close(): void {}
}

// Backrest's operation-history GC rules (taskcollectgarbage.go) over indexed columns, fed page by page.
import { isUnfinished } from '@restora/proto';
import { KIND_CODES } from './columns.js';
import type { GcResult } from './types.js';

export interface GcRow {
  id: number;
  flow_id: number;
  kind: number;
  status: number;
  repo_id: string;
  repo_guid: string;
  plan_id: string;
  instance_id: string;
  original_instance_keyid: string;
  start_ms: number;
  forgot: number;
}

interface Limits {
  maxAgeMs: number;
  keepMin: number;
  keepMax: number;
}

const DAY = 24 * 3600 * 1000;
const DEFAULT_LIMITS: Limits = { maxAgeMs: 30 * DAY, keepMin: 1, keepMax: 100 };
// Contract §6: stats 365 d / 100, check 365 d / 12, prune 365 d / 12, forget 30 d / 30, others 30 d / 100.
const GC_LIMITS: ReadonlyMap<number, Limits> = new Map([
  [KIND_CODES.operationStats, { maxAgeMs: 365 * DAY, keepMin: 1, keepMax: 100 }],
  [KIND_CODES.operationCheck, { maxAgeMs: 365 * DAY, keepMin: 1, keepMax: 12 }],
  [KIND_CODES.operationPrune, { maxAgeMs: 365 * DAY, keepMin: 1, keepMax: 12 }],
  [KIND_CODES.operationForget, { maxAgeMs: 30 * DAY, keepMin: 1, keepMax: 30 }],
]);

type GcReason = keyof GcResult['byReason'];
const REASONS: readonly GcReason[] = ['forgottenSnapshot', 'maxAge', 'maxCount', 'unknownPeer'];
const [FORGOTTEN, MAX_AGE, MAX_COUNT, UNKNOWN_PEER] = [1, 2, 3, 4];
const NO_GROUP = -1;

/** A row that exists now, in a flow changed since the plan's reads began. */
export interface GcTouched {
  id: number;
  flow_id: number;
}

interface Group {
  limits: Limits;
  /** Row numbers of the finished, known-peer ops counted in it. */
  rows: number[];
}

/**
 * Rows come in ascending id order, in any number of `add` calls. Flows holding an index-snapshot op are kept while
 * the (newest) snapshot is not forgotten and deleted once it is; other ops are grouped by (repo, guid, plan,
 * instance, kind), walked newest first by (start time, id) and trimmed by age/count, always keeping the newest
 * `keepMin`. Unfinished ops are never collected. Candidates are row numbers (the order rows were added).
 */
export class GcPlanner {
  // Columns in typed arrays, not an object per row: on a 1M-op history V8's collector would pause for them.
  private n = 0;
  private ids = new Float64Array(1024);
  private flows = new Float64Array(1024);
  private starts = new Float64Array(1024);
  private groupOf = new Int32Array(1024);
  private reasons = new Uint8Array(1024);
  private forgot = new Uint8Array(1024);
  /** Flow id → row of its newest index-snapshot op. */
  private readonly snapshots = new Map<number, number>();
  private readonly groups: Group[] = [];
  private readonly groupByKey = new Map<string, number>();

  constructor(
    private readonly nowMs: number,
    private readonly knownPeerKeyids?: ReadonlySet<string>,
  ) {}

  add(rows: readonly GcRow[]): void {
    if (this.n + rows.length > this.ids.length) this.grow(this.n + rows.length);
    for (const r of rows) {
      const i = this.n++;
      this.ids[i] = r.id;
      this.flows[i] = r.flow_id;
      this.starts[i] = r.start_ms;
      this.groupOf[i] = NO_GROUP;
      this.forgot[i] = r.forgot;
      if (r.kind === KIND_CODES.operationIndexSnapshot) {
        const s = this.snapshots.get(r.flow_id);
        if (s === undefined || this.newer(i, s)) this.snapshots.set(r.flow_id, i);
      }
      const peer = r.original_instance_keyid;
      // a de-authorised peer's copies go even unfinished: no update will ever finish them
      if (peer && this.knownPeerKeyids && !this.knownPeerKeyids.has(peer)) {
        this.reasons[i] = UNKNOWN_PEER;
        continue;
      }
      if (isUnfinished(r.status)) continue;
      const key = `${r.repo_id}\0${r.repo_guid}\0${r.plan_id}\0${r.instance_id}\0${r.kind}`;
      let g = this.groupByKey.get(key);
      if (g === undefined) {
        g = this.groups.push({ limits: GC_LIMITS.get(r.kind) ?? DEFAULT_LIMITS, rows: [] }) - 1;
        this.groupByKey.set(key, g);
      }
      this.groupOf[i] = g;
      this.groups[g]!.rows.push(i);
    }
  }

  /** Decides once every row was added; yields after each group so an async caller can let other work run. */
  *plan(): Generator<void, number[]> {
    const { starts, flows, reasons } = this;
    for (const g of this.groups) {
      // Rows mostly arrive in id order, which is nearly start order: TimSort is close to linear on that.
      g.rows.sort((a, b) => (this.newer(a, b) ? -1 : 1));
      let rank = 0;
      for (const r of g.rows) {
        const snap = this.snapshots.get(flows[r]!);
        if (snap !== undefined) {
          if (this.forgot[snap]) reasons[r] = FORGOTTEN;
          continue;
        }
        if (rank++ < g.limits.keepMin) continue;
        if (rank > g.limits.keepMax) reasons[r] = MAX_COUNT;
        else if (this.nowMs - starts[r]! > g.limits.maxAgeMs) reasons[r] = MAX_AGE;
      }
      yield;
    }
    // In id order: neighbouring ids share table and index pages, so batches delete several times faster.
    const out: number[] = [];
    for (let i = 0; i < this.n; i++) if (reasons[i]) out.push(i);
    return out;
  }

  /**
   * Drops candidates a concurrent change may have made ineligible: those in a flow that changed (an op added,
   * updated or deleted), and age/count trims in a group that may have lost a member counted as newer.
   */
  stillEligible(
    candidates: readonly number[],
    touched: readonly GcTouched[],
    deleted: Iterable<number>,
  ): number[] {
    const flows = new Set<number>();
    const groups = new Set<number>();
    const mark = (id: number) => {
      const i = this.find(id);
      if (i === undefined) return;
      flows.add(this.flows[i]!);
      groups.add(this.groupOf[i]!);
    };
    for (const t of touched) {
      flows.add(t.flow_id);
      mark(t.id);
    }
    for (const id of deleted) mark(id);
    return candidates.filter((c) => {
      const trimmed = this.reasons[c] === MAX_AGE || this.reasons[c] === MAX_COUNT;
      return !flows.has(this.flows[c]!) && !(trimmed && groups.has(this.groupOf[c]!));
    });
  }

  idOf(row: number): number {
    return this.ids[row]!;
  }

  result(rows: readonly number[]): GcResult {
    const byReason = { forgottenSnapshot: 0, maxAge: 0, maxCount: 0, unknownPeer: 0 };
    for (const r of rows) byReason[REASONS[this.reasons[r]! - 1]!]++;
    return { deletedIds: rows.map((r) => BigInt(this.ids[r]!)), byReason };
  }

  /** Newest first by (start time, id). */
  private newer(a: number, b: number): boolean {
    const d = this.starts[a]! - this.starts[b]!;
    return d > 0 || (d === 0 && this.ids[a]! > this.ids[b]!);
  }

  private find(id: number): number | undefined {
    let lo = 0;
    let hi = this.n - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const v = this.ids[mid]!;
      if (v === id) return mid;
      if (v < id) lo = mid + 1;
      else hi = mid - 1;
    }
    return undefined;
  }

  private grow(min: number): void {
    const size = Math.max(min, this.ids.length * 2);
    const widen = <T extends Float64Array | Int32Array | Uint8Array>(a: T, make: (n: number) => T): T => {
      const b = make(size);
      b.set(a);
      return b;
    };
    this.ids = widen(this.ids, (k) => new Float64Array(k));
    this.flows = widen(this.flows, (k) => new Float64Array(k));
    this.starts = widen(this.starts, (k) => new Float64Array(k));
    this.groupOf = widen(this.groupOf, (k) => new Int32Array(k));
    this.reasons = widen(this.reasons, (k) => new Uint8Array(k));
    this.forgot = widen(this.forgot, (k) => new Uint8Array(k));
  }
}

/** Runs a generator to completion without pausing (in-memory store, tests). */
export function runSync<T>(gen: Generator<void, T>): T {
  for (;;) {
    const r = gen.next();
    if (r.done) return r.value;
  }
}

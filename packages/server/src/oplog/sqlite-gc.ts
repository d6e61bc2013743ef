// History GC on SQLite in small steps (reads pages by id, deletes in batches) so the event loop keeps running.
import { performance } from 'node:perf_hooks';
import type { Statement } from 'better-sqlite3';
import { GcPlanner, type GcRow, type GcTouched } from './gc-planner.js';
import type { GcOptions, GcResult } from './types.js';

/** Rows read per page: a few ms each. */
export const GC_PAGE = 1000;
/** Ids in the first delete transaction; later ones are sized to take about SLICE_MS on this machine. */
export const GC_FIRST_BATCH = 200;
const MAX_BATCH = 5000;
const MIN_BATCH = 50;
const SLICE_MS = 20;

export interface GcHost {
  stmt(sql: string): Statement;
  /** Highest modno when the GC began: rows above it were added or updated since. */
  startModno: number;
  /** Ids deleted by other writers since the GC began (filled by the store). */
  deletedByOthers: ReadonlySet<number>;
  closed(): boolean;
  /** Deletes the ids in one transaction and notifies subscribers. */
  remove(ids: number[]): void;
}

const READ_SQL = `SELECT id, flow_id, kind, status, repo_id, repo_guid, plan_id, instance_id, original_instance_keyid,
  start_ms, forgot FROM operations WHERE id > ? ORDER BY id LIMIT ${GC_PAGE}`;
// Every row (current state) of every flow in which an op was added or updated since the GC began.
const TOUCHED_SQL =
  'SELECT id, flow_id FROM operations WHERE flow_id IN (SELECT flow_id FROM operations WHERE modno > ?)';

const pause = () => new Promise<void>((resolve) => setImmediate(resolve));

async function drain<T>(gen: Generator<void, T>): Promise<T> {
  let t = performance.now();
  for (;;) {
    const r = gen.next();
    if (r.done) return r.value;
    if (performance.now() - t > SLICE_MS) {
      await pause();
      t = performance.now();
    }
  }
}

export async function collectGarbagePaged(host: GcHost, options: GcOptions): Promise<GcResult> {
  const planner = new GcPlanner(options.nowMs ?? Date.now(), options.knownPeerKeyids);
  for (let after = 0; ; await pause()) {
    if (host.closed()) return planner.result([]);
    const rows = host.stmt(READ_SQL).all(after) as GcRow[];
    if (rows.length === 0) break;
    planner.add(rows);
    after = rows[rows.length - 1]!.id;
  }
  const candidates = await drain(planner.plan());
  const deleted: number[] = [];
  // A row's delete costs 50x more when triggers recompute its day's aggregates: batches are sized on the slowest
  // rows seen so far, so one batch of such rows cannot hold the event loop for a second
  let worstMsPerRow = 0;
  for (let i = 0, size = GC_FIRST_BATCH; i < candidates.length && !host.closed(); await pause()) {
    const t = performance.now();
    // Re-checked right before each batch, in the same tick as its delete: no write can slip in between.
    const touched = host.stmt(TOUCHED_SQL).all(host.startModno) as GcTouched[];
    const part = candidates.slice(i, (i += size));
    const batch = planner.stillEligible(part, touched, host.deletedByOthers);
    if (batch.length) host.remove(batch.map((r) => planner.idOf(r)));
    deleted.push(...batch);
    worstMsPerRow = Math.max(worstMsPerRow, (performance.now() - t) / part.length);
    const fits = worstMsPerRow > 0 ? SLICE_MS / worstMsPerRow : MAX_BATCH;
    size = Math.min(MAX_BATCH, Math.max(MIN_BATCH, Math.round(Math.min(size * 2, fits))));
  }
  return planner.result(deleted);
}

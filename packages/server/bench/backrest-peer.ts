// The peer: an oplog laid out as Backrest's SQLite store is (reference §6 "Storage": each op a protobuf blob plus
// indexed columns id, flow, modno, start time, status, snapshot id and a group key of instance/repo/plan), queried
// as it is: group ids first, then ORDER BY start time ... LIMIT over an index, decoding only the rows returned.
// Where the reference is silent the peer gets the generous choice (a composite (group, start) index, group ids
// cached, snapshots counted in the window only), so a ratio against it understates ours rather than inflating it.
import Database, { type Database as Db, type Statement } from 'better-sqlite3';
import { fromBinary } from '@bufbuild/protobuf';
import { OperationSchema, OperationStatus, type Operation } from '@restora/proto';

const DAY = 24 * 3600 * 1000;
const WINDOW = 30 * DAY;
const RECENT = 60;
const PAGE = 200;
const START = Number.MIN_SAFE_INTEGER;
const END: [number, number] = [Number.MAX_SAFE_INTEGER, 0];

const SCHEMA = `
  CREATE TABLE operation_groups (
    ogid INTEGER PRIMARY KEY AUTOINCREMENT, instance_id TEXT NOT NULL, original_instance_keyid TEXT NOT NULL,
    repo_id TEXT NOT NULL, repo_guid TEXT NOT NULL, plan_id TEXT NOT NULL);
  CREATE TABLE operations (
    id INTEGER PRIMARY KEY, ogid INTEGER NOT NULL, original_id INTEGER NOT NULL, original_flow_id INTEGER NOT NULL,
    modno INTEGER NOT NULL, flow_id INTEGER NOT NULL, start_time_ms INTEGER NOT NULL, status INTEGER NOT NULL,
    snapshot_id TEXT NOT NULL, operation BLOB NOT NULL);`;

const INDEXES = `
  CREATE UNIQUE INDEX group_key ON operation_groups
    (instance_id, original_instance_keyid, repo_guid, repo_id, plan_id);
  CREATE INDEX group_plan ON operation_groups (plan_id, instance_id);
  CREATE INDEX group_repo ON operation_groups (repo_id, instance_id);
  CREATE INDEX op_group_start ON operations (ogid, start_time_ms, id);
  CREATE INDEX op_start ON operations (start_time_ms, id);
  CREATE INDEX op_flow ON operations (flow_id);
  CREATE INDEX op_modno ON operations (modno);
  CREATE INDEX op_status ON operations (status);
  CREATE INDEX op_snapshot ON operations (snapshot_id) WHERE snapshot_id <> '';`;

/** Copies Restora's oplog file into the peer's layout (the blobs are the same Operation messages). */
export function buildPeerFile(restoraFile: string, peerFile: string): void {
  const db = new Database(peerFile);
  db.pragma('journal_mode = WAL');
  db.exec(SCHEMA);
  db.prepare('ATTACH ? AS src').run(restoraFile);
  db.transaction(() => {
    db.exec(`
      INSERT INTO operation_groups (instance_id, original_instance_keyid, repo_id, repo_guid, plan_id)
        SELECT DISTINCT instance_id, original_instance_keyid, repo_id, repo_guid, plan_id FROM src.operations;
      INSERT INTO operations
        SELECT o.id, g.ogid, o.original_id, o.original_flow_id, o.modno, o.flow_id, o.start_ms, o.status,
          o.snapshot_id, o.data
        FROM src.operations o JOIN operation_groups g
          USING (instance_id, original_instance_keyid, repo_guid, repo_id, plan_id)
        ORDER BY o.id;`);
    db.exec(INDEXES);
  })();
  db.exec('DETACH src');
  db.close();
}

interface Agg {
  ok: number;
  warn: number;
  bad: number;
  added: bigint;
  scanned: bigint;
  withSummary: number;
  lastOk: number;
  lastBad: number;
  snapshots: number;
  days: Map<number, { added: bigint; scanned: bigint; statuses: Map<number, number> }>;
  recent: Operation[];
}

export class BackrestPeer {
  readonly db: Db;
  private readonly stmts = new Map<string, Statement>();
  private readonly groups = new Map<string, number[]>();

  constructor(file: string) {
    this.db = new Database(file, { readonly: true });
    this.db.pragma('cache_size = -65536');
    this.db.pragma('mmap_size = 268435456');
  }

  private stmt(sql: string): Statement {
    let s = this.stmts.get(sql);
    if (!s) this.stmts.set(sql, (s = this.db.prepare(sql)));
    return s;
  }

  /** Group ids of a plan or repo (cached, as a store keeps its small groups table at hand). */
  private ogids(col: 'plan_id' | 'repo_id', id: string, instanceId?: string): number[] {
    const key = `${col}\0${id}\0${instanceId ?? '\0'}`;
    let ids = this.groups.get(key);
    if (!ids) {
      const inst = instanceId === undefined ? '' : ' AND instance_id = ?';
      const params = instanceId === undefined ? [id] : [id, instanceId];
      ids = (
        this.stmt(`SELECT ogid FROM operation_groups WHERE ${col} = ?${inst}`).all(...params) as {
          ogid: number;
        }[]
      ).map((r) => r.ogid);
      this.groups.set(key, ids);
    }
    return ids;
  }

  private decode(rows: { operation: Buffer }[]): Operation[] {
    return rows.map((r) => fromBinary(OperationSchema, r.operation));
  }

  /** Newest rows of the groups by (start time, id), from `fromMs` on and before the cursor, decoded. */
  private page(ogids: number[], fromMs: number, before: [number, number], limit: number): Operation[] {
    if (ogids.length === 0) return [];
    const inList = ogids.length === 1 ? 'ogid = ?' : `ogid IN (${ogids.map(() => '?').join(',')})`;
    return this.decode(
      this.stmt(
        `SELECT operation FROM operations WHERE ${inList} AND start_time_ms >= ? AND (start_time_ms, id) < (?, ?)
         ORDER BY start_time_ms DESC, id DESC LIMIT ?`,
      ).all(...ogids, fromMs, ...before, limit) as { operation: Buffer }[],
    );
  }

  /** GetOperations(selector: plan, last_n): newest n by (start time, id), returned in id order. */
  lastNByPlan(planId: string, n: number): Operation[] {
    return this.page(this.ogids('plan_id', planId), START, END, n).sort((a, b) => Number(a.id - b.id));
  }

  /** GetSummaryDashboard's reads: every op of each plan and repo in the 30-day window, then older backups up to 60. */
  dashboard(instanceId: string, planIds: string[], repoIds: string[], nowMs: number): number {
    let n = 0;
    for (const [col, ids] of [
      ['plan_id', planIds],
      ['repo_id', repoIds],
    ] as const) {
      for (const id of ids) n += this.summary(this.ogids(col, id, instanceId), nowMs).recent.length;
    }
    return n;
  }

  private summary(ogids: number[], nowMs: number): Agg {
    const since = new Date(nowMs - WINDOW + DAY).setHours(0, 0, 0, 0);
    const a: Agg = {
      ok: 0,
      warn: 0,
      bad: 0,
      added: 0n,
      scanned: 0n,
      withSummary: 0,
      lastOk: 0,
      lastBad: 0,
      snapshots: 0,
      days: new Map(),
      recent: [],
    };
    for (const op of this.page(ogids, since, END, -1)) {
      if (op.op.case === 'operationIndexSnapshot' && !op.op.value.forgot) a.snapshots++;
      if (op.op.case !== 'operationBackup' || op.op.value.dryRun) continue;
      if (a.recent.length < RECENT) a.recent.push(op);
      const e = op.op.value.lastStatus?.entry;
      const added = e?.case === 'summary' ? e.value.dataAdded : 0n;
      const scanned = e?.case === 'summary' ? e.value.totalBytesProcessed : 0n;
      const end = Number(op.unixTimeEndMs);
      a.added += added;
      a.scanned += scanned;
      if (op.status === OperationStatus.STATUS_SUCCESS || op.status === OperationStatus.STATUS_WARNING) {
        if (op.status === OperationStatus.STATUS_SUCCESS) a.ok++;
        else a.warn++;
        if (added > 0n || scanned > 0n) a.withSummary++;
        a.lastOk = Math.max(a.lastOk, end);
      } else if (op.status === OperationStatus.STATUS_ERROR) {
        a.bad++;
        a.lastBad = Math.max(a.lastBad, end);
      }
      const day = new Date(Number(op.unixTimeStartMs)).setHours(0, 0, 0, 0);
      let d = a.days.get(day);
      if (!d) a.days.set(day, (d = { added: 0n, scanned: 0n, statuses: new Map() }));
      d.added += added;
      d.scanned += scanned;
      d.statuses.set(op.status, (d.statuses.get(op.status) ?? 0) + 1);
    }
    // Fewer than 60 backups in the window: older ones, a page at a time.
    for (let cursor: [number, number] = [since, 0]; a.recent.length < RECENT;) {
      const older = this.page(ogids, START, cursor, PAGE);
      for (const op of older)
        if (op.op.case === 'operationBackup' && !op.op.value.dryRun && a.recent.length < RECENT)
          a.recent.push(op);
      if (older.length < PAGE) break;
      cursor = [Number(older.at(-1)!.unixTimeStartMs), Number(older.at(-1)!.id)];
    }
    return a;
  }

  /** Startup scrub: the unfinished ops, found by the status index and decoded. */
  unfinished(): number {
    return this.decode(
      this.stmt('SELECT operation FROM operations WHERE status IN (0, 1, 2)').all() as {
        operation: Buffer;
      }[],
    ).length;
  }

  close(): void {
    this.db.close();
  }
}

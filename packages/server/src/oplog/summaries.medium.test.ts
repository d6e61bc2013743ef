// Dashboard summaries of both stores against a brute-force computation over the same random history, through
// random adds, updates (status, day, group, bytes, dry run), deletes and transforms, in several time zones.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { clone } from '@bufbuild/protobuf';
import { OperationSchema, OperationStatus, type Operation } from '@restora/proto';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { columnsOf, KIND_CODES, type OpColumns } from './columns.js';
import { MemoryOpLog } from './memory-store.js';
import { SqliteOpLog } from './sqlite-store.js';
import { DAY_MS, dayRanges, DEFAULT_WINDOW_MS, localDayStart } from './summaries.js';
import { toRecent } from './sqlite-summaries.js';
import { backupOp, indexSnapshotOp, kindOp } from './test-ops.js';
import type { OpLog, SummaryOptions, SummaryRow } from './types.js';

const S = OperationStatus;
// Europe's spring DST change (29 March 2026) falls inside the window.
const NOW = Date.UTC(2026, 3, 10, 9, 30);
const OK = new Set<number>([S.STATUS_SUCCESS, S.STATUS_WARNING]);
const PLANS = ['p1', 'p2', 'p3', 'gone'];
const REPOS = ['r1', 'r2'];
const INSTANCES = ['me', 'peer'];
const utcDay = (ms: number) => ms - (ms % DAY_MS);

/** Today's answer, computed the obvious way from every op (no aggregates, no indexes). */
function bruteForce(all: readonly OpColumns[], o: SummaryOptions): SummaryRow[] {
  const dayStart = o.dayStart ?? localDayStart;
  const days = dayRanges(o.nowMs ?? Date.now(), o.windowMs ?? DEFAULT_WINDOW_MS, dayStart);
  const gid = (c: OpColumns) => (o.groupBy === 'plan' ? c.plan_id : c.repo_id);
  const mine = all.filter((c) => o.instanceId === undefined || c.instance_id === o.instanceId);
  const backups = mine.filter(
    (c) => c.kind === KIND_CODES.operationBackup && c.dry_run === 0 && c.status !== S.STATUS_PENDING,
  );
  const dayOf = (c: OpColumns) => days.findIndex(([s, e]) => c.start_ms >= s && c.start_ms < e);
  const ids = o.ids ?? [...new Set(backups.filter((c) => dayOf(c) >= 0).map(gid))];
  return [...ids]
    .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))
    .map((id) => {
      const group = backups.filter((c) => gid(c) === id);
      const win = group.filter((c) => dayOf(c) >= 0);
      const count = (s: number) => win.filter((c) => c.status === s).length;
      const sum = (list: OpColumns[], f: (c: OpColumns) => number) =>
        list.reduce((t, c) => t + BigInt(f(c)), 0n);
      const good = win.filter((c) => OK.has(c.status));
      const withSummary = good.filter((c) => c.bytes_added > 0 || c.bytes_scanned > 0).length;
      const maxEnd = (list: OpColumns[]) =>
        list.length ? Math.max(...list.map((c) => c.end_ms)) : undefined;
      const goodEver = group.filter((c) => OK.has(c.status));
      return {
        id,
        backupsSuccess: count(S.STATUS_SUCCESS),
        backupsWarning: count(S.STATUS_WARNING),
        backupsFailed: count(S.STATUS_ERROR),
        bytesAdded: sum(win, (c) => c.bytes_added),
        bytesScanned: sum(win, (c) => c.bytes_scanned),
        bytesAddedAvg: withSummary ? sum(win, (c) => c.bytes_added) / BigInt(withSummary) : 0n,
        bytesScannedAvg: withSummary ? sum(win, (c) => c.bytes_scanned) / BigInt(withSummary) : 0n,
        totalSnapshots: mine.filter(
          (c) => c.kind === KIND_CODES.operationIndexSnapshot && c.forgot === 0 && gid(c) === id,
        ).length,
        lastSuccessMs: maxEnd(good) ?? maxEnd(goodEver),
        lastFailureMs: maxEnd(win.filter((c) => c.status === S.STATUS_ERROR)),
        recent: [...group]
          .sort((a, b) => b.start_ms - a.start_ms || b.id - a.id)
          .slice(0, o.recentLimit ?? 60)
          .map(toRecent),
        days: days.map(([s], i) => {
          const inDay = win.filter((c) => dayOf(c) === i);
          const statuses = [...new Set(inDay.map((c) => c.status))].sort((a, b) => a - b);
          return {
            startMs: s,
            bytesAdded: sum(inDay, (c) => c.bytes_added),
            bytesScanned: sum(inDay, (c) => c.bytes_scanned),
            statusCounts: statuses.map((status) => ({
              status,
              count: inDay.filter((c) => c.status === status).length,
            })),
          };
        }),
      };
    });
}

function rng(seed: number) {
  return () => (seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32;
}

/** Random ops and edits, applied to both stores and to a plain map (the model the brute force reads). */
class History {
  readonly model = new Map<bigint, Operation>();
  private readonly rand: () => number;

  constructor(
    private readonly stores: OpLog[],
    seed: number,
  ) {
    this.rand = rng(seed);
  }

  private pick<T>(list: readonly T[]): T {
    return list[Math.floor(this.rand() * list.length)]!;
  }

  private startMs(): number {
    // Mostly inside the 30-day window, some before it, a few in the future; minutes around midnights too.
    const r = this.rand();
    if (r < 0.1) return NOW - Math.floor((31 + this.rand() * 60) * DAY_MS);
    if (r < 0.15) return NOW + Math.floor(this.rand() * 2 * DAY_MS);
    return NOW - Math.floor(this.rand() * 30 * DAY_MS);
  }

  private status(): OperationStatus {
    return this.pick([3, 3, 3, 3, 4, 4, 7, 7, 0, 1, 2, 5, 6]) as OperationStatus;
  }

  private endMs(start: number): number {
    const r = this.rand();
    if (r < 0.1) return 0;
    if (r < 0.15) return start - 1000;
    return start + Math.floor(this.rand() * 5 * 3_600_000);
  }

  randomOp(): Operation {
    const startMs = this.startMs();
    const common = {
      planId: this.pick(PLANS),
      repoId: this.pick(REPOS),
      instanceId: this.pick(INSTANCES),
      status: this.status(),
      startMs,
      endMs: this.endMs(startMs),
    };
    const r = this.rand();
    if (r < 0.6) {
      const summary = this.rand() < 0.7;
      return backupOp({
        ...common,
        dryRun: this.rand() < 0.1,
        ...(summary
          ? { bytesAdded: Math.floor(this.rand() * 3) * 1000, bytesScanned: Math.floor(this.rand() * 3) * 7 }
          : {}),
      });
    }
    if (r < 0.85) return indexSnapshotOp({ ...common, snapshotId: `s${r}`, forgot: this.rand() < 0.3 });
    return kindOp(this.pick(['operationForget', 'operationRunHook', 'operationPrune'] as const), common);
  }

  add(n: number): void {
    const ops = Array.from({ length: n }, () => this.randomOp());
    const ids = this.stores.map((s) => s.add(...ops.map((o) => clone(OperationSchema, o))).map((o) => o.id));
    expect(ids[1]).toEqual(ids[0]);
    ops.forEach((op, i) => this.model.set(ids[0]![i]!, this.stores[0]!.getOrThrow(ids[0]![i]!)));
  }

  /** Changes one thing of one op: its status, day, end, group, bytes, dry run or forgot flag. */
  edit(op: Operation): Operation {
    const r = this.rand();
    if (r < 0.2) op.status = this.status();
    else if (r < 0.4) op.unixTimeStartMs += BigInt(Math.floor((this.rand() - 0.5) * 4 * DAY_MS));
    else if (r < 0.5) op.unixTimeEndMs = BigInt(this.endMs(Number(op.unixTimeStartMs)));
    else if (r < 0.6) op.planId = this.pick(PLANS);
    else if (r < 0.7) op.repoId = this.pick(REPOS);
    else if (r < 0.75) op.instanceId = this.pick(INSTANCES);
    else if (op.op.case === 'operationBackup') {
      if (r < 0.85) op.op.value.dryRun = !op.op.value.dryRun;
      else {
        const e = op.op.value.lastStatus?.entry;
        if (e?.case === 'summary') e.value.dataAdded = BigInt(Math.floor(this.rand() * 5) * 100);
        else {
          const fresh = backupOp({ bytesAdded: 5, bytesScanned: 9 });
          if (fresh.op.case === 'operationBackup') op.op.value.lastStatus = fresh.op.value.lastStatus;
        }
      }
    } else if (op.op.case === 'operationIndexSnapshot') op.op.value.forgot = !op.op.value.forgot;
    return op;
  }

  mutate(): void {
    const ids = [...this.model.keys()];
    const r = this.rand();
    if (r < 0.35 || ids.length < 5) return this.add(1 + Math.floor(this.rand() * 4));
    if (r < 0.75) {
      const op = this.edit(clone(OperationSchema, this.model.get(this.pick(ids))!));
      for (const s of this.stores) s.update(clone(OperationSchema, op));
      this.model.set(op.id, op);
    } else if (r < 0.9) {
      const gone = [this.pick(ids), this.pick(ids)];
      for (const s of this.stores) s.delete(...gone);
      for (const id of gone) this.model.delete(id);
    } else if (r < 0.95) {
      const planId = this.pick(PLANS);
      for (const s of this.stores) s.deleteWhere({ planId, statuses: [S.STATUS_ERROR] });
      for (const [id, op] of this.model)
        if (op.planId === planId && op.status === S.STATUS_ERROR) this.model.delete(id);
    } else {
      // Moves a plan's ops a day earlier and deletes every third one, in one transform.
      const planId = this.pick(PLANS);
      const fn = (op: Operation) => (op.id % 3n === 0n ? null : ((op.unixTimeStartMs -= BigInt(DAY_MS)), op));
      for (const s of this.stores) s.transform({ planId }, fn);
      for (const [id, op] of [...this.model])
        if (op.planId === planId) {
          const next = fn(clone(OperationSchema, op));
          if (next) this.model.set(id, next);
          else this.model.delete(id);
        }
    }
  }
}

const optionSets: SummaryOptions[] = [
  { groupBy: 'plan', ids: PLANS, instanceId: 'me', nowMs: NOW },
  { groupBy: 'repo', ids: REPOS, instanceId: 'me', nowMs: NOW, recentLimit: 7 },
  { groupBy: 'plan', nowMs: NOW },
  { groupBy: 'repo', instanceId: 'peer', nowMs: NOW, dayStart: utcDay },
  { groupBy: 'plan', instanceId: 'me', nowMs: NOW, windowMs: 7 * DAY_MS, recentLimit: 3 },
];

const savedTz = process.env.TZ;
let dir: string;
let file: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'restora-summaries-'));
  file = path.join(dir, 'oplog.sqlite');
});
afterEach(() => {
  if (savedTz === undefined) delete process.env.TZ;
  else process.env.TZ = savedTz;
  fs.rmSync(dir, { recursive: true, force: true });
});
afterAll(() => {
  if (savedTz === undefined) delete process.env.TZ;
});

function expectSame(stores: OpLog[], h: History, label: string): void {
  const cols = [...h.model.values()].map(columnsOf);
  for (const o of optionSets) {
    const want = bruteForce(cols, o);
    for (const [i, s] of stores.entries())
      expect(s.summaries(o), `${label} store ${i} ${JSON.stringify(o)}`).toEqual(want);
  }
}

describe('summaries equal a brute-force computation over the same random history', () => {
  it.each(['UTC', 'Europe/Berlin', 'Asia/Kathmandu', 'America/St_Johns'])(
    'through adds, updates, deletes and day moves (TZ=%s)',
    (tz) => {
      process.env.TZ = tz;
      const mem = new MemoryOpLog();
      let sql = SqliteOpLog.open({ file });
      const h = new History([mem, sql], tz.length);
      h.add(300);
      expectSame([mem, sql], h, 'initial');
      for (let round = 1; round <= 6; round++) {
        for (let i = 0; i < 80; i++) h.mutate();
        expectSame([mem, sql], h, `round ${round}`);
      }
      // Reopened, the trigger-kept aggregates are what was committed.
      sql.close();
      sql = SqliteOpLog.open({ file });
      expectSame([sql], h, 'reopened');
      sql.close();
    },
    60_000,
  );

  it('after every single write: cached pieces follow each change of their group', () => {
    process.env.TZ = 'Europe/Berlin';
    const mem = new MemoryOpLog();
    const sql = SqliteOpLog.open({ file });
    const h = new History([mem, sql], 7);
    h.add(200);
    for (let i = 0; i < 250; i++) {
      h.mutate();
      expectSame([sql], h, `write ${i}`);
    }
    sql.close();
  }, 60_000);

  it('hands out the same frozen row while its group is unchanged, a new one after a write to it', () => {
    const sql = SqliteOpLog.open({ file });
    sql.add(backupOp({ planId: 'p', instanceId: 'me', startMs: NOW - DAY_MS, bytesAdded: 5 }));
    const o: SummaryOptions = { groupBy: 'plan', ids: ['p', 'q'], instanceId: 'me', nowMs: NOW };
    const [p, q] = sql.summaries(o);
    const want = structuredClone(p);
    expect(() => (p!.recent[0]!.status = S.STATUS_ERROR)).toThrow(TypeError);
    expect(() => p!.recent.pop()).toThrow(TypeError);
    expect(() => (p!.days.find((d) => d.statusCounts.length)!.statusCounts[0]!.count = 99)).toThrow(
      TypeError,
    );
    expect(sql.summaries(o)[0]).toBe(p);
    expect(sql.summaries(o)[0]).toEqual(want);
    sql.add(backupOp({ planId: 'q', instanceId: 'me', startMs: NOW - DAY_MS }));
    const [p2, q2] = sql.summaries(o);
    expect([p2 === p, q2 === q, q2!.backupsSuccess]).toEqual([true, false, 1]);
    sql.close();
  });

  it('rebuilds the day aggregates when the zone changes, at open and at run time', () => {
    process.env.TZ = 'UTC';
    const mem = new MemoryOpLog();
    let sql = SqliteOpLog.open({ file });
    const h = new History([mem, sql], 99);
    h.add(300);
    // Changed while running: the next read or write sees local days of the new zone.
    process.env.TZ = 'Pacific/Chatham';
    expectSame([mem, sql], h, 'after TZ change');
    for (let i = 0; i < 50; i++) h.mutate();
    process.env.TZ = 'UTC';
    for (let i = 0; i < 50; i++) h.mutate();
    expectSame([mem, sql], h, 'after changing back');
    sql.close();
    // Aggregates emptied and marked as built in another zone (as after moving the data dir to another machine).
    const db = new Database(file);
    db.exec(`DELETE FROM backup_days; UPDATE oplog_meta SET value = 'Mars/Olympus' WHERE key = 'day_zone'`);
    db.close();
    sql = SqliteOpLog.open({ file });
    expectSame([sql], h, 'reopened in another zone');
    sql.close();
  });

  it('keeps each day row at the size of its group: deleting the newest backup of a day recomputes its end', () => {
    process.env.TZ = 'UTC';
    const sql = SqliteOpLog.open({ file });
    const day = utcDay(NOW) - DAY_MS;
    const [a, b] = sql.add(
      backupOp({ planId: 'p', instanceId: 'me', startMs: day + 1000, endMs: day + 5000 }),
      backupOp({ planId: 'p', instanceId: 'me', startMs: day + 2000, endMs: day + 9000 }),
    );
    const last = () => sql.summaries({ groupBy: 'plan', ids: ['p'], instanceId: 'me', nowMs: NOW })[0]!;
    expect(last().lastSuccessMs).toBe(day + 9000);
    sql.delete(b!.id);
    expect(last().lastSuccessMs).toBe(day + 5000);
    sql.delete(a!.id);
    expect(last().backupsSuccess).toBe(0);
    sql.close();
    const db = new Database(file, { readonly: true });
    expect(db.prepare('SELECT COUNT(*) AS n FROM backup_days').get()).toEqual({ n: 0 });
    db.close();
  });
});

// ONE contract suite for every OpLog implementation: the in-memory store and the SQLite store on a real file.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { OperationStatus } from '@restora/proto';
import { ConflictError, InvalidArgumentError, NotFoundError } from '../errors.js';
import { SCRUB_MESSAGE } from './emitter.js';
import { MemoryOpLog } from './memory-store.js';
import { SqliteOpLog } from './sqlite-store.js';
import { backupOp, indexSnapshotOp, kindOp } from './test-ops.js';
import type { OpEvent, OpLog } from './types.js';

const S = OperationStatus;
const DAY = 24 * 3600 * 1000;
const NOW = Date.UTC(2026, 5, 15, 12);

interface Factory {
  name: string;
  open(): OpLog;
  cleanup(): void;
}

function memoryFactory(): Factory {
  return { name: 'memory', open: () => new MemoryOpLog(), cleanup: () => {} };
}

function sqliteFactory(): Factory {
  let dir = '';
  return {
    name: 'sqlite',
    open: () => {
      dir = fs.mkdtempSync(path.join(os.tmpdir(), 'restora-oplog-'));
      return SqliteOpLog.open({ file: path.join(dir, 'oplog.sqlite') });
    },
    cleanup: () => fs.rmSync(dir, { recursive: true, force: true }),
  };
}

describe.each([memoryFactory(), sqliteFactory()])('OpLog contract: $name', (factory) => {
  let log: OpLog;
  beforeEach(() => {
    log = factory.open();
  });
  afterEach(() => {
    log.close();
    factory.cleanup();
  });

  describe('add / get / update', () => {
    it('assigns increasing ids, flowId = id, and a global modno', () => {
      const [a, b] = log.add(backupOp(), backupOp());
      expect(a!.id).toBeGreaterThan(0n);
      expect(b!.id).toBe(a!.id + 1n);
      expect(a!.flowId).toBe(a!.id);
      expect(b!.modno).toBe(a!.modno + 1n);
      expect(log.currentModno()).toBe(b!.modno);
      expect(log.get(a!.id)).toEqual(a);
    });

    it('keeps a given flowId and a preset id; a duplicate preset id is a conflict', () => {
      const [a] = log.add(backupOp());
      const hook = kindOp('operationRunHook', { flowId: a!.flowId });
      log.add(hook);
      expect(hook.flowId).toBe(a!.id);
      const preset = backupOp();
      preset.id = 1000n;
      log.add(preset);
      expect(log.get(1000n)?.id).toBe(1000n);
      expect(log.add(backupOp())[0]!.id).toBe(1001n);
      const dup = backupOp();
      dup.id = 1000n;
      expect(() => log.add(dup)).toThrow(ConflictError);
    });

    it('rejects ops missing kind, repo, plan or instance (naming them) and stores none of the batch', () => {
      const bad = backupOp({ repoId: '', planId: '' });
      expect(() => log.add(backupOp(), bad)).toThrow(/repoId, planId/);
      const noKind = backupOp();
      noKind.op = { case: undefined };
      expect(() => log.add(noKind)).toThrow(InvalidArgumentError);
      expect(log.count({})).toBe(0);
    });

    it('update replaces the op, bumps modno and keeps the columns in sync', () => {
      const [op] = log.add(backupOp({ status: S.STATUS_INPROGRESS, planId: 'p' }));
      const before = op!.modno;
      op!.status = S.STATUS_SUCCESS;
      op!.planId = 'q';
      log.update(op!);
      expect(op!.modno).toBeGreaterThan(before);
      expect(log.get(op!.id)?.status).toBe(S.STATUS_SUCCESS);
      expect(log.count({ planId: 'p' })).toBe(0);
      expect(log.count({ planId: 'q' })).toBe(1);
    });

    it('update of a missing op throws NotFoundError and changes nothing', () => {
      const [op] = log.add(backupOp());
      const ghost = backupOp();
      ghost.id = 999n;
      op!.displayMessage = 'changed';
      expect(() => log.update(op!, ghost)).toThrow(NotFoundError);
      expect(log.get(op!.id)?.displayMessage).toBe('');
      expect(() => log.getOrThrow(999n)).toThrow(NotFoundError);
      expect(log.get(999n)).toBeUndefined();
    });
  });

  describe('query', () => {
    beforeEach(() => {
      log.add(
        backupOp({ planId: 'a', repoId: 'r1', startMs: 5000, snapshotId: 's1' }),
        backupOp({ planId: 'a', repoId: 'r1', startMs: 1000 }),
        backupOp({ planId: 'b', repoId: 'r2', instanceId: 'other', startMs: 3000 }),
        indexSnapshotOp({ planId: 'a', repoId: 'r1', snapshotId: 's1', startMs: 4000 }),
        kindOp('operationPrune', {
          planId: '_system_',
          repoId: 'r1',
          startMs: 2000,
          originalInstanceKeyid: 'k1',
        }),
      );
    });

    it('filters by every selector field', () => {
      expect(log.query({ planId: 'a' }).map((o) => o.id)).toEqual([1n, 2n, 4n]);
      expect(log.query({ repoId: 'r2' }).map((o) => o.id)).toEqual([3n]);
      expect(log.query({ repoGuid: 'guid-r1' }).map((o) => o.id)).toEqual([1n, 2n, 4n, 5n]);
      expect(log.query({ instanceId: 'other' }).map((o) => o.id)).toEqual([3n]);
      expect(log.query({ snapshotId: 's1' }).map((o) => o.id)).toEqual([1n, 4n]);
      expect(log.query({ flowId: 2n }).map((o) => o.id)).toEqual([2n]);
      expect(log.query({ originalInstanceKeyid: 'k1' }).map((o) => o.id)).toEqual([5n]);
      expect(log.query({ originalInstanceKeyid: '' }).map((o) => o.id)).toEqual([1n, 2n, 3n, 4n]);
      expect(log.query({ modnoGte: 4n }).map((o) => o.id)).toEqual([4n, 5n]);
      expect(log.query({ ids: [5n, 2n, 77n] }).map((o) => o.id)).toEqual([2n, 5n]);
      expect(log.query({ ids: [] })).toEqual([]);
      expect(log.query({ kinds: ['operationPrune', 'operationIndexSnapshot'] }).map((o) => o.id)).toEqual([
        4n,
        5n,
      ]);
      expect(log.query({ statuses: [S.STATUS_ERROR] })).toEqual([]);
      expect(log.query({ startFromMs: 2000, startBeforeMs: 4001 }).map((o) => o.id)).toEqual([3n, 4n, 5n]);
      expect(log.query({ planId: 'a', repoId: 'r1', snapshotId: 's1' }).map((o) => o.id)).toEqual([1n, 4n]);
      expect(log.count({})).toBe(5);
      expect(log.count({ planId: 'a' })).toBe(3);
    });

    it('refuses ids combined with another filter', () => {
      expect(() => log.query({ ids: [1n], planId: 'a' })).toThrow('cannot specify both query and ids');
    });

    it('lastN picks the newest by start time, then sorts by id', () => {
      expect(log.query({}, { lastN: 2 }).map((o) => o.id)).toEqual([1n, 4n]);
      expect(log.query({ planId: 'a' }, { lastN: 2 }).map((o) => o.id)).toEqual([1n, 4n]);
      expect(log.query({}, { lastN: 2, order: 'desc' }).map((o) => o.id)).toEqual([4n, 1n]);
    });

    it('pages with limit, offset and order', () => {
      expect(log.query({}, { limit: 2 }).map((o) => o.id)).toEqual([1n, 2n]);
      expect(log.query({}, { limit: 2, offset: 2 }).map((o) => o.id)).toEqual([3n, 4n]);
      expect(log.query({}, { order: 'desc', limit: 1 }).map((o) => o.id)).toEqual([5n]);
    });

    it('returns copies: mutating a result does not change the store', () => {
      const [op] = log.query({ ids: [1n] });
      op!.planId = 'mutated';
      expect(log.get(1n)?.planId).toBe('a');
    });
  });

  describe('delete / transform / subscribe', () => {
    it('notifies listeners of creates, updates and deletes; unsubscribe stops them', () => {
      const events: OpEvent[] = [];
      const unsubscribe = log.subscribe((e) => events.push(e));
      log.subscribe(() => {
        throw new Error('a broken listener must not break writes');
      });
      const [op] = log.add(backupOp());
      op!.status = S.STATUS_ERROR;
      log.update(op!);
      log.delete(op!.id, 42n);
      unsubscribe();
      log.add(backupOp());
      expect(events.map((e) => e.type)).toEqual(['created', 'updated', 'deleted']);
      expect(events[0]!.type === 'created' && events[0]!.operations[0]!.id).toBe(op!.id);
      expect(events[1]!.type === 'updated' && events[1]!.operations[0]!.status).toBe(S.STATUS_ERROR);
      expect(events[2]!.type === 'deleted' && events[2]!.ids).toEqual([op!.id]);
    });

    it('event payloads are copies isolated from later caller mutations', () => {
      let seen: OpEvent | undefined;
      log.subscribe((e) => (seen = e));
      const [op] = log.add(backupOp({ planId: 'x' }));
      op!.planId = 'y';
      expect(seen?.type === 'created' && seen.operations[0]!.planId).toBe('x');
    });

    it('delete returns the deleted ops; deleteWhere deletes by selector', () => {
      log.add(backupOp({ repoId: 'r1' }), backupOp({ repoId: 'r1' }), backupOp({ repoId: 'r2' }));
      expect(log.delete(1n).map((o) => o.repoId)).toEqual(['r1']);
      const events: OpEvent[] = [];
      log.subscribe((e) => events.push(e));
      expect(log.deleteWhere({ repoId: 'r1' })).toEqual([2n]);
      expect(log.query({}).map((o) => o.id)).toEqual([3n]);
      expect(events).toEqual([{ type: 'deleted', ids: [2n], operations: [] }]);
    });

    it('transform updates, deletes and skips in one go', () => {
      log.add(backupOp({ repoGuid: 'old' }), backupOp({ repoGuid: 'old' }), backupOp({ repoGuid: 'keep' }));
      const events: OpEvent[] = [];
      log.subscribe((e) => events.push(e));
      const res = log.transform({ repoGuid: 'old' }, (op) => {
        if (op.id === 2n) return null;
        op.repoGuid = 'new';
        return op;
      });
      expect(res).toEqual({ updated: 1, deleted: 1 });
      expect(log.count({ repoGuid: 'new' })).toBe(1);
      expect(log.count({ repoGuid: 'keep' })).toBe(1);
      expect(events.map((e) => e.type)).toEqual(['updated', 'deleted']);
      expect(log.transform({ repoGuid: 'keep' }, () => undefined)).toEqual({ updated: 0, deleted: 0 });
    });
  });

  describe('last-run lookups', () => {
    it('lastFinishedBackup: newest by end time, ignoring pending, running, system-cancelled and dry runs', () => {
      log.add(
        backupOp({ planId: 'p', startMs: 1000, endMs: 2000, status: S.STATUS_ERROR }),
        backupOp({ planId: 'p', startMs: 3000, endMs: 9000, status: S.STATUS_SUCCESS, instanceId: 'other' }),
        backupOp({ planId: 'p', startMs: 4000, endMs: 5000, status: S.STATUS_SUCCESS }),
        backupOp({ planId: 'p', startMs: 6000, endMs: 0, status: S.STATUS_PENDING }),
        backupOp({ planId: 'p', startMs: 6000, endMs: 0, status: S.STATUS_INPROGRESS }),
        backupOp({ planId: 'p', startMs: 6000, endMs: 7000, status: S.STATUS_SYSTEM_CANCELLED }),
        backupOp({ planId: 'p', startMs: 6000, endMs: 8000, dryRun: true }),
        kindOp('operationForget', { planId: 'p', startMs: 9000, endMs: 9900 }),
      );
      expect(log.lastFinishedBackup({ planId: 'p', instanceId: 'inst' })?.id).toBe(3n);
      expect(log.lastFinishedBackup({ planId: 'p' })?.id).toBe(2n);
      expect(log.lastFinishedBackup({ planId: 'p', instanceId: 'inst', includeDryRun: true })?.id).toBe(7n);
      expect(log.lastFinishedBackup({ planId: 'p', repoGuid: 'nope' })).toBeUndefined();
      expect(log.lastFinishedBackup({ planId: 'zzz' })).toBeUndefined();
    });

    it('lastFinishedBackup can count a backup a shutdown cut short', () => {
      log.add(
        backupOp({ planId: 'p', startMs: 1000, endMs: 5000, status: S.STATUS_SUCCESS }),
        backupOp({ planId: 'p', startMs: 6000, endMs: 7000, status: S.STATUS_SYSTEM_CANCELLED }),
        backupOp({
          planId: 'p',
          startMs: 8000,
          endMs: 9000,
          status: S.STATUS_SYSTEM_CANCELLED,
          dryRun: true,
        }),
      );
      expect(log.lastFinishedBackup({ planId: 'p', includeSystemCancelled: true })?.id).toBe(2n);
      expect(log.lastFinishedBackup({ planId: 'p' })?.id).toBe(1n);
    });

    it('lastOfKind finds the newest prune of a repo', () => {
      log.add(
        kindOp('operationPrune', { repoId: 'r', planId: '_system_', startMs: 1, endMs: 10 }),
        kindOp('operationPrune', { repoId: 'r', planId: '_system_', startMs: 20, endMs: 30 }),
        kindOp('operationPrune', {
          repoId: 'r',
          planId: '_system_',
          startMs: 40,
          endMs: 0,
          status: S.STATUS_PENDING,
        }),
        kindOp('operationCheck', { repoId: 'r', planId: '_system_', startMs: 50, endMs: 60 }),
      );
      expect(log.lastOfKind('operationPrune', { repoId: 'r', instanceId: 'inst' }, true)?.id).toBe(2n);
      expect(log.lastOfKind('operationPrune', { repoId: 'x' })).toBeUndefined();
    });
  });

  describe('summaries', () => {
    it('aggregates backups in the window per plan and per repo', () => {
      const utcDay = (ms: number) => ms - (ms % DAY);
      log.add(
        backupOp({ planId: 'a', repoId: 'r', startMs: NOW - 2 * DAY, bytesAdded: 100, bytesScanned: 1000 }),
        backupOp({ planId: 'a', repoId: 'r', startMs: NOW - DAY, bytesAdded: 300, bytesScanned: 3000 }),
        backupOp({ planId: 'a', repoId: 'r', startMs: NOW - DAY + 5, status: S.STATUS_ERROR }),
        backupOp({ planId: 'a', repoId: 'r', startMs: NOW - 40 * DAY, bytesAdded: 999 }),
        backupOp({ planId: 'a', repoId: 'r', startMs: NOW - 3 * DAY, dryRun: true, bytesAdded: 5 }),
        backupOp({ planId: 'b', repoId: 'r', startMs: NOW - 1000, status: S.STATUS_WARNING, bytesAdded: 7 }),
        backupOp({ planId: 'a', repoId: 'r', instanceId: 'peer', startMs: NOW - 1000, bytesAdded: 1 }),
        indexSnapshotOp({ planId: 'a', repoId: 'r', snapshotId: 'x1' }),
        indexSnapshotOp({ planId: 'a', repoId: 'r', snapshotId: 'x2', forgot: true }),
      );
      const plans = log.summaries({ groupBy: 'plan', instanceId: 'inst', nowMs: NOW, dayStart: utcDay });
      expect(plans.map((p) => p.id)).toEqual(['a', 'b']);
      const a = plans[0]!;
      expect([a.backupsSuccess, a.backupsWarning, a.backupsFailed]).toEqual([2, 0, 1]);
      expect(a.bytesAdded).toBe(400n);
      expect(a.bytesScanned).toBe(4000n);
      expect(a.bytesAddedAvg).toBe(200n);
      expect(a.totalSnapshots).toBe(1);
      expect(a.lastSuccessMs).toBe(NOW - DAY + 1000);
      expect(a.lastFailureMs).toBe(NOW - DAY + 5 + 1000);
      // Recent backups are the newest ones whatever their age (id 4 is 40 days old); dry runs excluded.
      expect(a.recent.map((r) => r.id)).toEqual([3n, 2n, 1n, 4n]);
      expect(a.recent[0]).toMatchObject({ durationMs: 1000, status: S.STATUS_ERROR, bytesAdded: 0n });
      expect(a.days).toHaveLength(30);
      expect(a.days[29]!.startMs).toBe(utcDay(NOW));
      const yesterday = a.days[28]!;
      expect(yesterday.bytesAdded).toBe(300n);
      expect(yesterday.statusCounts).toEqual([
        { status: S.STATUS_SUCCESS, count: 1 },
        { status: S.STATUS_ERROR, count: 1 },
      ]);
      const repos = log.summaries({ groupBy: 'repo', instanceId: 'inst', nowMs: NOW, dayStart: utcDay });
      expect(repos.map((r) => [r.id, r.backupsSuccess, r.backupsWarning, r.bytesAdded])).toEqual([
        ['r', 2, 1, 407n],
      ]);
    });

    it('reflects writes and deletes made between two calls', () => {
      const [a] = log.add(backupOp({ planId: 'a', startMs: NOW - 1000 }));
      const count = () => log.summaries({ groupBy: 'plan', nowMs: NOW })[0]?.backupsSuccess ?? 0;
      expect(count()).toBe(1);
      const [b] = log.add(backupOp({ planId: 'a', startMs: NOW - 500 }));
      expect(count()).toBe(2);
      b!.status = S.STATUS_ERROR;
      log.update(b!);
      expect(count()).toBe(1);
      b!.status = S.STATUS_SUCCESS;
      b!.unixTimeStartMs = BigInt(NOW - 3 * DAY);
      log.update(b!);
      expect(count()).toBe(2);
      log.delete(a!.id);
      expect(count()).toBe(1);
      log.deleteWhere({ planId: 'a' });
      expect(count()).toBe(0);
    });

    it('keeps snapshot totals exact through forget, moves and deletes', () => {
      const total = (id: string) =>
        log.summaries({ groupBy: 'plan', ids: [id], instanceId: 'inst', nowMs: NOW })[0]!.totalSnapshots;
      const [s1, s2] = log.add(
        indexSnapshotOp({ planId: 'a', snapshotId: 's1' }),
        indexSnapshotOp({ planId: 'a', snapshotId: 's2' }),
        indexSnapshotOp({ planId: 'a', snapshotId: 'peer', instanceId: 'peer' }),
      );
      expect(total('a')).toBe(2);
      const forgotten = log.getOrThrow(s1!.id);
      if (forgotten.op.case === 'operationIndexSnapshot') forgotten.op.value.forgot = true;
      log.update(forgotten);
      expect(total('a')).toBe(1);
      log.transform({ ids: [s2!.id] }, (op) => ((op.planId = 'b'), op));
      expect([total('a'), total('b')]).toEqual([0, 1]);
      log.delete(s2!.id, s1!.id);
      expect([total('a'), total('b')]).toEqual([0, 0]);
      expect(log.summaries({ groupBy: 'repo', ids: ['repo1'], nowMs: NOW })[0]!.totalSnapshots).toBe(1);
    });

    it('reports requested ids without history, and the last success outside the window', () => {
      log.add(backupOp({ planId: 'old', startMs: NOW - 60 * DAY, endMs: NOW - 60 * DAY + 5 }));
      const rows = log.summaries({ groupBy: 'plan', ids: ['old', 'new'], nowMs: NOW, recentLimit: 5 });
      expect(rows.map((r) => [r.id, r.backupsSuccess, r.lastSuccessMs])).toEqual([
        ['new', 0, undefined],
        ['old', 0, NOW - 60 * DAY + 5],
      ]);
    });
  });

  describe('scrub', () => {
    it('fails our in-progress ops, deletes our pending ones, leaves peers and finished ops alone', () => {
      log.add(
        backupOp({ status: S.STATUS_INPROGRESS, repoId: 'r1', startMs: 1000, endMs: 0 }),
        backupOp({ status: S.STATUS_PENDING, repoId: 'r1' }),
        kindOp('operationPrune', {
          status: S.STATUS_INPROGRESS,
          repoId: 'r2',
          endMs: 0,
          displayMessage: 'x',
        }),
        backupOp({ status: S.STATUS_INPROGRESS, instanceId: 'peer', endMs: 0 }),
        backupOp({ status: S.STATUS_USER_CANCELLED }),
        backupOp({ status: S.STATUS_SUCCESS }),
      );
      const res = log.scrub('inst', { nowMs: NOW });
      expect(res.failed.map((o) => o.id)).toEqual([1n, 3n]);
      expect(res.deletedIds).toEqual([2n]);
      expect(res.affectedRepos).toEqual([
        { repoId: 'r1', repoGuid: 'guid-r1' },
        { repoId: 'r2', repoGuid: 'guid-r2' },
      ]);
      const one = log.getOrThrow(1n);
      expect(one.status).toBe(S.STATUS_ERROR);
      expect(one.displayMessage).toBe(SCRUB_MESSAGE);
      expect(one.unixTimeEndMs).toBe(BigInt(NOW));
      expect(log.getOrThrow(3n).displayMessage).toBe(`${SCRUB_MESSAGE}\nx`);
      expect(log.getOrThrow(4n).status).toBe(S.STATUS_INPROGRESS);
      expect(log.query({}).map((o) => o.id)).toEqual([1n, 3n, 4n, 5n, 6n]);
      expect(log.scrub('inst').failed).toEqual([]);
    });

    it('keepPending leaves pending ops for a persisted queue', () => {
      log.add(backupOp({ status: S.STATUS_PENDING }));
      expect(log.scrub('inst', { keepPending: true }).deletedIds).toEqual([]);
      expect(log.count({})).toBe(1);
    });
  });

  describe('garbage collection', () => {
    it('deletes whole flows whose snapshot was forgotten and keeps flows with a live snapshot forever', async () => {
      const old = NOW - 400 * DAY;
      const [b1] = log.add(backupOp({ startMs: old, snapshotId: 's1' }));
      log.add(
        kindOp('operationRunHook', { startMs: old, flowId: b1!.flowId }),
        indexSnapshotOp({ startMs: old, snapshotId: 's1', flowId: b1!.flowId }),
      );
      const [b2] = log.add(backupOp({ startMs: old, snapshotId: 's2' }));
      log.add(
        kindOp('operationForget', { startMs: old, flowId: b2!.flowId }),
        indexSnapshotOp({ startMs: old, snapshotId: 's2', flowId: b2!.flowId, forgot: true }),
      );
      const res = await log.collectGarbage({ nowMs: NOW });
      expect(res.deletedIds.sort()).toEqual([b2!.id, b2!.id + 1n, b2!.id + 2n].sort());
      expect(res.byReason.forgottenSnapshot).toBe(3);
      expect(log.count({ flowId: b1!.flowId })).toBe(3);
    });

    it('trims other ops per (repo, plan, instance, kind) by count and age, keeping at least one', async () => {
      for (let i = 0; i < 15; i++)
        log.add(kindOp('operationCheck', { startMs: NOW - i * DAY, planId: '_system_' }));
      log.add(
        kindOp('operationRestore', { startMs: NOW - 100 * DAY }),
        kindOp('operationRestore', { startMs: NOW - 99 * DAY }),
      );
      log.add(kindOp('operationStats', { startMs: NOW - 500 * DAY }));
      log.add(backupOp({ startMs: NOW - 100 * DAY, status: S.STATUS_PENDING }));
      const res = await log.collectGarbage({ nowMs: NOW });
      expect(res.byReason).toEqual({ forgottenSnapshot: 0, maxAge: 1, maxCount: 3, unknownPeer: 0 });
      expect(log.count({ kinds: ['operationCheck'] })).toBe(12);
      expect(log.query({ kinds: ['operationCheck'] }, { order: 'asc' }).map((o) => o.id)).toEqual(
        Array.from({ length: 12 }, (_, i) => BigInt(i + 1)),
      );
      expect(log.count({ kinds: ['operationRestore'] })).toBe(1);
      expect(log.count({ kinds: ['operationStats'] })).toBe(1);
      expect(log.count({ kinds: ['operationBackup'] })).toBe(1);
    });

    it('deletes ops synced from peers that are no longer authorized', async () => {
      log.add(
        backupOp({ originalInstanceKeyid: 'gone' }),
        backupOp({ originalInstanceKeyid: 'kept' }),
        // cut off mid-backup: its copy never finishes, and goes too
        backupOp({ originalInstanceKeyid: 'gone', status: OperationStatus.STATUS_INPROGRESS }),
      );
      const res = await log.collectGarbage({ nowMs: NOW, knownPeerKeyids: new Set(['kept']) });
      expect(res.deletedIds).toEqual([1n, 3n]);
      expect(res.byReason.unknownPeer).toBe(2);
    });
  });
});

import { create } from '@bufbuild/protobuf';
import { OpSelectorSchema, OperationStatus, type OperationEvent } from '@restora/proto';
import { describe, expect, it } from 'vitest';
import { MemoryOpLog } from '../oplog/memory-store.js';
import { backupOp } from '../oplog/test-ops.js';
import type { LogStore } from '../oplog/types.js';
import { batch, OperationsService, toSelector } from './operations-service.js';

const noLogs = { exists: () => false } as unknown as LogStore;

async function take(it: AsyncIterator<OperationEvent>, n: number): Promise<OperationEvent[]> {
  const out: OperationEvent[] = [];
  while (out.length < n) {
    const r = await it.next();
    if (r.done) break;
    out.push(r.value);
  }
  return out;
}

describe('OperationsService', () => {
  it('lists all ops for an absent selector and refuses ids mixed with filters', () => {
    const oplog = new MemoryOpLog();
    oplog.add(backupOp({ planId: 'a' }), backupOp({ planId: 'b' }));
    const svc = new OperationsService(oplog, noLogs);
    expect(svc.list(undefined, 0n)).toHaveLength(2);
    expect(svc.list(create(OpSelectorSchema, { planId: 'a' }), 0n).map((o) => o.planId)).toEqual(['a']);
    expect(() => toSelector(create(OpSelectorSchema, { ids: [1n], planId: 'a' }))).toThrow(
      'cannot specify both query and ids',
    );
    expect(() => svc.clear(undefined, false)).toThrow(/selector is required/);
    expect(svc.clear(create(OpSelectorSchema, {}), true)).toBe(0);
    expect(svc.clear(create(OpSelectorSchema, { planId: 'b' }), false)).toBe(1);
  });

  it('streams changes filtered by plan, replays since a modno, and sends keep-alives', async () => {
    const oplog = new MemoryOpLog();
    const [old] = oplog.add(backupOp({ planId: 'a' }));
    const ac = new AbortController();
    const svc = new OperationsService(oplog, noLogs);
    const stream = svc
      .events({ signal: ac.signal, keepAliveMs: 20, planId: 'a', sinceModno: 0n })
      [Symbol.asyncIterator]();
    const [replay] = await take(stream, 1);
    expect(replay?.event.case).toBe('updatedOperations');
    oplog.add(backupOp({ planId: 'other' }));
    const [mine] = oplog.add(backupOp({ planId: 'a', status: OperationStatus.STATUS_INPROGRESS }));
    const events = await take(stream, 2);
    const created = events.find((e) => e.event.case === 'createdOperations');
    if (created?.event.case !== 'createdOperations') throw new Error('no created event');
    expect(created.event.value.operations.map((o) => o.id)).toEqual([mine!.id]);
    expect(old?.planId).toBe('a');
    expect((await take(stream, 1))[0]?.event.case).toBe('keepAlive');
    ac.abort();
    expect((await stream.next()).done).toBe(true);
  });

  it('first run: an idle stream of keep-alives only, ending when setup ends', async () => {
    const oplog = new MemoryOpLog();
    let setup = true;
    const stream = new OperationsService(oplog, noLogs)
      .idle({ signal: new AbortController().signal, keepAliveMs: 20, while: () => setup })
      [Symbol.asyncIterator]();
    expect((await take(stream, 1))[0]?.event.case).toBe('keepAlive');
    oplog.add(backupOp({ planId: 'a' }));
    expect((await take(stream, 2)).map((e) => e.event.case)).toEqual(['keepAlive', 'keepAlive']);
    setup = false;
    expect((await stream.next()).done).toBe(true);
  });

  it('answers a missing log with Backrest text', async () => {
    const svc = new OperationsService(new MemoryOpLog(), noLogs);
    const chunks: string[] = [];
    for await (const c of svc.log('t-x', new AbortController().signal))
      chunks.push(Buffer.from(c).toString());
    expect(chunks).toEqual(['file associated with log t-x not found, it may have expired.']);
  });

  it('batches log chunks by size and by time', async () => {
    async function* source() {
      yield Buffer.from('a');
      yield Buffer.from('b');
      await new Promise((r) => setTimeout(r, 80));
      yield Buffer.from('c');
      yield Buffer.from('ddddd');
    }
    const out: string[] = [];
    for await (const c of batch(source(), 4, 30)) out.push(Buffer.from(c).toString());
    expect(out).toEqual(['ab', 'cddddd']);
  });
});

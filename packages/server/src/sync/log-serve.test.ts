// Client side of RequestLog: a log of an in-scope op goes out in chunks (owner id first, empty chunk last); a log
// of an op the host may not read, or an unknown log, is refused with a message and no data.
import { OperationStatus, type SyncStreamItem } from '@restora/proto';
import { describe, expect, it } from 'vitest';
import { MemoryOpLog } from '../oplog/memory-store.js';
import { backupOp } from '../oplog/test-ops.js';
import { MemoryLogStore } from '../tasks/testing/memory-logs.js';
import { answerLogRequest, LOG_CHUNK_BYTES } from './log-serve.js';
import type { SyncSession } from './session.js';

async function setup() {
  const oplog = new MemoryOpLog();
  const logs = new MemoryLogStore();
  const w = logs.create();
  w.write('x'.repeat(LOG_CHUNK_BYTES + 10));
  await w.close();
  const secret = logs.create();
  secret.write('not for the host');
  await secret.close();
  const [shared, hidden] = oplog.add(
    backupOp({ instanceId: 'laptop', planId: 'docs', status: OperationStatus.STATUS_SUCCESS }),
    backupOp({ instanceId: 'laptop', planId: 'private', status: OperationStatus.STATUS_SUCCESS }),
  );
  shared!.logref = w.ref;
  hidden!.logref = secret.ref; // exists here, but its plan is out of the host's scope
  oplog.update(shared!, hidden!);
  const sent: SyncStreamItem[] = [];
  const session = { send: (i: SyncStreamItem) => void sent.push(i) } as unknown as SyncSession;
  const d = { oplog, logs, instanceId: 'laptop', covers: (o: { planId: string }) => o.planId === 'docs' };
  return { d, session, sent, ref: w.ref, hiddenRef: hidden!.logref, ownerId: shared!.id };
}

const data = (i: SyncStreamItem) => (i.action.case === 'receiveLogData' ? i.action.value : undefined);

describe('answering a log request', () => {
  it('sends an in-scope log in chunks: owner id first, an empty chunk last', async () => {
    const { d, session, sent, ref, ownerId } = await setup();
    await answerLogRequest(d, session, ref);
    const msgs = sent.map(data);
    expect(msgs.map((m) => m?.chunk.length)).toEqual([LOG_CHUNK_BYTES, 10, 0]);
    expect(msgs[0]?.ownerOpid).toBe(ownerId);
    expect(msgs.every((m) => m?.logId === ref && m.errorMessage === '')).toBe(true);
  });

  it('refuses a log of an op out of scope, and an unknown log, without data', async () => {
    const { d, session, sent, hiddenRef } = await setup();
    await answerLogRequest(d, session, hiddenRef);
    await answerLogRequest(d, session, 't-unknown');
    expect(sent.map(data).map((m) => [m?.errorMessage, m?.chunk.length])).toEqual([
      [`log ${hiddenRef} belongs to no operation this host may read`, 0],
      ['log t-unknown belongs to no operation this host may read', 0],
    ]);
  });
});

// RemoteLogs (host side of RequestLog) against a stand-in connected client: what it asks, how chunks assemble,
// the messages a person sees, the cache (a real SQLite file) and the Backrest case (a link dropped at the ask).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { create } from '@bufbuild/protobuf';
import { ConfigSchema, OperationStatus, type SyncStreamItem } from '@restora/proto';
import { afterEach, beforeEach, describe, expect, it, onTestFinished } from 'vitest';
import { createMemoryConfigStore } from '../config/config-store.js';
import { MemoryOpLog } from '../oplog/memory-store.js';
import { backupOp } from '../oplog/test-ops.js';
import { RemoteLogCache } from './remote-log-cache.js';
import { LIVE_LOG_REFRESH_MS, RemoteLogs } from './remote-logs.js';

const KEY = 'ed25519.laptop-key';
let dir: string;
let cache: RemoteLogCache;
let sent: SyncStreamItem[];
let clients: Map<string, { send(item: SyncStreamItem): void }>;
let oplog: MemoryOpLog;
let now = 1_000;

function setup(status = OperationStatus.STATUS_SUCCESS) {
  const config = createMemoryConfigStore(
    create(ConfigSchema, {
      version: 6,
      instance: 'hq',
      multihost: { authorizedClients: [{ instanceId: 'laptop', keyid: KEY }] },
    }),
  );
  oplog = new MemoryOpLog();
  const op = backupOp({ instanceId: 'laptop', originalInstanceKeyid: KEY, status });
  op.logref = 't-remote-1';
  oplog.add(op);
  return new RemoteLogs({ config, oplog, clients, cache, now: () => now });
}

const connect = () => clients.set(KEY, { send: (i: SyncStreamItem) => void sent.push(i) });

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'restora-remote-logs-'));
  cache = RemoteLogCache.open(path.join(dir, 'sync.sqlite'));
  sent = [];
  clients = new Map();
});
afterEach(() => {
  cache.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('remote logs on the host', () => {
  it('asks the connected client, assembles its chunks, and serves a finished op from the cache afterwards', async () => {
    const logs = setup();
    const op = logs.owner('t-remote-1')!;
    expect(op.instanceId).toBe('laptop');
    expect(logs.owner('t-other')).toBeUndefined();
    connect();
    const reading = logs.read(op, 't-remote-1', AbortSignal.timeout(5000));
    expect(sent.map((i) => i.action)).toEqual([
      expect.objectContaining({
        case: 'requestLog',
        value: expect.objectContaining({ logId: 't-remote-1' }),
      }),
    ]);
    logs.deliver(KEY, { logId: 't-remote-1', ownerOpid: 7n, chunk: Buffer.from('hello ') } as never);
    logs.deliver(KEY, { logId: 't-remote-1', chunk: Buffer.from('world') } as never);
    logs.deliver(KEY, { logId: 't-remote-1', chunk: new Uint8Array() } as never);
    expect((await reading).toString()).toBe('hello world');
    clients.clear();
    expect((await logs.read(op, 't-remote-1', AbortSignal.timeout(5000))).toString()).toBe('hello world');
    expect(cache.prune(() => true)).toBe(0);
    expect(cache.prune(() => false)).toBe(1);
  });

  it('says why when the client is offline, refuses, or drops the link at the ask (Backrest)', async () => {
    const logs = setup(OperationStatus.STATUS_INPROGRESS);
    const op = logs.owner('t-remote-1')!;
    const signal = AbortSignal.timeout(5000);
    await expect(logs.read(op, 't-remote-1', signal)).rejects.toThrow(
      'client "laptop" is not connected, so log t-remote-1 cannot be fetched now; try again when it is',
    );
    connect();
    const refused = logs.read(op, 't-remote-1', signal);
    logs.deliver(KEY, { logId: 't-remote-1', errorMessage: 'file not found' } as never);
    await expect(refused).rejects.toThrow('the client says: file not found');
    const dropped = logs.read(op, 't-remote-1', signal);
    logs.peerGone(KEY, 'stream reset');
    await expect(dropped).rejects.toThrow(/connection ended before its log arrived: stream reset/);
    await expect(logs.read(op, 't-remote-1', signal)).rejects.toThrow(/Backrest clients do not serve logs/);
    now += 3_600_001;
    const again = logs.read(op, 't-remote-1', signal);
    logs.deliver(KEY, { logId: 't-remote-1', chunk: new Uint8Array() } as never);
    expect((await again).length).toBe(0);
    expect(cache.get('t-remote-1')).toBeUndefined(); // in progress: not cached
  });

  it('follows a running op: yields what was added, asks again no sooner than the refresh interval, ends once finished', async () => {
    const logs = setup(OperationStatus.STATUS_INPROGRESS);
    const op = logs.owner('t-remote-1')!;
    connect();
    const answer = (text: string) => {
      logs.deliver(KEY, { logId: 't-remote-1', chunk: Buffer.from(text) } as never);
      logs.deliver(KEY, { logId: 't-remote-1', chunk: new Uint8Array() } as never);
    };
    const clock = setInterval(() => (now += 20), 20); // the deps' clock moves with real time here
    onTestFinished(() => clearInterval(clock));
    const it = logs.follow(op, 't-remote-1', AbortSignal.timeout(10_000))[Symbol.asyncIterator]();
    const first = it.next();
    answer('tick 1\n');
    expect((await first).value?.toString()).toBe('tick 1\n');
    const started = Date.now();
    const second = it.next();
    await new Promise((r) => setTimeout(r, 100));
    expect(sent).toHaveLength(1); // no second ask yet: the rate is bounded
    oplog.update(Object.assign(oplog.get(op.id)!, { status: OperationStatus.STATUS_SUCCESS }));
    while (sent.length < 2) await new Promise((r) => setTimeout(r, 20));
    expect(Date.now() - started).toBeGreaterThanOrEqual(LIVE_LOG_REFRESH_MS - 50);
    answer('tick 1\ntick 2\n');
    expect((await second).value?.toString()).toBe('tick 2\n'); // only what was added
    expect((await it.next()).done).toBe(true); // finished: the stream ends
    expect(cache.get('t-remote-1')?.toString()).toBe('tick 1\ntick 2\n'); // and the finished log is kept
  });
});

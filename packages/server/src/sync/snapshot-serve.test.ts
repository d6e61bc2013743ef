// Restora's snapshot listing extension, both halves with a stand-in link: the client lists only repos it granted
// READ_CONFIG on, normalises the path, sends at most SNAPSHOT_LIST_LIMIT entries with the total; the host refuses
// early for a Backrest peer (no PeerGrants), an offline client or a missing grant, and says why.
import { create } from '@bufbuild/protobuf';
import {
  ConfigSchema,
  ConnectionState,
  LsEntrySchema,
  Multihost_Permission_Type as Perm,
  RemoteConfigSchema,
  type SyncStreamItem,
} from '@restora/proto';
import { describe, expect, it } from 'vitest';
import { createMemoryConfigStore } from '../config/config-store.js';
import { PeerStates } from './peer-states.js';
import { PermissionSet } from './permissions.js';
import { RemoteSnapshots } from './remote-snapshots.js';
import type { SyncSession } from './session.js';
import { answerSnapshotFiles, SNAPSHOT_LIST_LIMIT } from './snapshot-serve.js';
import { receivedConfig } from './messages.js';

const KEY = 'ed25519.laptop-key';
const ext = (i: SyncStreamItem | undefined) => i?.restora?.action;

function clientSide(entries: number) {
  const sent: SyncStreamItem[] = [];
  const asked: string[] = [];
  const session = { send: (i: SyncStreamItem) => void sent.push(i) } as unknown as SyncSession;
  const list = async (repoId: string, _snap: string, path: string) => {
    asked.push(`${repoId}:${path}`);
    return Array.from({ length: entries }, (_, n) => create(LsEntrySchema, { name: `f${n}`, path }));
  };
  const perms = new PermissionSet([
    { type: Perm.PERMISSION_READ_CONFIG, scopes: ['repo:shared'] },
    { type: Perm.PERMISSION_READ_OPERATIONS, scopes: ['*'] },
  ] as never);
  return { sent, asked, session, d: { list, perms, hostName: 'hq' } };
}

describe('the client answers a snapshot listing', () => {
  it('sends the first SNAPSHOT_LIST_LIMIT entries and the total, for a normalised path', async () => {
    const c = clientSide(SNAPSHOT_LIST_LIMIT + 7);
    await answerSnapshotFiles(c.d, c.session, {
      requestId: 4n,
      repoId: 'shared',
      snapshotId: 'abc',
      path: 'home/../../etc/./x/',
    } as never);
    expect(c.asked).toEqual(['shared:/etc/x']);
    const a = ext(c.sent[0]);
    expect(a?.case).toBe('snapshotFiles');
    if (a?.case !== 'snapshotFiles') return;
    expect(a.value).toMatchObject({ requestId: 4n, path: '/etc/x', errorMessage: '' });
    expect(a.value.entries).toHaveLength(SNAPSHOT_LIST_LIMIT);
    expect(a.value.totalEntries).toBe(BigInt(SNAPSHOT_LIST_LIMIT + 7));
    expect(c.sent[0]!.action.case).toBeUndefined(); // an extension-only item
  });

  it('refuses a repo the host was not granted READ_CONFIG on, without listing it', async () => {
    const c = clientSide(3);
    await answerSnapshotFiles(c.d, c.session, { requestId: 5n, repoId: 'private', path: '/' } as never);
    expect(c.asked).toEqual([]);
    const a = ext(c.sent[0]);
    expect(a?.case === 'snapshotFiles' && a.value.errorMessage).toMatch(
      /did not grant host hq READ_CONFIG on repo "private"/,
    );
    expect(a?.case === 'snapshotFiles' && a.value.entries).toEqual([]);
  });
});

function hostSide(opts: { grants?: Perm[]; connected?: boolean }) {
  const config = createMemoryConfigStore(
    create(ConfigSchema, {
      version: 6,
      instance: 'hq',
      multihost: { authorizedClients: [{ instanceId: 'laptop', keyid: KEY }] },
    }),
  );
  const peerStates = new PeerStates();
  peerStates.update(KEY, 'laptop', (s) => {
    s.state = ConnectionState.CONNECTED;
    s.remoteConfig = create(RemoteConfigSchema, {
      ...(opts.grants
        ? { restoraGrants: { permissions: opts.grants.map((type) => ({ type, scopes: ['repo:shared'] })) } }
        : {}),
    });
  });
  const sent: SyncStreamItem[] = [];
  const clients = new Map<string, { send(item: SyncStreamItem): void }>();
  if (opts.connected !== false) clients.set(KEY, { send: (i) => void sent.push(i) });
  return { remote: new RemoteSnapshots({ config, peerStates, clients }), sent };
}

const q = { repoId: 'shared', snapshotId: 'abc', path: '/a/../b' };

describe('the host asks a client for a snapshot listing', () => {
  it('sends the normalised request and returns the answer with its total and the limit', async () => {
    const h = hostSide({ grants: [Perm.PERMISSION_READ_CONFIG] });
    const listing = h.remote.files(KEY, q, AbortSignal.timeout(5000));
    const a = ext(h.sent[0]);
    expect(a?.case === 'requestSnapshotFiles' && a.value).toMatchObject({ repoId: 'shared', path: '/b' });
    const requestId = a?.case === 'requestSnapshotFiles' ? a.value.requestId : -1n;
    const entry = create(LsEntrySchema, { name: 'x' });
    h.remote.deliver('ed25519.someone-else', { requestId, entries: [], totalEntries: 0n } as never);
    h.remote.deliver(KEY, { requestId, path: '/b', entries: [entry], totalEntries: 9000n } as never);
    expect(await listing).toEqual({ path: '/b', entries: [entry], total: 9000, limit: SNAPSHOT_LIST_LIMIT });
  });

  it("says why it cannot: a Backrest peer, a missing grant, an offline client, the client's refusal, a lost link", async () => {
    const signal = AbortSignal.timeout(5000);
    await expect(hostSide({}).remote.files(KEY, q, signal)).rejects.toThrow(
      /does not list snapshots over sync \(a Backrest instance/,
    );
    await expect(
      hostSide({ grants: [Perm.PERMISSION_READ_OPERATIONS] }).remote.files(KEY, q, signal),
    ).rejects.toThrow(/did not grant this host READ_CONFIG on repo "shared"/);
    await expect(
      hostSide({ grants: [Perm.PERMISSION_READ_CONFIG], connected: false }).remote.files(KEY, q, signal),
    ).rejects.toThrow(/is not connected/);
    await expect(hostSide({}).remote.files('ed25519.nobody', q, signal)).rejects.toThrow(
      /no authorized client/,
    );
    const h = hostSide({ grants: [Perm.PERMISSION_READ_WRITE_CONFIG] });
    const refused = h.remote.files(KEY, q, signal);
    const a = ext(h.sent[0]);
    const requestId = a?.case === 'requestSnapshotFiles' ? a.value.requestId : -1n;
    h.remote.deliver(KEY, { requestId, errorMessage: 'snapshot abc not found' } as never);
    await expect(refused).rejects.toThrow('client "laptop" says: snapshot abc not found');
    const lost = h.remote.files(KEY, q, signal);
    h.remote.peerGone(KEY, 'stream reset');
    await expect(lost).rejects.toThrow(/connection ended before it answered: stream reset/);
  });
});

describe("a peer's grants (RemoteConfig's Restora extension)", () => {
  it('are checked on arrival: a scope that does not parse is a protocol error naming it', () => {
    const bad = create(RemoteConfigSchema, {
      restoraGrants: { permissions: [{ type: Perm.PERMISSION_READ_CONFIG, scopes: ['repos:x'] }] },
    });
    expect(() => receivedConfig(bad)).toThrow(/the peer's grants do not parse: .*"repos:x"/);
    const good = create(RemoteConfigSchema, {
      restoraGrants: { permissions: [{ type: Perm.PERMISSION_READ_CONFIG, scopes: ['!repo:x', '*'] }] },
    });
    expect(receivedConfig(good)).toBe(good);
  });
});

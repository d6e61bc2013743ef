// Host side of Restora's snapshot listing extension: ListSnapshotFiles for a client's snapshot asks that client over
// its Sync stream. Only a Restora client answers (it announces itself with PeerGrants in its RemoteConfig); a
// Backrest peer is not asked. The client's own grant (READ_CONFIG on the repo) is checked here too, to say why early.
import type { LsEntry, SnapshotFiles, SyncStreamItem } from '@restora/proto';
import type { ConfigStore } from '../config/types.js';
import {
  FailedPreconditionError,
  NotFoundError,
  PermissionDeniedError,
  UnavailableError,
} from '../errors.js';
import { snapshotPath } from '../tasks/snapshot-path.js';
import { extensionItem } from './messages.js';
import type { PeerStates } from './peer-states.js';
import { CAN_VIEW_CONFIG, PermissionSet } from './permissions.js';
import { SNAPSHOT_LIST_LIMIT } from './snapshot-serve.js';

const ANSWER_TIMEOUT_MS = 60_000;

export interface RemoteListing {
  path: string;
  entries: LsEntry[];
  /** Entries the folder has; more than entries.length when the client sent only the first SNAPSHOT_LIST_LIMIT. */
  total: number;
  limit: number;
}

interface Pending {
  keyid: string;
  resolve(f: SnapshotFiles): void;
  reject(e: Error): void;
}

export class RemoteSnapshots {
  private next = 1n;
  private readonly pending = new Map<bigint, Pending>();

  constructor(
    private readonly d: {
      config: ConfigStore;
      peerStates: PeerStates;
      clients: Map<string, { send(item: SyncStreamItem): void }>;
    },
  ) {}

  async files(
    keyid: string,
    q: { repoId: string; snapshotId: string; path: string },
    signal: AbortSignal,
  ): Promise<RemoteListing> {
    const peer = this.d.config.get().multihost?.authorizedClients.find((p) => p.keyid === keyid);
    if (!peer) throw new NotFoundError(`no authorized client with key id ${keyid}`, 'peer', keyid);
    const name = JSON.stringify(peer.instanceId);
    if (!q.repoId || !q.snapshotId)
      throw new FailedPreconditionError('repoId and snapshotId are required to browse a snapshot');
    const path = snapshotPath('path', q.path);
    const client = this.d.clients.get(keyid);
    if (!client)
      throw new UnavailableError(`client ${name} is not connected; its snapshots can be browsed when it is`);
    const grants = this.d.peerStates.get(keyid)?.remoteConfig?.restoraGrants;
    if (!grants)
      throw new FailedPreconditionError(
        `client ${name} does not list snapshots over sync (a Backrest instance, or one that has not sent its config yet); browse them on the client`,
      );
    if (!new PermissionSet(grants.permissions).forRepo(q.repoId, CAN_VIEW_CONFIG))
      throw new PermissionDeniedError(
        `client ${name} did not grant this host READ_CONFIG on repo "${q.repoId}", which browsing its snapshots needs`,
      );
    const requestId = this.next++;
    const answer = new Promise<SnapshotFiles>((resolve, reject) => {
      this.pending.set(requestId, { keyid, resolve, reject });
    });
    const timer = setTimeout(
      () => this.settle(requestId, new UnavailableError(`client ${name} did not answer within 60 s`)),
      ANSWER_TIMEOUT_MS,
    );
    const onAbort = () => this.settle(requestId, signal.reason as Error);
    signal.addEventListener('abort', onAbort, { once: true });
    client.send(
      extensionItem({
        case: 'requestSnapshotFiles',
        value: { requestId, repoId: q.repoId, snapshotId: q.snapshotId, path },
      }),
    );
    try {
      const f = await answer;
      if (f.errorMessage) throw new FailedPreconditionError(`client ${name} says: ${f.errorMessage}`);
      return { path: f.path, entries: f.entries, total: Number(f.totalEntries), limit: SNAPSHOT_LIST_LIMIT };
    } finally {
      clearTimeout(timer);
      signal.removeEventListener('abort', onAbort);
    }
  }

  /** A SnapshotFiles answer from a connected client (ignored when nobody waits for it, or from another client). */
  deliver(keyid: string, f: SnapshotFiles): void {
    const p = this.pending.get(f.requestId);
    if (p?.keyid === keyid) (this.pending.delete(f.requestId), p.resolve(f));
  }

  /** The client's link ended: its open listings fail with the reason. */
  peerGone(keyid: string, reason: string): void {
    for (const [id, p] of this.pending)
      if (p.keyid === keyid)
        this.settle(id, new UnavailableError(`the client's connection ended before it answered: ${reason}`));
  }

  private settle(id: bigint, e: Error): void {
    const p = this.pending.get(id);
    if (p) (this.pending.delete(id), p.reject(e));
  }
}

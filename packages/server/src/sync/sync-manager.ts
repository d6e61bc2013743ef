// Multihost at run time: one SyncClient per known host (restarted when the known hosts change), the host side's
// Sync stream, peer states, and SetRemoteClientConfig pushes to connected clients.
import { clone } from '@bufbuild/protobuf';
import {
  Multihost_PeerSchema,
  type Multihost_Peer,
  type SetRemoteClientConfigRequest,
  type SyncStreamItem,
} from '@restora/proto';
import { FailedPreconditionError, NotFoundError, PermissionDeniedError } from '../errors.js';
import type { SyncClient } from './client.js';
import { pushRefusal } from './host-config.js';
import { serveSyncStream } from './host.js';
import { item } from './messages.js';
import type { PeerStates } from './peer-states.js';
import { PermissionSet } from './permissions.js';
import type { RemoteLogs } from './remote-logs.js';
import type { RemoteSnapshots } from './remote-snapshots.js';
import type { SyncContext } from './sync-context.js';

export class SyncManager {
  readonly peerStates: PeerStates;
  readonly remoteLogs: RemoteLogs;
  readonly remoteSnapshots: RemoteSnapshots;
  private readonly clients = new Map<string, { client: SyncClient; key: string }>();
  private offConfig: (() => void) | undefined;

  constructor(
    private readonly ctx: SyncContext,
    private readonly clientFor: (host: Multihost_Peer) => SyncClient,
  ) {
    this.peerStates = ctx.peerStates;
    this.remoteLogs = ctx.remoteLogs;
    this.remoteSnapshots = ctx.remoteSnapshots;
  }

  start(): void {
    this.reconcileClients();
    this.offConfig = this.ctx.config.subscribe(() => this.reconcileClients());
  }

  async stop(): Promise<void> {
    this.offConfig?.();
    for (const c of this.ctx.clients.values()) c.close('the host is shutting down');
    await Promise.all([...this.clients.values()].map((c) => c.client.close()));
    this.clients.clear();
    this.ctx.remoteModnos.close();
    this.ctx.remoteLogCache.close();
  }

  /** BackrestSyncService.Sync: the outgoing half of one client connection. */
  serve(requests: AsyncIterable<SyncStreamItem>, signal: AbortSignal): AsyncIterable<SyncStreamItem> {
    return serveSyncStream(this.ctx, requests, signal);
  }

  /** SetRemoteClientConfig: pushes plans and repos to a connected client (which checks READ_WRITE_CONFIG itself). */
  setRemoteClientConfig(req: SetRemoteClientConfigRequest): void {
    const known = this.ctx.config.get().multihost?.authorizedClients.some((p) => p.keyid === req.peerKeyid);
    if (!known)
      throw new NotFoundError(`no authorized client with key id ${req.peerKeyid}`, 'peer', req.peerKeyid);
    const client = this.ctx.clients.get(req.peerKeyid);
    if (!client)
      throw new FailedPreconditionError(`client ${req.peerKeyid} is not connected; try again when it is`);
    // a Restora client says what it granted: refuse here, with the reason, what it would refuse by ending the link
    const grants = this.peerStates.get(req.peerKeyid)?.remoteConfig?.restoraGrants;
    const why =
      grants && pushRefusal(req, new PermissionSet(grants.permissions), this.ctx.config.get().instance);
    if (why) throw new PermissionDeniedError(`client ${client.peer.instanceId} ${why}`);
    client.send(
      item({
        case: 'setConfig',
        value: {
          repos: req.repos,
          plans: req.plans,
          reposToDelete: req.reposToDelete,
          plansToDelete: req.plansToDelete,
        },
      }),
    );
  }

  /** A client's dashboard scope on this host: its instance id and the plans / repos it shares (when known). */
  dashboardScope(keyid: string): { instanceId: string; planIds?: string[]; repoIds?: string[] } | undefined {
    const peer = this.ctx.config.get().multihost?.authorizedClients.find((p) => p.keyid === keyid);
    if (!peer) return undefined;
    const s = this.peerStates.get(keyid);
    if (!s?.knownPlans.length && !s?.knownRepos.length) return { instanceId: peer.instanceId };
    return {
      instanceId: peer.instanceId,
      planIds: s.knownPlans.map((p) => p.id),
      repoIds: s.knownRepos.map((r) => r.id),
    };
  }

  /** One client per known host; a changed entry (URL, key, permissions, secret) restarts its connection. */
  private reconcileClients(): void {
    const hosts = this.ctx.config.get().multihost?.knownHosts ?? [];
    const wanted = new Map(hosts.map((h) => [h.keyid, h]));
    for (const [keyid, c] of this.clients) {
      const h = wanted.get(keyid);
      if (!h || entryKey(h) !== c.key) {
        void c.client.close();
        this.clients.delete(keyid);
        if (!h) this.peerStates.forget(keyid);
      }
    }
    for (const h of hosts) {
      if (this.clients.has(h.keyid) || !h.keyid) continue;
      const client = this.clientFor(clone(Multihost_PeerSchema, h));
      this.clients.set(h.keyid, { client, key: entryKey(h) });
      client.start();
    }
    // clients that lost their authorization are dropped by their own config watch (host.ts)
  }
}

const entryKey = (h: Multihost_Peer) =>
  JSON.stringify([h.instanceId, h.instanceUrl, h.permissions.map((p) => [p.type, p.scopes])]);

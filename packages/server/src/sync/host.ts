// Host side of BackrestSyncService.Sync: KEM exchange, identity handshake (pairing an unknown client with a token
// secret), then the client's config, resources and operations arrive; our config and shared repos go out.
import { clone, create } from '@bufbuild/protobuf';
import {
  ConnectionState,
  Multihost_PeerSchema,
  RepoSchema,
  type Config,
  type Multihost_Peer,
  type SyncStreamItem,
} from '@restora/proto';
import { Code, ConnectError } from '@connectrpc/connect';
import { AsyncQueue } from './channel.js';
import { authError, disconnected, protocolError, SyncError } from './errors.js';
import { createHandshake, verifyHandshake } from './handshake.js';
import { configItems, item, receivedConfig } from './messages.js';
import { validatePairingSecret } from './pairing.js';
import { CAN_RECEIVE_SHARED_REPOS, PermissionSet } from './permissions.js';
import { RemoteOpStore } from './remote-ops.js';
import { SyncSession } from './session.js';
import type { ConnectedClient, SyncContext } from './sync-context.js';

const HANDSHAKE_TIMEOUT_MS = 15_000;

/** Runs one client connection; returns the outgoing stream for the Connect handler to yield from. */
export function serveSyncStream(
  ctx: SyncContext,
  requests: AsyncIterable<SyncStreamItem>,
  signal: AbortSignal,
): AsyncQueue<SyncStreamItem> {
  const out = new AsyncQueue<SyncStreamItem>();
  const incoming = requests[Symbol.asyncIterator]();
  void runHost(ctx, incoming, out, signal).then(
    () => out.end(),
    (e: unknown) => out.end(toConnectError(e)),
  );
  return out;
}

/** Backrest's codes: auth → permission_denied, protocol → invalid_argument, the rest internal; message kept. */
function toConnectError(e: unknown): ConnectError {
  if (!(e instanceof SyncError)) return new ConnectError('sync stream failed', Code.Internal);
  const code =
    e.state === ConnectionState.ERROR_AUTH
      ? Code.PermissionDenied
      : e.state === ConnectionState.ERROR_PROTOCOL
        ? Code.InvalidArgument
        : e.state === ConnectionState.DISCONNECTED
          ? Code.Unavailable
          : Code.Internal;
  return new ConnectError(e.message, code);
}

async function runHost(
  ctx: SyncContext,
  incoming: AsyncIterator<SyncStreamItem>,
  out: AsyncQueue<SyncStreamItem>,
  signal: AbortSignal,
) {
  const config = ctx.config.get();
  const identity = ctx.identity();
  if (!identity || !config.instance)
    throw authError('sync is not configured on this host (no instance id or identity)');
  const session = await SyncSession.establish(incoming, out, false);
  session.send(createHandshake(identity, config.instance, '', session.transcript));
  const hs = verifyHandshake(await session.receive(HANDSHAKE_TIMEOUT_MS), session.transcript);
  const keyid = hs.publicKey!.keyid;
  let peer = config.multihost?.authorizedClients.find((p) => p.keyid === keyid);
  if (!peer) peer = await pair(ctx, keyid, hs.instanceId, hs.pairingSecret);
  if (peer.instanceId !== hs.instanceId)
    throw authError(
      `instance id mismatch: key ${keyid} is authorized as ${JSON.stringify(peer.instanceId)}, not ${JSON.stringify(hs.instanceId)}`,
    );
  const perms = new PermissionSet(peer.permissions);
  const authorized = peer;
  const store = RemoteOpStore.forPeer(ctx.oplog, ctx.remoteModnos, keyid);
  const closed = new AbortController();
  const client: ConnectedClient = {
    peer: authorized,
    perms,
    send: (i) => session.send(i),
    close: (reason) => closed.abort(disconnected(reason)),
  };
  const prev = ctx.clients.get(keyid);
  ctx.clients.set(keyid, client);
  prev?.close('displaced by a newer connection from the same peer');
  ctx.peerStates.setState(keyid, peer.instanceId, ConnectionState.CONNECTED, 'connected');
  ctx.log.info(`sync: client ${peer.instanceId} (${keyid}) connected`);
  const offConfig = ctx.config.subscribe((next) => {
    const now = next.multihost?.authorizedClients.find((p) => p.keyid === keyid);
    if (!now || now.instanceId !== authorized.instanceId)
      return client.close('the client was de-authorized on this host');
    if (JSON.stringify(now.permissions) !== JSON.stringify(authorized.permissions))
      return client.close("the client's permissions changed; reconnecting");
    sendConfig(session, next, perms);
  });
  const heartbeat = setInterval(
    () => session.send(item({ case: 'heartbeat', value: {} })),
    ctx.settings.heartbeatMs,
  );
  try {
    sendConfig(session, config, perms);
    const aborted = new Promise<never>((_, reject) => {
      const stop = () => reject(closed.signal.reason ?? disconnected('the host is shutting down'));
      closed.signal.addEventListener('abort', stop);
      signal.addEventListener('abort', () => closed.abort(disconnected('connection closed')));
    });
    for (;;) {
      // clients heartbeat every period: silence for three means the link died without a reset
      const next = await Promise.race([session.receive(ctx.settings.heartbeatMs * 3), aborted]);
      if (!next) break;
      handle(ctx, store, keyid, session, next);
    }
    ctx.peerStates.setState(
      keyid,
      authorized.instanceId,
      ConnectionState.DISCONNECTED,
      'the client disconnected',
    );
  } catch (e) {
    const err = e instanceof SyncError ? e : disconnected(`lost connection: ${(e as Error).message}`);
    ctx.peerStates.setState(keyid, authorized.instanceId, err.state, err.message);
    ctx.remoteLogs.peerGone(keyid, err.message);
    ctx.remoteSnapshots.peerGone(keyid, err.message);
    throw err;
  } finally {
    ctx.remoteLogs.peerGone(keyid, 'the client disconnected');
    ctx.remoteSnapshots.peerGone(keyid, 'the client disconnected');
    clearInterval(heartbeat);
    offConfig();
    if (ctx.clients.get(keyid) === client) ctx.clients.delete(keyid);
  }
}

function sendConfig(session: SyncSession, config: Config, perms: PermissionSet): void {
  for (const i of configItems(config, perms)) session.send(i);
  const shared = config.repos
    .filter((r) => r.shared && perms.forRepo(r.id, CAN_RECEIVE_SHARED_REPOS))
    .map((r) => Object.assign(clone(RepoSchema, r), { originInstanceId: config.instance }));
  if (shared.length) session.send(item({ case: 'setConfig', value: { repos: shared } }));
}

function handle(
  ctx: SyncContext,
  store: RemoteOpStore,
  keyid: string,
  session: SyncSession,
  msg: SyncStreamItem,
): void {
  const a = msg.action;
  const ext = msg.restora?.action;
  if (a.case === undefined && ext?.case === 'snapshotFiles')
    return ctx.remoteSnapshots.deliver(keyid, ext.value);
  switch (a.case) {
    case 'heartbeat':
      return ctx.peerStates.heartbeat(keyid);
    case 'operationManifest': {
      if (a.value.opIds.length !== a.value.modnos.length)
        throw protocolError(
          `operation manifest has ${a.value.opIds.length} ids but ${a.value.modnos.length} modnos`,
        );
      const need = store.reconcile(a.value.opIds, a.value.modnos);
      if (need.length) session.send(item({ case: 'requestOperationData', value: { opIds: need } }));
      return;
    }
    case 'receiveOperations': {
      const ev = a.value.event?.event;
      if (ev?.case === 'createdOperations' || ev?.case === 'updatedOperations')
        store.upsert(ev.value.operations);
      else if (ev?.case === 'deletedOperations') ev.value.values.forEach((id) => store.deleteOriginal(id));
      return;
    }
    case 'receiveConfig':
      return ctx.peerStates.update(keyid, '', (s) => (s.remoteConfig = receivedConfig(a.value.config)));
    case 'receiveResources':
      return ctx.peerStates.update(keyid, '', (s) => {
        s.knownRepos = a.value.repos;
        s.knownPlans = a.value.plans;
      });
    case 'receiveLogData':
      return ctx.remoteLogs.deliver(keyid, a.value);
    case 'throttle':
      return;
    default:
      throw protocolError(`a host does not accept ${a.case ?? ext?.case ?? 'an empty message'}`);
  }
}

/** An unknown client presenting a valid pairing secret is authorized with the token's permissions. */
async function pair(
  ctx: SyncContext,
  keyid: string,
  instanceId: string,
  secret: string,
): Promise<Multihost_Peer> {
  let peer: Multihost_Peer | undefined;
  try {
    await ctx.config.update((cfg) => {
      const mh = cfg.multihost!;
      const token = validatePairingSecret(secret, mh.pairingTokens, ctx.now());
      if (mh.authorizedClients.some((p) => p.instanceId === instanceId))
        throw new Error(`another client is already authorized as instance ${JSON.stringify(instanceId)}`);
      peer = create(Multihost_PeerSchema, { instanceId, keyid, permissions: token.permissions });
      mh.authorizedClients.push(peer);
      token.uses++;
      if (token.maxUses > 0 && token.uses >= token.maxUses)
        mh.pairingTokens = mh.pairingTokens.filter((t) => t !== token);
    });
  } catch (e) {
    ctx.log.warn(`sync: refused pairing from ${instanceId} (${keyid}): ${(e as Error).message}`);
    throw authError(`pairing refused: ${(e as Error).message}`);
  }
  ctx.log.info(`sync: paired client ${instanceId} (${keyid})`);
  return peer!;
}

// Client side: one connection to each known host, reconnecting with Backrest's backoff. After the handshake it
// sends its view (config and resources the host may see), a manifest of in-scope operations (id, modno), then
// answers the host's requests and forwards live operation changes.
import { create } from '@bufbuild/protobuf';
import { createClient } from '@connectrpc/connect';
import { createConnectTransport } from '@connectrpc/connect-node';
import {
  BackrestSyncService,
  ConnectionState,
  OperationEventSchema,
  type Config,
  type Multihost_Peer,
  type Operation,
  type SyncStreamItem,
  type SyncStreamItem_SyncActionSetConfig,
} from '@restora/proto';
import type { OpEvent } from '../oplog/types.js';
import { AsyncQueue } from './channel.js';
import { authError, protocolError, SyncError } from './errors.js';
import { createHandshake, verifyHandshake } from './handshake.js';
import { applyHostConfig } from './host-config.js';
import { answerLogRequest } from './log-serve.js';
import { configItems, item, receivedConfig } from './messages.js';
import { CAN_READ_OPERATIONS, CAN_VIEW_RESOURCES, PermissionSet } from './permissions.js';
import { SyncSession } from './session.js';
import { answerSnapshotFiles } from './snapshot-serve.js';
import type { SyncContext } from './sync-context.js';

const BATCH = 256;

export class SyncClient {
  private attempts = 0;
  private readonly stop = new AbortController();
  private running: Promise<void> | undefined;

  constructor(
    private readonly ctx: SyncContext,
    private readonly host: Multihost_Peer,
  ) {}

  get keyid(): string {
    return this.host.keyid;
  }

  start(): void {
    this.ctx.peerStates.setState(
      this.host.keyid,
      this.host.instanceId,
      ConnectionState.PENDING,
      'connecting',
    );
    this.running = this.loop();
  }

  async close(): Promise<void> {
    this.stop.abort();
    await this.running;
  }

  private async loop(): Promise<void> {
    while (!this.stop.signal.aborted) {
      const started = this.ctx.now();
      const { state, message } = await this.connectOnce().then(
        () => ({ state: ConnectionState.DISCONNECTED, message: 'the host closed the connection' }),
        (e: unknown) => describe(e),
      );
      if (this.stop.signal.aborted) return;
      const base = this.ctx.settings.retryDelayMs;
      if (this.ctx.now() - started >= base) this.attempts = 0;
      let delay = base - (this.ctx.now() - started);
      if (this.attempts > 0) delay += 2 ** Math.min(this.attempts, 5) * base;
      delay = Math.max(delay, 1000);
      this.attempts++;
      this.ctx.peerStates.setState(this.host.keyid, this.host.instanceId, state, message);
      this.ctx.peerStates.update(this.host.keyid, '', (s) => {
        if (s.state === ConnectionState.DISCONNECTED) s.state = ConnectionState.RETRY_WAIT;
        s.statusMessage = `${message}; retrying in ${Math.round(delay / 1000)} s`;
      });
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, delay);
        this.stop.signal.addEventListener('abort', () => (clearTimeout(t), resolve()), { once: true });
      });
    }
  }

  private async connectOnce(): Promise<void> {
    const config = this.ctx.config.get();
    const identity = this.ctx.identity();
    if (!identity || !config.instance)
      throw authError('sync is not configured here (no instance id or identity)');
    const url = this.host.instanceUrl;
    if (!/^https?:\/\//i.test(url))
      throw protocolError(`known host ${this.host.instanceId} has no http(s) instanceUrl`);
    const transport = createConnectTransport({ baseUrl: url, httpVersion: '2', useBinaryFormat: true });
    const out = new AsyncQueue<SyncStreamItem>();
    const abort = new AbortController();
    const onStop = () => abort.abort();
    this.stop.signal.addEventListener('abort', onStop);
    let off: (() => void) | undefined;
    let heartbeat: NodeJS.Timeout | undefined;
    try {
      const responses = createClient(BackrestSyncService, transport).sync(out, { signal: abort.signal });
      const session = await SyncSession.establish(responses[Symbol.asyncIterator](), out, true, 15_000);
      session.send(
        createHandshake(identity, config.instance, this.host.initialPairingSecret, session.transcript),
      );
      const hs = verifyHandshake(await session.receive(15_000), session.transcript);
      if (hs.publicKey!.keyid !== this.host.keyid)
        throw authError(
          `the host at ${url} presented key ${hs.publicKey!.keyid}, not the paired ${this.host.keyid}`,
        );
      if (hs.instanceId !== this.host.instanceId)
        throw authError(
          `the host at ${url} is instance ${JSON.stringify(hs.instanceId)}, not ${JSON.stringify(this.host.instanceId)}`,
        );
      const perms = new PermissionSet(this.host.permissions);
      this.ctx.peerStates.setState(
        this.host.keyid,
        this.host.instanceId,
        ConnectionState.CONNECTED,
        'connected',
      );
      this.attempts = 0;
      if (this.host.initialPairingSecret) await this.clearPairingSecret();
      heartbeat = setInterval(
        () => session.send(item({ case: 'heartbeat', value: {} })),
        this.ctx.settings.heartbeatMs,
      );
      for (const i of configItems(config, perms, CAN_VIEW_RESOURCES)) session.send(i);
      let scope = forwardScope(config, perms);
      const offOps = this.ctx.oplog.subscribe((ev) =>
        forwardEvent(session, ev, scope, () => sendManifest(this.ctx, session, scope)),
      );
      // a config change (ours, or pushed by the host) updates the host's view and what is in scope
      const offConfig = this.ctx.config.subscribe((next) => {
        scope = forwardScope(next, perms);
        for (const i of configItems(next, perms, CAN_VIEW_RESOURCES)) session.send(i);
        sendManifest(this.ctx, session, scope);
      });
      off = () => (offOps(), offConfig());
      sendManifest(this.ctx, session, scope);
      // a link that dies without a reset (cable, namespace, NAT) shows as silence: the host heartbeats every period
      const silence = this.ctx.settings.heartbeatMs * 3;
      for (;;) {
        const next = await session.receive(silence);
        if (!next) return;
        await this.handle(session, next, perms, scope);
      }
    } finally {
      clearInterval(heartbeat);
      off?.();
      out.end();
      abort.abort();
      this.stop.signal.removeEventListener('abort', onStop);
    }
  }

  private async handle(
    session: SyncSession,
    msg: SyncStreamItem,
    perms: PermissionSet,
    scope: ForwardScope,
  ): Promise<void> {
    const a = msg.action;
    const ext = msg.restora?.action;
    if (a.case === undefined && ext?.case === 'requestSnapshotFiles') {
      const d = { list: this.ctx.snapshotFiles, perms, hostName: this.host.instanceId };
      // beside the receive loop, like logs: restic may take a while
      void answerSnapshotFiles(d, session, ext.value).catch((e: unknown) =>
        this.ctx.log.warn(`sync: snapshot listing not sent: ${(e as Error).message}`),
      );
      return;
    }
    switch (a.case) {
      case 'heartbeat':
        return this.ctx.peerStates.heartbeat(this.host.keyid);
      case 'operationManifest':
        return sendManifest(this.ctx, session, scope);
      case 'requestOperationData': {
        for (let i = 0; i < a.value.opIds.length; i += BATCH) {
          const ops = this.ctx.oplog
            .query({ ids: a.value.opIds.slice(i, i + BATCH) })
            .filter((o) => scope.covers(o));
          if (ops.length) session.send(opsItem('updatedOperations', ops));
        }
        return;
      }
      case 'receiveConfig':
        return this.ctx.peerStates.update(
          this.host.keyid,
          '',
          (s) => (s.remoteConfig = receivedConfig(a.value.config)),
        );
      case 'receiveResources':
        return this.ctx.peerStates.update(this.host.keyid, '', (s) => {
          s.knownRepos = a.value.repos;
          s.knownPlans = a.value.plans;
        });
      case 'setConfig':
        return this.applySetConfig(a.value, perms);
      case 'requestResources':
        for (const i of configItems(this.ctx.config.get(), perms, CAN_VIEW_RESOURCES).slice(1))
          session.send(i);
        return;
      case 'requestLog': {
        const d = { ...this.ctx, instanceId: this.ctx.config.get().instance, covers: scope.covers };
        // answered beside the receive loop: reading a large log must not hold up heartbeats and manifests
        void answerLogRequest(d, session, a.value.logId).catch((e: unknown) =>
          this.ctx.log.warn(`sync: log ${a.value.logId} not sent: ${(e as Error).message}`),
        );
        return;
      }
      case 'throttle':
        return;
      default:
        throw protocolError(`a client does not accept ${a.case ?? ext?.case ?? 'an empty message'}`);
    }
  }

  /** Plans and repos pushed by the host: only where this known host holds READ_WRITE_CONFIG (or shared repos). */
  private async applySetConfig(set: SyncStreamItem_SyncActionSetConfig, perms: PermissionSet): Promise<void> {
    const hostId = this.host.instanceId;
    await this.ctx.config.update((cfg) => applyHostConfig(cfg, set, perms, hostId, this.ctx.log, authError));
  }

  private async clearPairingSecret(): Promise<void> {
    await this.ctx.config.update((cfg) => {
      const kh = cfg.multihost?.knownHosts.find((h) => h.keyid === this.host.keyid);
      if (kh) kh.initialPairingSecret = '';
    });
    this.host.initialPairingSecret = '';
  }
}

interface ForwardScope {
  covers(op: Operation): boolean;
}

/** This instance's own ops of repos (by guid) and plans the host may read operations of. */
function forwardScope(config: Config, perms: PermissionSet): ForwardScope {
  const repos = new Set(
    config.repos.filter((r) => perms.forRepo(r.id, CAN_READ_OPERATIONS)).map((r) => r.guid),
  );
  const plans = new Set(
    config.plans.filter((p) => perms.forPlan(p.id, CAN_READ_OPERATIONS)).map((p) => p.id),
  );
  return {
    covers: (op) =>
      !op.originalInstanceKeyid &&
      op.instanceId === config.instance &&
      (repos.has(op.repoGuid) || (op.planId !== '' && plans.has(op.planId))),
  };
}

function sendManifest(ctx: SyncContext, session: SyncSession, scope: ForwardScope): void {
  const ops = ctx.oplog.query({ instanceId: ctx.config.get().instance }).filter((o) => scope.covers(o));
  session.send(
    item({
      case: 'operationManifest',
      value: { opIds: ops.map((o) => o.id), modnos: ops.map((o) => o.modno) },
    }),
  );
}

function opsItem(kind: 'createdOperations' | 'updatedOperations', operations: Operation[]): SyncStreamItem {
  return item({
    case: 'receiveOperations',
    value: { event: create(OperationEventSchema, { event: { case: kind, value: { operations } } }) },
  });
}

function forwardEvent(
  session: SyncSession,
  ev: OpEvent,
  scope: ForwardScope,
  resendManifest: () => void,
): void {
  const ops = ev.operations.filter((o) => scope.covers(o));
  if (ev.type === 'deleted') {
    if (ops.length)
      session.send(
        item({
          case: 'receiveOperations',
          value: {
            event: create(OperationEventSchema, {
              event: { case: 'deletedOperations', value: { values: ops.map((o) => o.id) } },
            }),
          },
        }),
      );
    // bulk deletes carry no ops: a fresh manifest lets the host drop its copies
    else if (ev.ids.length) resendManifest();
    return;
  }
  if (ops.length)
    session.send(opsItem(ev.type === 'created' ? 'createdOperations' : 'updatedOperations', ops));
}

function describe(e: unknown): { state: ConnectionState; message: string } {
  if (e instanceof SyncError) return { state: e.state, message: e.message };
  const msg = (e as Error)?.message ?? String(e);
  if (/permission_denied|permission denied/i.test(msg))
    return {
      state: ConnectionState.ERROR_AUTH,
      message: `the host refused this client: ${msg.replace(/^\[permission_denied\]\s*/, '')}`,
    };
  if (/invalid_argument/i.test(msg))
    return { state: ConnectionState.ERROR_PROTOCOL, message: `the host reported a protocol error: ${msg}` };
  if (/ECONNREFUSED|unavailable|ECONNRESET|socket|closed|aborted/i.test(msg))
    return { state: ConnectionState.DISCONNECTED, message: `cannot reach the host: ${msg}` };
  return { state: ConnectionState.ERROR_INTERNAL, message: msg };
}

// What the host and client halves share: config, oplog, identity, peer states and the connected clients.
import type { ConfigStore } from '../config/types.js';
import type { LogStore, OpLog } from '../oplog/types.js';
import type { Multihost_Peer, SyncStreamItem } from '@restora/proto';
import type { LocalIdentity } from './identity.js';
import type { PeerStates } from './peer-states.js';
import type { PermissionSet } from './permissions.js';
import type { RemoteLogCache } from './remote-log-cache.js';
import type { RemoteLogs } from './remote-logs.js';
import type { RemoteModnos } from './remote-ops.js';
import type { RemoteSnapshots } from './remote-snapshots.js';
import type { SnapshotLister } from './snapshot-serve.js';

/** A client connected to this host: SetRemoteClientConfig sends through it; revocation closes it. */
export interface ConnectedClient {
  peer: Multihost_Peer;
  perms: PermissionSet;
  send(item: SyncStreamItem): void;
  close(reason: string): void;
}

export interface SyncSettings {
  /** Heartbeat interval (Backrest: 600 s). */
  heartbeatMs: number;
  /** Base reconnect delay (Backrest: 60 s); grows 2^min(attempts,5) times on repeated failures. */
  retryDelayMs: number;
}

export interface SyncLog {
  info(msg: string): void;
  warn(msg: string): void;
}

export interface SyncContext {
  config: ConfigStore;
  oplog: OpLog;
  /** Our own operation logs (a client serves them to its host on request). */
  logs: LogStore;
  /** Logs of clients' operations, fetched on request (host side). */
  remoteLogs: RemoteLogs;
  remoteLogCache: RemoteLogCache;
  remoteModnos: RemoteModnos;
  /** Snapshot listings asked of clients (host side, Restora extension). */
  remoteSnapshots: RemoteSnapshots;
  /** Lists a folder of one of our snapshots for a host that may see the repo (client side). */
  snapshotFiles?: SnapshotLister | undefined;
  peerStates: PeerStates;
  clients: Map<string, ConnectedClient>;
  identity(): LocalIdentity | undefined;
  settings: SyncSettings;
  now(): number;
  log: SyncLog;
}

/** RESTORA_SYNC_HEARTBEAT_MS and RESTORA_SYNC_RETRY_DELAY_MS override Backrest's defaults (tests shorten them). */
export function syncSettingsFromEnv(env: NodeJS.ProcessEnv): SyncSettings {
  const ms = (name: string, dflt: number) => {
    const v = env[name];
    if (v === undefined || v === '') return dflt;
    const n = Number(v);
    if (!Number.isInteger(n) || n < 100)
      throw new Error(`${name} must be a whole number of milliseconds >= 100, got ${JSON.stringify(v)}`);
    return n;
  };
  return {
    heartbeatMs: ms('RESTORA_SYNC_HEARTBEAT_MS', 600_000),
    retryDelayMs: ms('RESTORA_SYNC_RETRY_DELAY_MS', 60_000),
  };
}

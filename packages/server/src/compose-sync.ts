// Composition root, multihost part: the shared sync context, one SyncClient per known host, the SyncManager.
import path from 'node:path';
import type { ConfigStore } from './config/types.js';
import type { LogStore, OpLog } from './oplog/types.js';
import { SyncClient } from './sync/client.js';
import { identityFromConfig } from './sync/identity.js';
import { PeerStates } from './sync/peer-states.js';
import { RemoteLogCache } from './sync/remote-log-cache.js';
import { RemoteLogs } from './sync/remote-logs.js';
import { RemoteModnos } from './sync/remote-ops.js';
import { RemoteSnapshots } from './sync/remote-snapshots.js';
import type { SnapshotLister } from './sync/snapshot-serve.js';
import type { ConnectedClient, SyncContext, SyncLog, SyncSettings } from './sync/sync-context.js';
import { SyncManager } from './sync/sync-manager.js';

export interface SyncOptions {
  config: ConfigStore;
  oplog: OpLog;
  logs: LogStore;
  dataDir: string;
  settings: SyncSettings;
  log: SyncLog;
  /** Lists a folder of a snapshot of ours (ListSnapshotFiles' service), for a host allowed to browse it. */
  snapshotFiles?: SnapshotLister;
  now?: () => number;
}

export function composeSync(o: SyncOptions): SyncManager {
  const now = o.now ?? Date.now;
  const file = path.join(o.dataDir, 'sync.sqlite');
  const clients = new Map<string, ConnectedClient>();
  const cache = RemoteLogCache.open(file);
  cache.prune((id) => o.oplog.hasId(id));
  const peerStates = new PeerStates(now);
  const ctx: SyncContext = {
    config: o.config,
    oplog: o.oplog,
    logs: o.logs,
    remoteLogs: new RemoteLogs({ config: o.config, oplog: o.oplog, clients, cache, now }),
    remoteLogCache: cache,
    remoteModnos: RemoteModnos.open(file),
    remoteSnapshots: new RemoteSnapshots({ config: o.config, peerStates, clients }),
    snapshotFiles: o.snapshotFiles,
    peerStates,
    clients,
    identity: identityFromConfig(() => o.config.get()),
    settings: o.settings,
    now,
    log: o.log,
  };
  return new SyncManager(ctx, (host) => new SyncClient(ctx, host));
}

// v1sync services: Sync (open route: the stream authenticates itself with keys) and the signed-in peer state
// stream and remote config push.
import { create } from '@bufbuild/protobuf';
import type { ServiceImpl } from '@connectrpc/connect';
import {
  SetRemoteClientConfigResponseSchema,
  type BackrestSyncService,
  type BackrestSyncStateService,
  type PeerState,
} from '@restora/proto';
import { AsyncQueue } from '../../sync/channel.js';
import type { SyncManager } from '../../sync/sync-manager.js';

export function syncHandlers(sync: SyncManager): Partial<ServiceImpl<typeof BackrestSyncService>> {
  return {
    sync: (requests, ctx) => sync.serve(requests, ctx.signal),
  };
}

export function syncStateHandlers(sync: SyncManager): Partial<ServiceImpl<typeof BackrestSyncStateService>> {
  return {
    async *getPeerSyncStatesStream(req, ctx) {
      const queue = new AsyncQueue<PeerState>();
      const off = req.subscribe ? sync.peerStates.subscribe((s) => queue.push(s)) : undefined;
      ctx.signal.addEventListener('abort', () => queue.end());
      try {
        for (const s of sync.peerStates.all()) yield s;
        if (!off) return;
        for await (const s of queue) yield s;
      } finally {
        off?.();
      }
    },
    setRemoteClientConfig(req) {
      sync.setRemoteClientConfig(req);
      return create(SetRemoteClientConfigResponseSchema, {});
    },
  };
}

import type { TaskHandler } from './types.js';

/** History GC (Backrest's rules, in the oplog) and orphan/expired log removal. No op of its own. */
export const collectGarbageTask: TaskHandler<'collect-garbage'> = {
  kind: 'collect-garbage',
  prototype: () => null,
  async run(_task, rt) {
    // ops copied from peers that are no longer authorized clients or known hosts go (Backrest's GC rule)
    const mh = rt.config.multihost;
    const knownPeerKeyids = new Set(
      [...(mh?.authorizedClients ?? []), ...(mh?.knownHosts ?? [])].map((p) => p.keyid),
    );
    const res = await rt.oplog.collectGarbage({ nowMs: rt.now(), knownPeerKeyids });
    const logs = rt.logs ? await rt.logs.collectGarbage((id) => rt.oplog.hasId(id), rt.now()) : [];
    rt.log.write(`garbage collection: ${res.deletedIds.length} operations, ${logs.length} logs removed\n`);
  },
};

import type { TaskHandler } from './types.js';

/** History GC (Backrest's rules, in the oplog) and orphan/expired log removal. No op of its own. */
export const collectGarbageTask: TaskHandler<'collect-garbage'> = {
  kind: 'collect-garbage',
  prototype: () => null,
  async run(_task, rt) {
    const res = await rt.oplog.collectGarbage({ nowMs: rt.now() });
    const logs = rt.logs ? await rt.logs.collectGarbage((id) => rt.oplog.hasId(id), rt.now()) : [];
    rt.log.write(`garbage collection: ${res.deletedIds.length} operations, ${logs.length} logs removed\n`);
  },
};

import type { TaskHandler } from './types.js';

/** `restic unlock`: removes stale locks only (restic's default), never live ones of another process. */
export const unlockTask: TaskHandler<'unlock'> = {
  kind: 'unlock',
  prototype: () => null,
  async run(_task, rt) {
    await rt.restic().unlock({ signal: rt.signal });
    rt.log.write('removed stale locks\n');
  },
};

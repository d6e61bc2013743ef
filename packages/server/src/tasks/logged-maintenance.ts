import type { OperationCheck, OperationPrune } from '@restora/proto';
import { Condition } from '../hooks/conditions.js';
import { errorMessage } from './convert.js';
import type { TaskRuntime } from './types.js';

type Stage = 'CHECK' | 'PRUNE';

/**
 * The shared frame of check and prune: start hook, output into the op's own log (its outputLogref),
 * auto-unlock, then error hooks (not on cancel) or the success hook.
 */
export async function runLoggedMaintenance(
  rt: TaskRuntime,
  stage: Stage,
  command: (onOutput: (chunk: string) => void) => Promise<unknown>,
): Promise<void> {
  await rt.fireHooks([Condition[`${stage}_START`]]);
  const out = rt.logs?.create({ prefix: 'c', ...(rt.op ? { ownerOpId: rt.op.id } : {}) });
  if (out) rt.update((op) => void ((op.op.value as OperationCheck | OperationPrune).outputLogref = out.ref));
  try {
    if (rt.repo?.autoUnlock) await rt.restic().unlock({ signal: rt.signal });
    await command((chunk) => {
      out?.write(chunk);
      rt.log.write(chunk);
    });
  } catch (err) {
    if (rt.signal.aborted) throw err;
    await rt.fireHooks([Condition[`${stage}_ERROR`], Condition.ANY_ERROR], { error: errorMessage(err) });
    throw err;
  } finally {
    await out?.close();
  }
  await rt.fireHooks([Condition[`${stage}_SUCCESS`]]);
}

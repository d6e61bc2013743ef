// backup <plan>: starts the plan's backup and follows it to the end with live progress (or returns at once).
import type { Operation } from '@restora/proto';
import { isFinished } from '../format.js';
import { exitFor, opJson, outcome, print, printJson } from '../output.js';
import { progressView } from '../progress.js';
import { detachOnInterrupt, trackOp } from '../track.js';
import { findPlan, type Ctx } from './context.js';

export interface BackupFlags {
  wait: boolean;
  dryRun?: boolean;
}

export async function backup(ctx: Ctx, planId: string, f: BackupFlags): Promise<number> {
  await findPlan(ctx, planId);
  const recent = () => ctx.c.backrest.getOperations({ selector: { planId }, lastN: 5n });
  // ops are numbered in creation order: ours is newer than the plan's newest op now
  const floor = (await recent()).operations.reduce((m, op) => (op.id > m ? op.id : m), 0n);
  const ac = new AbortController();
  const call = ctx.c.backrest.backup({ value: planId, dryRun: f.dryRun === true }, { signal: ac.signal });
  const view = await progressView(`backup ${planId}`, ctx.json || !f.wait);
  let ours: Operation | undefined;
  // the call ends with the backup, in an error when it failed or was cancelled: the op itself says which
  const settled = async (err: unknown): Promise<Operation> => {
    if (!ours || !f.wait) throw err;
    const { operations } = await ctx.c.backrest.getOperations({ selector: { ids: [ours.id] } });
    const final = operations[0];
    if (final && isFinished(final.status)) return final;
    throw err;
  };
  const undo = detachOnInterrupt(
    () => ours?.id,
    () => view.stop(),
  );
  try {
    const op = await Promise.race([
      trackOp(ctx.c, {
        match: (op) => op.op.case === 'operationBackup' && op.planId === planId && op.id > floor,
        poll: async () => (await recent()).operations,
        headers: { 'restora-plan-id': planId },
        onUpdate: (op) => {
          ours = op;
          view.update(op);
        },
        until: f.wait ? 'end' : 'start',
        pollMs: 1000,
      }),
      // Backup refused (a plan removed meanwhile, no access): its error ends the wait
      call.then(() => new Promise<never>(() => {}), settled),
    ]);
    view.stop();
    if (!f.wait) {
      if (ctx.json) printJson({ operationId: op.id.toString(), planId });
      else
        print(
          `backup of plan ${planId} started: operation #${op.id} (follow it with \`restora ops --follow --plan ${planId}\`)`,
        );
      return 0;
    }
    if (ctx.json) printJson(opJson(op));
    else print(`backup of plan ${planId}: ${outcome(op)} (operation #${op.id})`);
    return exitFor(op);
  } finally {
    undo();
    view.stop();
    // the backup goes on without us: the server never ties it to this call
    call.catch(() => {});
    ac.abort();
  }
}

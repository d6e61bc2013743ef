// ops, logs, cancel: the operation history, following it live, an op's output, and stopping one.
import type { Operation } from '@restora/proto';
import { CliError, EXIT } from '../exit-codes.js';
import { isFinished, opLine, statusOf } from '../format.js';
import { opJson, print, printJson } from '../output.js';
import { findPlan, findRepo, type Ctx } from './context.js';

export interface OpsFlags {
  plan?: string;
  repo?: string;
  last: string;
  follow?: boolean;
}

async function selector(ctx: Ctx, f: { plan?: string; repo?: string }) {
  if (f.plan) await findPlan(ctx, f.plan);
  const guid = f.repo ? (await findRepo(ctx, f.repo)).guid : undefined;
  return { ...(f.plan ? { planId: f.plan } : {}), ...(guid ? { repoGuid: guid } : {}) };
}

export async function ops(ctx: Ctx, f: OpsFlags): Promise<number> {
  const lastN = Number(f.last);
  if (!Number.isInteger(lastN) || lastN < 0)
    throw new CliError(`--last: must be a whole number, got "${f.last}"`, EXIT.usage);
  const sel = await selector(ctx, f);
  const { operations } = await ctx.c.backrest.getOperations({ selector: sel, lastN: BigInt(lastN) });
  const show = (op: Operation) =>
    ctx.json ? process.stdout.write(`${JSON.stringify(opJson(op))}\n`) : print(opLine(op));
  if (!f.follow) {
    if (ctx.json) printJson(operations.map(opJson));
    else operations.forEach(show);
    return 0;
  }
  // like tail -f: the recent history, then one line (or JSON line) per op created or changing status
  operations.forEach(show);
  const seen = new Map(operations.map((op) => [op.id, op.status]));
  const headers = {
    ...(f.plan ? { 'restora-plan-id': f.plan } : {}),
    ...(f.repo ? { 'restora-repo-id': f.repo } : {}),
  };
  const ac = new AbortController();
  process.once('SIGINT', () => ac.abort());
  try {
    for await (const ev of ctx.c.backrest.getOperationEvents({}, { signal: ac.signal, headers })) {
      const e = ev.event;
      if (e.case !== 'createdOperations' && e.case !== 'updatedOperations') continue;
      for (const op of e.value.operations) {
        if (seen.get(op.id) === op.status) continue;
        seen.set(op.id, op.status);
        show(op);
      }
    }
  } catch (err) {
    if (!ac.signal.aborted) throw err;
  }
  return 0;
}

async function getOp(ctx: Ctx, ref: string): Promise<Operation> {
  const id = /^#?\d{1,19}$/.test(ref) ? BigInt(ref.replace('#', '')) : undefined;
  if (id === undefined) throw new CliError(`not an operation id: "${ref}" (see \`restora ops\`)`, EXIT.usage);
  const { operations } = await ctx.c.backrest.getOperations({ selector: { ids: [id] } });
  const op = operations[0];
  if (!op) throw new CliError(`no operation #${id} on ${ctx.c.server}`, EXIT.notFound);
  return op;
}

/** The log an op's output went to: its kind's output logref, else its own logref. */
function logRef(op: Operation): string {
  const o = op.op;
  const own =
    o.case === 'operationPrune' ||
    o.case === 'operationCheck' ||
    o.case === 'operationRunCommand' ||
    o.case === 'operationRunHook'
      ? o.value.outputLogref
      : '';
  return own || op.logref;
}

export async function logs(ctx: Ctx, ref: string): Promise<number> {
  const op = await getOp(ctx, ref);
  const logref = logRef(op);
  if (!logref) throw new CliError(`operation #${op.id} (${statusOf(op)}) has no log`, EXIT.notFound);
  for await (const chunk of ctx.c.backrest.getLogs({ ref: logref })) process.stdout.write(chunk.value);
  return 0;
}

export async function cancel(ctx: Ctx, ref: string): Promise<number> {
  const op = await getOp(ctx, ref);
  if (isFinished(op.status))
    throw new CliError(`operation #${op.id} has already ended (${statusOf(op)})`, EXIT.usage);
  await ctx.c.backrest.cancel({ operationId: op.id });
  if (ctx.json) printJson({ operationId: op.id.toString(), cancelled: true });
  else print(`cancel requested for operation #${op.id} (${opLine(op)})`);
  return 0;
}

import { create } from '@bufbuild/protobuf';
import { Hook_OnError, OperationRunHookSchema, OperationSchema, OperationStatus } from '@restora/proto';
import type { Hook, Operation, Plan, Repo } from '@restora/proto';
import type { LogStore, OpLog } from '../oplog/types.js';
import { conditionEnumName, matchingCondition } from './conditions.js';
import { hookTypeName, runHookAction } from './handlers/index.js';
import type { HandlerOptions } from './handlers/index.js';
import { formatGoDuration } from './template/index.js';
import type { HookVarsInput } from './vars.js';
import { makeHookVars } from './vars.js';

/** A hook failure whose on_error policy stops the parent task. */
export class HookControlError extends Error {
  constructor(
    readonly action: 'cancel' | 'fatal' | 'retry',
    message: string,
    readonly delayMs = 0,
  ) {
    super(message);
    this.name = 'HookControlError';
  }
}

export interface HookExecutorDeps {
  oplog: OpLog;
  logs?: LogStore | undefined;
  now: () => number;
  handlerOptions?: HandlerOptions;
}

export interface ExecuteHooksArgs {
  repo: Repo | undefined;
  plan: Plan | undefined;
  events: readonly number[];
  vars: Omit<HookVarsInput, 'event' | 'curTime'>;
  /** The task's op: hook ops join its flow and point at it. */
  parentOp: Operation | undefined;
  instanceId: string;
  /** Retry number of the parent (0 on the first run), for exponential backoff. */
  attempt: number;
  signal: AbortSignal;
}

/** Backoff for ON_ERROR_RETRY_EXPONENTIAL_BACKOFF: 10 s·2^(n−1), capped at 1 h. */
export function backoffMs(attempt: number): number {
  return Math.min(3_600_000, 10_000 * 2 ** Math.max(0, attempt - 1));
}

/**
 * Backrest's ExecuteHooks (§8.1): repo hooks first, then plan hooks; each hook whose conditions meet the
 * events runs synchronously as its own op in the parent's flow; on_error decides what a failure does.
 */
export async function executeHooks(deps: HookExecutorDeps, args: ExecuteHooksArgs): Promise<void> {
  const scoped: { hook: Hook; name: string }[] = [];
  args.repo?.hooks.forEach((hook, i) =>
    scoped.push({ hook, name: `${hookTypeName(hook)} hook repo/${args.repo!.id}/hook/${i}` }),
  );
  args.plan?.hooks.forEach((hook, i) =>
    scoped.push({ hook, name: `${hookTypeName(hook)} hook plan/${args.plan!.id}/hook/${i}` }),
  );
  for (const { hook, name } of scoped) {
    const cond = matchingCondition(hook, args.events);
    if (cond === undefined) continue;
    const parent = args.parentOp;
    const log = deps.logs?.create({ prefix: 't' });
    let op = create(OperationSchema, {
      repoId: parent?.repoId || args.repo?.id || '_system_',
      repoGuid: parent?.repoGuid || args.repo?.guid || '',
      planId: parent?.planId || args.plan?.id || '_system_',
      instanceId: args.instanceId,
      flowId: parent?.flowId ?? 0n,
      status: OperationStatus.STATUS_INPROGRESS,
      unixTimeStartMs: BigInt(deps.now()),
      displayMessage: `running ${name} triggered by ${conditionEnumName(cond)}`,
      logref: log?.ref ?? '',
      op: {
        case: 'operationRunHook',
        value: create(OperationRunHookSchema, { parentOp: parent?.id ?? 0n, name, condition: cond }),
      },
    });
    [op] = deps.oplog.add(op) as [Operation];
    let failure: Error | null = null;
    try {
      const vars = makeHookVars({ ...args.vars, event: cond, curTime: new Date(deps.now()) });
      await runHookAction(
        hook,
        vars,
        cond,
        { signal: args.signal, log: (s) => log?.write(s) },
        deps.handlerOptions,
      );
    } catch (err) {
      failure = err instanceof Error ? err : new Error(String(err));
      log?.write(`\nhook failed: ${failure.message}\n`);
    } finally {
      await log?.close();
    }
    op.status = failure ? OperationStatus.STATUS_ERROR : OperationStatus.STATUS_SUCCESS;
    op.unixTimeEndMs = BigInt(deps.now());
    if (failure) op.displayMessage = `${failure.message}\n${op.displayMessage}`;
    deps.oplog.update(op);
    if (!failure) continue;
    const why = `hook ${name} failed: ${failure.message}`;
    switch (hook.onError) {
      case Hook_OnError.CANCEL:
        throw new HookControlError('cancel', why);
      case Hook_OnError.FATAL:
        throw new HookControlError('fatal', why);
      case Hook_OnError.RETRY_1MINUTE:
        throw new HookControlError('retry', why, 60_000);
      case Hook_OnError.RETRY_10MINUTES:
        throw new HookControlError('retry', why, 600_000);
      case Hook_OnError.RETRY_EXPONENTIAL_BACKOFF:
        throw new HookControlError('retry', why, backoffMs(args.attempt + 1));
      default:
        break; // IGNORE: the hook op shows the error, the parent goes on
    }
  }
}

export function describeDelay(ms: number): string {
  return formatGoDuration(ms * 1e6);
}

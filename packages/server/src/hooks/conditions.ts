// Hook.Condition and Hook.OnError values (backrest-api.md §4.7); numeric, same as @restora/proto's enums.
export const Condition = {
  UNKNOWN: 0,
  ANY_ERROR: 1,
  SNAPSHOT_START: 2,
  SNAPSHOT_END: 3,
  SNAPSHOT_ERROR: 4,
  SNAPSHOT_WARNING: 5,
  SNAPSHOT_SUCCESS: 6,
  SNAPSHOT_SKIPPED: 7,
  PRUNE_START: 100,
  PRUNE_ERROR: 101,
  PRUNE_SUCCESS: 102,
  CHECK_START: 200,
  CHECK_ERROR: 201,
  CHECK_SUCCESS: 202,
  FORGET_START: 300,
  FORGET_ERROR: 301,
  FORGET_SUCCESS: 302,
} as const;

export const OnError = {
  IGNORE: 0,
  CANCEL: 1,
  FATAL: 2,
  RETRY_1MINUTE: 100,
  RETRY_10MINUTES: 101,
  RETRY_EXPONENTIAL_BACKOFF: 103,
} as const;

const NAMES: Record<number, string> = {
  [Condition.SNAPSHOT_START]: 'snapshot start',
  [Condition.SNAPSHOT_END]: 'snapshot end',
  [Condition.ANY_ERROR]: 'error',
  [Condition.SNAPSHOT_ERROR]: 'snapshot error',
  [Condition.SNAPSHOT_WARNING]: 'snapshot warning',
  [Condition.SNAPSHOT_SUCCESS]: 'snapshot success',
  [Condition.SNAPSHOT_SKIPPED]: 'snapshot skipped',
  [Condition.CHECK_START]: 'check start',
  [Condition.CHECK_ERROR]: 'check error',
  [Condition.CHECK_SUCCESS]: 'check success',
  [Condition.PRUNE_START]: 'prune start',
  [Condition.PRUNE_ERROR]: 'prune error',
  [Condition.PRUNE_SUCCESS]: 'prune success',
  [Condition.FORGET_START]: 'forget start',
  [Condition.FORGET_ERROR]: 'forget error',
  [Condition.FORGET_SUCCESS]: 'forget success',
};

const ENUM_NAMES: Record<number, string> = Object.fromEntries(
  Object.entries(Condition).map(([k, v]) => [v, `CONDITION_${k}`]),
);

export function eventName(cond: number): string {
  return NAMES[cond] ?? 'unknown';
}

/** Proto enum name, e.g. CONDITION_SNAPSHOT_START (used in op display messages). */
export function conditionEnumName(cond: number): string {
  return ENUM_NAMES[cond] ?? `CONDITION_${cond}`;
}

export function isErrorCondition(c: number): boolean {
  return (
    c === Condition.ANY_ERROR ||
    c === Condition.SNAPSHOT_ERROR ||
    c === Condition.PRUNE_ERROR ||
    c === Condition.CHECK_ERROR ||
    c === Condition.FORGET_ERROR
  );
}

export function isStartCondition(c: number): boolean {
  return (
    c === Condition.SNAPSHOT_START ||
    c === Condition.PRUNE_START ||
    c === Condition.CHECK_START ||
    c === Condition.FORGET_START
  );
}

/** Structural subset of @restora/proto's Hook. */
export interface HookLike {
  conditions: readonly number[];
  onError: number;
  action: { case: string | undefined; value?: unknown };
}

/** The first of the hook's conditions present in the events, or undefined when the hook does not fire. */
export function matchingCondition(hook: HookLike, events: readonly number[]): number | undefined {
  return hook.conditions.find((c) => events.includes(c));
}

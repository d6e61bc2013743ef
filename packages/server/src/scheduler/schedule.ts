import type { Cron } from 'croner';
import { parseCron } from '../config/cron.js';

// Structural subset of @restora/proto's Schedule (protobuf-es v2 oneof shape), so resolution stays pure.
export type ScheduleOneof =
  | { case: 'disabled'; value: boolean }
  | { case: 'cron'; value: string }
  | { case: 'maxFrequencyDays'; value: number }
  | { case: 'maxFrequencyHours'; value: number }
  | { case: undefined; value?: undefined };

export interface ScheduleSpec {
  schedule: ScheduleOneof;
  clock: number;
}

// Values of Schedule.Clock (backrest-api.md §4.7).
export const ScheduleClock = { DEFAULT: 0, LOCAL: 1, UTC: 2, LAST_RUN_TIME: 3 } as const;

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

export interface ResolveInput {
  now: number;
  // End of the task's last run (ms); undefined = never ran (callers decide, see §7.2); 0 = "zero time".
  lastRun?: number | undefined;
  // Instance time zone for cron (IANA name); default: the server's local zone.
  timeZone?: string | undefined;
}

export function isScheduleEnabled(spec: ScheduleSpec | undefined): spec is ScheduleSpec {
  const s = spec?.schedule;
  if (!s || s.case === undefined || s.case === 'disabled') return false;
  if (s.case === 'cron') return s.value.trim() !== '';
  return s.value > 0;
}

// Next run time in ms, or null when the schedule never fires. Backrest's rules (§7.1) plus one Restora
// rule: with a wall clock (LOCAL/UTC) the base is never before the last run, so a backward clock jump or a
// replan cannot run the same slot twice.
export function nextRunTime(spec: ScheduleSpec | undefined, input: ResolveInput): number | null {
  if (!isScheduleEnabled(spec)) return null;
  const { now, lastRun } = input;
  let base: number;
  if (spec.clock === ScheduleClock.LAST_RUN_TIME) base = lastRun ?? now;
  else base = lastRun !== undefined && lastRun > now ? lastRun : now;
  const s = spec.schedule;
  switch (s.case) {
    case 'maxFrequencyDays':
      return base + s.value * DAY;
    case 'maxFrequencyHours':
      return base + s.value * HOUR;
    case 'cron': {
      const tz = spec.clock === ScheduleClock.UTC ? 'UTC' : input.timeZone;
      const next = cronFor(s.value, tz).nextRun(new Date(base));
      return next ? next.getTime() : null;
    }
    default:
      return null;
  }
}

// The next `count` run times assuming each run ends when it starts (for display in the UI/API).
export function upcomingRuns(spec: ScheduleSpec | undefined, input: ResolveInput, count: number): number[] {
  const out: number[] = [];
  let last = input.lastRun;
  let now = input.now;
  for (let i = 0; i < count; i++) {
    const t = nextRunTime(spec, { ...input, now, lastRun: last });
    if (t === null) break;
    out.push(t);
    last = t;
    now = Math.max(now, t);
  }
  return out;
}

// Nominal period: interval length, or for cron the largest of 8 consecutive fire gaps (§3.3 dashboard).
export function nominalPeriodMs(
  spec: ScheduleSpec | undefined,
  now: number,
  timeZone?: string,
): number | null {
  if (!isScheduleEnabled(spec)) return null;
  const s = spec.schedule;
  if (s.case === 'maxFrequencyDays') return s.value * DAY;
  if (s.case === 'maxFrequencyHours') return s.value * HOUR;
  const runs = upcomingRuns(
    { ...spec, clock: spec.clock === ScheduleClock.UTC ? spec.clock : 1 },
    { now, timeZone },
    9,
  );
  let max = 0;
  for (let i = 1; i < runs.length; i++) max = Math.max(max, runs[i]! - runs[i - 1]!);
  return max > 0 ? max : null;
}

const cronCache = new Map<string, Cron>();

function cronFor(expr: string, timeZone: string | undefined): Cron {
  const key = `${timeZone ?? ''}\u0000${expr}`;
  let c = cronCache.get(key);
  if (!c) {
    // A per-schedule CRON_TZ= prefix wins over the clock's zone.
    c = parseCron(expr, timeZone);
    if (cronCache.size > 500) cronCache.clear();
    cronCache.set(key, c);
  }
  return c;
}

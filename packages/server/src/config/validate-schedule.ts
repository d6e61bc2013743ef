// Schedule and retention rules (Backrest validate.go + stricter checks where Backrest would misbehave).
import { isValidTimeZone, parseCron } from './cron.js';
import { Schedule_Clock, type RetentionPolicy, type Schedule } from '@restora/proto';
import type { Issues } from './validate-issues.js';

const CLOCKS = new Set<number>(
  Object.values(Schedule_Clock).filter((v): v is number => typeof v === 'number'),
);

export function cronProblem(expr: string): string | undefined {
  // An optional `CRON_TZ=<zone>` / `TZ=<zone>` prefix (robfig/cron syntax, as Backrest) sets the schedule's zone.
  const zoned = /^\s*(?:CRON_TZ|TZ)=(\S+)\s+(.*)$/.exec(expr);
  const zone = zoned?.[1];
  const pattern = zoned ? zoned[2]! : expr;
  if (zone !== undefined && !isValidTimeZone(zone))
    return `cron ${JSON.stringify(expr)}: unknown time zone ${JSON.stringify(zone)}`;
  const fields = pattern.trim().split(/\s+/);
  if (pattern.trim() === '') return 'cron expression is empty';
  if (fields.length !== 5)
    return `cron ${JSON.stringify(expr)} must have 5 fields (minute hour day month weekday)`;
  // Backrest's cron library rejects weekday 7; keep configs readable by Backrest.
  if (/(^|[,-/])7($|[,-/])/.test(fields[4]!)) return `cron ${JSON.stringify(expr)}: use 0, not 7, for Sunday`;
  try {
    const next = parseCron(expr).nextRun(new Date(Date.UTC(2000, 0, 1)));
    if (!next) return `cron ${JSON.stringify(expr)} never fires`;
  } catch (e) {
    return `invalid cron ${JSON.stringify(expr)}: ${(e as Error).message}`;
  }
  return undefined;
}

export function checkSchedule(s: Schedule | undefined, path: string, issues: Issues): void {
  if (!s) return;
  const v = s.schedule;
  switch (v.case) {
    case 'disabled':
      if (!v.value)
        issues.add(`${path}.disabled`, 'must be true when set (omit the schedule to run manually)');
      break;
    case 'cron': {
      const p = cronProblem(v.value);
      if (p) issues.add(`${path}.cron`, p);
      break;
    }
    case 'maxFrequencyDays':
    case 'maxFrequencyHours':
      if (!Number.isInteger(v.value) || v.value < 1) issues.add(`${path}.${v.case}`, 'must be at least 1');
      break;
    case undefined:
      break;
  }
  if (!CLOCKS.has(s.clock)) issues.add(`${path}.clock`, `unknown clock ${s.clock}`);
}

export function scheduleEnabled(s: Schedule | undefined): boolean {
  return !!s && s.schedule.case !== undefined && s.schedule.case !== 'disabled';
}

export function checkRetention(r: RetentionPolicy | undefined, path: string, issues: Issues): void {
  if (!r) return;
  const p = r.policy;
  switch (p.case) {
    case undefined:
      issues.add(path, 'a retention policy must specify a policy (keep last N, time buckets or keep all)');
      break;
    case 'policyKeepLastN':
      if (p.value < 1) issues.add(`${path}.policyKeepLastN`, 'must be at least 1');
      break;
    case 'policyTimeBucketed': {
      const b = p.value;
      const counts = {
        hourly: b.hourly,
        daily: b.daily,
        weekly: b.weekly,
        monthly: b.monthly,
        yearly: b.yearly,
        keepLastN: b.keepLastN,
      };
      if (Object.values(counts).every((n) => n === 0)) {
        issues.add(`${path}.policyTimeBucketed`, 'time bucketed policy must specify a non-empty bucket');
      }
      for (const [k, n] of Object.entries(counts)) {
        if (n < -1) issues.add(`${path}.policyTimeBucketed.${k}`, 'must be -1 (unlimited) or more');
      }
      break;
    }
    case 'policyKeepAll':
      if (!p.value) issues.add(`${path}.policyKeepAll`, 'must be true when set');
      break;
  }
}

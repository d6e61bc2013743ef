import { describe, expect, it } from 'vitest';
import { parseCron } from '../config/cron.js';
import { nextRunTime, nominalPeriodMs, ScheduleClock, upcomingRuns } from './schedule.js';
import type { ScheduleSpec } from './schedule.js';

const H = 3_600_000;
const iso = (t: number | null) => (t === null ? null : new Date(t).toISOString());
const cron = (value: string, clock: number = ScheduleClock.LOCAL): ScheduleSpec => ({
  schedule: { case: 'cron', value },
  clock,
});
const hours = (value: number, clock: number = ScheduleClock.LOCAL): ScheduleSpec => ({
  schedule: { case: 'maxFrequencyHours', value },
  clock,
});
const days = (value: number, clock: number = ScheduleClock.LOCAL): ScheduleSpec => ({
  schedule: { case: 'maxFrequencyDays', value },
  clock,
});

describe('nextRunTime', () => {
  const now = Date.parse('2026-06-10T10:15:00Z');

  it('never fires when disabled, unset or zero', () => {
    expect(nextRunTime(undefined, { now })).toBeNull();
    expect(nextRunTime({ schedule: { case: 'disabled', value: true }, clock: 0 }, { now })).toBeNull();
    expect(nextRunTime({ schedule: { case: undefined }, clock: 0 }, { now })).toBeNull();
    expect(nextRunTime(hours(0), { now })).toBeNull();
    expect(nextRunTime(cron('  '), { now })).toBeNull();
  });

  it('intervals count from now with a wall clock and from the last run with LAST_RUN_TIME', () => {
    const lastRun = now - 5 * H;
    expect(nextRunTime(hours(2), { now, lastRun })).toBe(now + 2 * H);
    expect(nextRunTime(days(1), { now, lastRun })).toBe(now + 24 * H);
    expect(nextRunTime(hours(2, ScheduleClock.LAST_RUN_TIME), { now, lastRun })).toBe(lastRun + 2 * H);
    expect(nextRunTime(hours(8, ScheduleClock.LAST_RUN_TIME), { now, lastRun })).toBe(lastRun + 8 * H);
    // never ran: base is now; zero time: due immediately (prune/check rule)
    expect(nextRunTime(hours(8, ScheduleClock.LAST_RUN_TIME), { now })).toBe(now + 8 * H);
    expect(nextRunTime(days(1, ScheduleClock.LAST_RUN_TIME), { now, lastRun: 0 })).toBeLessThan(now);
  });

  it('evaluates cron in the configured zone; CLOCK_UTC forces UTC', () => {
    const spec = cron('0 3 * * *');
    expect(iso(nextRunTime(spec, { now, timeZone: 'Europe/Berlin' }))).toBe('2026-06-11T01:00:00.000Z');
    expect(iso(nextRunTime(spec, { now, timeZone: 'America/New_York' }))).toBe('2026-06-11T07:00:00.000Z');
    expect(iso(nextRunTime(cron('0 3 * * *', ScheduleClock.UTC), { now, timeZone: 'Asia/Tokyo' }))).toBe(
      '2026-06-11T03:00:00.000Z',
    );
  });

  it('accepts a per-schedule CRON_TZ= prefix and rejects unknown zones', () => {
    expect(iso(nextRunTime(cron('CRON_TZ=Asia/Tokyo 0 3 * * *'), { now, timeZone: 'UTC' }))).toBe(
      '2026-06-10T18:00:00.000Z',
    );
    expect(() => parseCron('TZ=Mars/Olympus 0 3 * * *')).toThrow(/unknown time zone "Mars\/Olympus"/);
    expect(() => parseCron('61 * * * *')).toThrow(/invalid cron expression "61 \* \* \* \*"/);
  });

  it('LAST_RUN_TIME cron catches up a missed run immediately after downtime', () => {
    const spec = cron('0 0 1 * *', ScheduleClock.LAST_RUN_TIME);
    const lastRun = Date.parse('2026-04-01T00:05:00Z');
    // May 1st was missed while the server was down: due in the past => runs at once.
    expect(iso(nextRunTime(spec, { now, lastRun, timeZone: 'UTC' }))).toBe('2026-05-01T00:00:00.000Z');
    // LOCAL clock skips missed runs instead (Backrest semantics).
    expect(iso(nextRunTime(cron('0 0 1 * *'), { now, lastRun, timeZone: 'UTC' }))).toBe(
      '2026-07-01T00:00:00.000Z',
    );
  });

  it('a backward clock jump never re-runs a slot that already ran', () => {
    const spec = cron('0 * * * *');
    const ranAt = Date.parse('2026-06-10T10:00:30Z');
    // the clock is corrected back by 10 minutes after the 10:00 run
    const jumped = Date.parse('2026-06-10T09:51:00Z');
    expect(iso(nextRunTime(spec, { now: jumped, lastRun: ranAt, timeZone: 'UTC' }))).toBe(
      '2026-06-10T11:00:00.000Z',
    );
    expect(nextRunTime(hours(1), { now: jumped, lastRun: ranAt })).toBe(ranAt + H);
  });
});

describe('DST', () => {
  const tz = 'Europe/Berlin';

  it('spring forward: a nonexistent local time runs once, an hour later', () => {
    const runs = upcomingRuns(
      cron('30 2 * * *'),
      { now: Date.parse('2026-03-28T12:00:00Z'), timeZone: tz },
      3,
    );
    expect(runs.map(iso)).toEqual([
      '2026-03-29T01:30:00.000Z', // 03:30 CEST, 02:30 does not exist
      '2026-03-30T00:30:00.000Z',
      '2026-03-31T00:30:00.000Z',
    ]);
  });

  it('fall back: a repeated local time runs once', () => {
    const runs = upcomingRuns(
      cron('30 2 * * *'),
      { now: Date.parse('2026-10-24T12:00:00Z'), timeZone: tz },
      3,
    );
    expect(runs).toHaveLength(3);
    const day = (t: number) => new Date(t).toISOString().slice(0, 10);
    expect(new Set(runs.map(day)).size).toBe(3);
    expect(runs[1]! - runs[0]!).toBeGreaterThanOrEqual(24 * H);
  });

  it('fall back: a half-hourly cron never fires twice within the repeated hour', () => {
    const runs = upcomingRuns(
      cron('*/30 * * * *'),
      { now: Date.parse('2026-10-24T23:50:00Z'), timeZone: tz },
      8,
    );
    for (let i = 1; i < runs.length; i++) expect(runs[i]! - runs[i - 1]!).toBeGreaterThanOrEqual(30 * 60_000);
    expect(new Set(runs).size).toBe(runs.length);
  });

  it('intervals are absolute durations across a DST change', () => {
    const now = Date.parse('2026-03-28T12:00:00Z');
    expect(nextRunTime(days(1), { now, timeZone: tz })).toBe(now + 24 * H);
  });
});

describe('nominalPeriodMs', () => {
  it('uses the interval or the largest cron gap', () => {
    const now = Date.parse('2026-06-10T10:15:00Z');
    expect(nominalPeriodMs(hours(6), now)).toBe(6 * H);
    expect(nominalPeriodMs(cron('0 9,17 * * *'), now, 'UTC')).toBe(16 * H);
    expect(nominalPeriodMs(undefined, now)).toBeNull();
  });
});

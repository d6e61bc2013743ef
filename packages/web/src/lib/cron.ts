import { Cron } from 'croner';

const DOW = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];
const MONTHS = [
  '',
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
];

function pad(n: string): string {
  return n.padStart(2, '0');
}

function list(field: string, names?: string[]): string {
  return field
    .split(',')
    .map((p) => {
      const step = p.match(/^\*\/(\d+)$/);
      if (step) return `every ${step[1]}`;
      const [a, b] = p.split('-');
      const n = (x: string) => (names ? (names[Number(x)] ?? x) : x);
      return b !== undefined ? `${n(a!)} through ${n(b)}` : n(a!);
    })
    .join(', ');
}

/** Plain-English description of a 5-field cron expression (Backrest's dialect). */
export function describeCron(expr: string): string {
  const f = expr.trim().split(/\s+/);
  if (f.length !== 5) return 'Expected 5 fields: minute hour day-of-month month day-of-week';
  const [min, hour, dom, mon, dow] = f as [string, string, string, string, string];
  let time: string;
  const simpleMin = /^\d+$/.test(min);
  const simpleHour = /^\d+$/.test(hour);
  if (simpleMin && simpleHour) time = `at ${pad(hour)}:${pad(min)}`;
  else if (simpleMin && hour === '*') time = `every hour at minute ${min}`;
  else if (simpleMin) time = `at minute ${min} past hour ${list(hour)}`;
  else if (min === '*' && hour === '*') time = 'every minute';
  else if (/^\*\/\d+$/.test(min) && hour === '*') time = `every ${min.slice(2)} minutes`;
  else time = `at minute ${list(min)} of hour ${hour === '*' ? 'every hour' : list(hour)}`;
  const parts = [time];
  if (dom !== '*') parts.push(`on day ${list(dom)} of the month`);
  if (mon !== '*') parts.push(`in ${list(mon, MONTHS)}`);
  if (dow !== '*') parts.push(`${dom !== '*' ? 'or ' : ''}on ${list(dow, DOW)}`);
  else if (dom === '*' && mon === '*' && simpleHour) parts.push('every day');
  const s = parts.join(' ');
  return s.charAt(0).toUpperCase() + s.slice(1);
}

/** Next run times, or an error message for an invalid expression. */
export function nextRuns(expr: string, count: number, utc: boolean, from?: Date): Date[] | string {
  try {
    if (expr.trim().split(/\s+/).length !== 5) return 'Expected 5 fields';
    const c = new Cron(expr, { paused: true, ...(utc ? { timezone: 'UTC' } : {}) });
    return c.nextRuns(count, from);
  } catch (err) {
    return err instanceof Error ? err.message : String(err);
  }
}

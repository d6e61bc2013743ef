// Cron parsing lives with config: validation checks expressions, the scheduler runs the same parse.
import { Cron } from 'croner';

// Parses a cron expression, accepting an optional `CRON_TZ=<zone>` or `TZ=<zone>` prefix (robfig/cron
// syntax) as a per-schedule time zone. Throws with a clear message when invalid.
export function parseCron(expr: string, timeZone?: string): Cron {
  const m = /^\s*(?:CRON_TZ|TZ)=(\S+)\s+(.*)$/.exec(expr);
  const pattern = (m ? m[2]! : expr).trim();
  const tz = m ? m[1]! : timeZone;
  if (tz !== undefined && !isValidTimeZone(tz)) throw new Error(`unknown time zone "${tz}"`);
  try {
    return new Cron(pattern, { paused: true, legacyMode: true, ...(tz ? { timezone: tz } : {}) });
  } catch (err) {
    throw new Error(`invalid cron expression "${expr}": ${(err as Error).message}`);
  }
}

export function isValidTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

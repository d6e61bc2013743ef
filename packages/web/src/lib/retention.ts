import type { RetentionPolicy } from '@restora/proto';

type Bucketer = (d: Date) => string;

const BUCKETS: [keyof Counts, Bucketer][] = [
  ['hourly', (d) => `${d.getFullYear()}-${d.getMonth()}-${d.getDate()}-${d.getHours()}`],
  ['daily', (d) => `${d.getFullYear()}-${d.getMonth()}-${d.getDate()}`],
  ['weekly', (d) => isoWeek(d)],
  ['monthly', (d) => `${d.getFullYear()}-${d.getMonth()}`],
  ['yearly', (d) => `${d.getFullYear()}`],
];

type Counts = { hourly: number; daily: number; weekly: number; monthly: number; yearly: number };

function isoWeek(d: Date): string {
  const t = new Date(Date.UTC(d.getFullYear(), d.getMonth(), d.getDate()));
  const day = t.getUTCDay() || 7;
  t.setUTCDate(t.getUTCDate() + 4 - day);
  const y = t.getUTCFullYear();
  const week = Math.ceil(((t.getTime() - Date.UTC(y, 0, 1)) / 86_400_000 + 1) / 7);
  return `${y}-W${week}`;
}

/** Which snapshot times a policy keeps, following restic forget's bucket algorithm (newest first). */
export function keptByPolicy(timesMs: readonly number[], policy: RetentionPolicy | undefined): Set<number> {
  const sorted = [...timesMs].sort((a, b) => b - a);
  const keep = new Set<number>();
  const p = policy?.policy;
  if (!p || p.case === undefined || p.case === 'policyKeepAll') return new Set(sorted);
  if (p.case === 'policyKeepLastN') {
    sorted.slice(0, p.value).forEach((t) => keep.add(t));
    return keep;
  }
  const c = p.value;
  sorted.slice(0, c.keepLastN).forEach((t) => keep.add(t));
  for (const [name, bucket] of BUCKETS) {
    let left = c[name];
    let last: string | null = null;
    for (const t of sorted) {
      if (left <= 0) break;
      const b = bucket(new Date(t));
      if (b !== last) {
        keep.add(t);
        last = b;
        left--;
      }
    }
  }
  return keep;
}

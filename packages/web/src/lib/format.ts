const UNITS = ['B', 'KB', 'MB', 'GB', 'TB', 'PB'];

export function formatBytes(n: bigint | number | undefined): string {
  let v = Number(n ?? 0);
  let i = 0;
  while (Math.abs(v) >= 1000 && i < UNITS.length - 1) {
    v /= 1000;
    i++;
  }
  return `${i === 0 ? v : v.toFixed(v < 10 ? 2 : 1)} ${UNITS[i]}`;
}

export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return '–';
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m ${s % 60}s`;
  const h = Math.floor(m / 60);
  if (h < 48) return `${h}h ${m % 60}m`;
  return `${Math.floor(h / 24)}d ${h % 24}h`;
}

const dateTime = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });
const timeOnly = new Intl.DateTimeFormat(undefined, { timeStyle: 'medium' });
const dayFmt = new Intl.DateTimeFormat(undefined, {
  weekday: 'short',
  year: 'numeric',
  month: 'short',
  day: 'numeric',
});

export function formatTime(ms: bigint | number): string {
  const n = Number(ms);
  return n > 0 ? dateTime.format(n) : '–';
}

export function formatClock(ms: bigint | number): string {
  return timeOnly.format(Number(ms));
}

export function formatDay(ms: number): string {
  return dayFmt.format(ms);
}

/** "in 3h" / "5m ago" relative to now. */
export function formatRelative(ms: bigint | number, now = Date.now()): string {
  const d = Number(ms) - now;
  if (Number(ms) <= 0) return 'never';
  const s = formatDuration(Math.abs(d));
  return d >= 0 ? `in ${s}` : `${s} ago`;
}

export function errorMessage(err: unknown): string {
  if (err && typeof err === 'object' && 'rawMessage' in err && typeof err.rawMessage === 'string') {
    return err.rawMessage;
  }
  return err instanceof Error ? err.message : String(err);
}

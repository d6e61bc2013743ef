// Human renderings shared by the client verbs: sizes, durations, times, operation kinds and statuses.
import { OperationStatus, isUnfinished, opKindWords, type Operation } from '@restora/proto';

export function bytes(n: bigint | number): string {
  let v = Number(n);
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'];
  let i = 0;
  while (Math.abs(v) >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return i === 0 ? `${v} B` : `${v.toFixed(v < 10 ? 2 : 1)} ${units[i]}`;
}

export function duration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return '-';
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(m / 60)}h${String(m % 60).padStart(2, '0')}m`;
}

/** Local time, minute precision: "2026-12-07 18:02". */
export function when(ms: bigint | number): string {
  const n = Number(ms);
  if (!n) return '-';
  const d = new Date(n);
  const p = (x: number) => String(x).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}`;
}

/** 'operationRunHook' → 'run-hook'. */
export const kindOf = (op: Operation): string => opKindWords(op, 'unknown').join('-');

const STATUSES: Record<OperationStatus, string> = {
  [OperationStatus.STATUS_UNKNOWN]: 'unknown',
  [OperationStatus.STATUS_PENDING]: 'pending',
  [OperationStatus.STATUS_INPROGRESS]: 'running',
  [OperationStatus.STATUS_SUCCESS]: 'success',
  [OperationStatus.STATUS_ERROR]: 'failed',
  [OperationStatus.STATUS_SYSTEM_CANCELLED]: 'cancelled (system)',
  [OperationStatus.STATUS_USER_CANCELLED]: 'cancelled',
  [OperationStatus.STATUS_WARNING]: 'warning',
};

export const statusOf = (op: Operation): string => STATUSES[op.status] ?? 'unknown';

export const isFinished = (s: OperationStatus): boolean =>
  s !== OperationStatus.STATUS_UNKNOWN && !isUnfinished(s);

/** Left-aligned columns; the last column is not padded. */
export function table(rows: string[][]): string {
  const widths: number[] = [];
  for (const r of rows) r.forEach((c, i) => (widths[i] = Math.max(widths[i] ?? 0, c.length)));
  return rows
    .map((r) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i] ?? 0))).join('  '))
    .join('\n');
}

/** One line about an op: "#42 backup plan=docs repo=nas success 12s snapshot=1a2b3c4d". */
export function opLine(op: Operation): string {
  const parts = [`#${op.id}`, kindOf(op), `plan=${op.planId}`, `repo=${op.repoId}`, statusOf(op)];
  if (op.unixTimeEndMs > 0n && isFinished(op.status))
    parts.push(duration(Number(op.unixTimeEndMs - op.unixTimeStartMs)));
  if (op.snapshotId) parts.push(`snapshot=${op.snapshotId.slice(0, 8)}`);
  const why = op.status !== OperationStatus.STATUS_SUCCESS ? op.displayMessage.split('\n')[0] : '';
  return `${parts.join(' ')}${why ? `: ${why}` : ''}`;
}

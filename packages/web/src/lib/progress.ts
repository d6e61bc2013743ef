import type { Operation } from '@restora/proto';

export type ProgressView = {
  percent: number;
  filesDone: bigint;
  totalFiles: bigint;
  bytesDone: bigint;
  totalBytes: bigint;
  elapsedMs: number;
  /** Bytes per second since the start; NaN before any byte. */
  speed: number;
  /** Remaining time, NaN when unknown or when the transfer is done. */
  etaMs: number;
  /** All data read/uploaded but the op still runs: restic is writing indexes and the snapshot. */
  finishing: boolean;
};

function counters(op: Operation) {
  if (op.op.case === 'operationBackup') {
    const e = op.op.value.lastStatus?.entry;
    if (e?.case !== 'status') return null;
    const s = e.value;
    return {
      percent: s.percentDone,
      files: s.filesDone,
      totalFiles: s.totalFiles,
      bytes: s.bytesDone,
      total: s.totalBytes,
    };
  }
  if (op.op.case === 'operationRestore') {
    const s = op.op.value.lastStatus;
    if (!s) return null;
    return {
      percent: s.percentDone,
      files: s.filesRestored,
      totalFiles: s.totalFiles,
      bytes: s.bytesRestored,
      total: s.totalBytes,
    };
  }
  return null;
}

/** What a running backup or restore shows: counters, speed, elapsed, ETA, and an honest "finishing" state. */
export function progressView(op: Operation, now = Date.now()): ProgressView | null {
  const c = counters(op);
  if (!c) return null;
  const percent = Math.max(0, Math.min(1, c.percent));
  const elapsedMs = Math.max(0, now - Number(op.unixTimeStartMs));
  const bytes = Number(c.bytes);
  const speed = bytes > 0 && elapsedMs > 0 ? bytes / (elapsedMs / 1000) : NaN;
  const finishing = percent >= 0.9995 || (c.total > 0n && c.bytes >= c.total);
  const etaMs = !finishing && percent > 0.01 ? (elapsedMs * (1 - percent)) / percent : NaN;
  return {
    percent,
    filesDone: c.files,
    totalFiles: c.totalFiles,
    bytesDone: c.bytes,
    totalBytes: c.total,
    elapsedMs,
    speed,
    etaMs,
    finishing,
  };
}

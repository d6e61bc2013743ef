// Live progress of a backup or restore: a bar on a terminal, a plain line per update otherwise.
import type { Operation } from '@restora/proto';
import { bytes, duration } from './format.js';

export interface Progress {
  percent: number;
  bytesDone: number;
  totalBytes: number;
  filesDone: number;
  totalFiles: number;
}

/** The op's latest progress figures, if it reported any. */
function progressOf(op: Operation): Progress | undefined {
  const o = op.op;
  // restic's first status lines come before its scan has sized anything: nothing to show yet
  if (o.case === 'operationBackup' && o.value.lastStatus?.entry.case === 'status') {
    const s = o.value.lastStatus.entry.value;
    if (s.totalBytes === 0n) return undefined;
    return {
      percent: s.percentDone,
      bytesDone: Number(s.bytesDone),
      totalBytes: Number(s.totalBytes),
      filesDone: Number(s.filesDone),
      totalFiles: Number(s.totalFiles),
    };
  }
  if (o.case === 'operationRestore' && o.value.lastStatus?.totalBytes) {
    const s = o.value.lastStatus;
    return {
      percent: s.percentDone,
      bytesDone: Number(s.bytesRestored),
      totalBytes: Number(s.totalBytes),
      filesDone: Number(s.filesRestored),
      totalFiles: Number(s.totalFiles),
    };
  }
  return undefined;
}

/** Speed from the op's start, and time left at that speed. */
function rates(p: Progress, elapsedMs: number): { speed: number; etaMs: number | undefined } {
  const speed = elapsedMs > 0 ? (p.bytesDone * 1000) / elapsedMs : 0;
  const left = p.totalBytes - p.bytesDone;
  return { speed, etaMs: speed > 0 && left >= 0 ? (left / speed) * 1000 : undefined };
}

/** "45% 12.0 MiB/26.0 MiB, 3/10 files, 2.10 MiB/s, ETA 6s" */
export function progressText(p: Progress, elapsedMs: number): string {
  const { speed, etaMs } = rates(p, elapsedMs);
  const pct = Math.floor(Math.min(1, Math.max(0, p.percent)) * 100);
  const eta = etaMs === undefined ? '-' : duration(etaMs);
  return `${pct}% ${bytes(p.bytesDone)}/${bytes(p.totalBytes)}, ${p.filesDone}/${p.totalFiles} files, ${bytes(speed)}/s, ETA ${eta}`;
}

export interface ProgressView {
  update(op: Operation): void;
  stop(): void;
}

const elapsed = (op: Operation) => Date.now() - Number(op.unixTimeStartMs);

/** Plain lines (one per change) for logs and pipes. */
function lineProgress(label: string, out: NodeJS.WritableStream = process.stderr): ProgressView {
  let last = '';
  return {
    update(op) {
      const p = progressOf(op);
      if (!p) return;
      // a new line only when the figures move, not when only the average speed does
      const key = `${p.percent} ${p.bytesDone} ${p.filesDone} ${p.totalBytes}`;
      if (key === last) return;
      last = key;
      out.write(`${label}: ${progressText(p, elapsed(op))}\n`);
    },
    stop() {},
  };
}

/** A cli-progress bar on the terminal (stderr), redrawn on every update. */
async function barProgress(label: string): Promise<ProgressView> {
  const { default: cliProgress } = await import('cli-progress');
  const bar = new cliProgress.SingleBar(
    {
      format: `${label} [{bar}] {percentage}% | {done}/{size} | {files} files | {speed}/s | ETA {eta_text}`,
      stream: process.stderr,
      hideCursor: true,
      barsize: 24,
      etaBuffer: 1,
      fps: 5,
    },
    cliProgress.Presets.shades_classic,
  );
  let started = false;
  return {
    update(op) {
      const p = progressOf(op);
      if (!p) return;
      const { speed, etaMs } = rates(p, elapsed(op));
      const payload = {
        done: bytes(p.bytesDone),
        size: bytes(p.totalBytes),
        files: `${p.filesDone}/${p.totalFiles}`,
        speed: bytes(speed),
        eta_text: etaMs === undefined ? '-' : duration(etaMs),
      };
      const value = Math.round(Math.min(1, Math.max(0, p.percent)) * 1000);
      if (!started) bar.start(1000, value, payload);
      else bar.update(value, payload);
      started = true;
    },
    stop() {
      if (started) bar.stop();
      started = false;
    },
  };
}

/** A bar when stderr is a terminal and output is for people; plain lines otherwise; nothing for --json. */
export async function progressView(label: string, json: boolean): Promise<ProgressView> {
  if (json) return { update() {}, stop() {} };
  return process.stderr.isTTY ? barProgress(label) : lineProgress(label);
}

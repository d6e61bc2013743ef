import type {
  BackupErrorMessage,
  BackupMessage,
  BackupStatusMessage,
  BackupSummaryMessage,
  BackupVerboseStatusMessage,
} from '../types.js';
import { camelize, isObject, parseJsonLine, saneNumber } from './json.js';

const ERRNO: Record<number, string> = {
  1: 'operation not permitted',
  2: 'no such file or directory',
  5: 'input/output error',
  13: 'permission denied',
  20: 'not a directory',
  21: 'is a directory',
  40: 'too many levels of symbolic links',
};

/** Text of a restic error value: `{message}` (0.17.1+), Go struct `{Op,Path,Err}` (0.14-0.17.0) or `{}`. */
export function errorText(e: unknown): string {
  if (typeof e === 'string') return e;
  if (!isObject(e)) return 'unknown error';
  if (typeof e.message === 'string') return e.message;
  const op = typeof e.Op === 'string' ? e.Op : undefined;
  const path = typeof e.Path === 'string' ? e.Path : undefined;
  const err = e.Err;
  const reason =
    typeof err === 'number'
      ? (ERRNO[err] ?? `errno ${err}`)
      : isObject(err) || typeof err === 'string'
        ? errorText(err)
        : undefined;
  const parts = [op, path].filter(Boolean).join(' ');
  if (parts || reason) return [parts, reason].filter(Boolean).join(': ');
  return 'unknown error';
}

/** Normalises one backup JSON line from any restic version; undefined for lines that are not messages. */
export function parseBackupLine(line: string): BackupMessage | undefined {
  const raw = parseJsonLine(line);
  if (!isObject(raw) || typeof raw.message_type !== 'string') return undefined;
  switch (raw.message_type) {
    case 'status': {
      // 0.14/0.15 report scan_finished with message_type "status".
      if (raw.action === 'scan_finished') {
        return { ...camelize<BackupVerboseStatusMessage>(raw), messageType: 'verbose_status' };
      }
      const m = camelize<BackupStatusMessage>(raw);
      const eta = saneNumber(raw.seconds_remaining);
      if (eta === undefined) delete m.secondsRemaining;
      else m.secondsRemaining = eta;
      m.percentDone = typeof m.percentDone === 'number' ? m.percentDone : 0;
      return m;
    }
    case 'verbose_status':
      return camelize<BackupVerboseStatusMessage>(raw);
    case 'error':
      return {
        messageType: 'error',
        message: errorText(raw.error),
        ...(typeof raw.during === 'string' ? { during: raw.during } : {}),
        ...(typeof raw.item === 'string' ? { item: raw.item } : {}),
      } satisfies BackupErrorMessage;
    case 'summary': {
      const s = camelize<BackupSummaryMessage>(raw);
      for (const k of NUMERIC) s[k] ??= 0;
      return s;
    }
    default:
      return undefined;
  }
}

const NUMERIC = [
  'filesNew',
  'filesChanged',
  'filesUnmodified',
  'dirsNew',
  'dirsChanged',
  'dirsUnmodified',
  'dataBlobs',
  'treeBlobs',
  'dataAdded',
  'totalFilesProcessed',
  'totalBytesProcessed',
  'totalDuration',
] as const;

/** restic stderr lines that are informational, not warnings. */
export function isNoise(line: string): boolean {
  return (
    line.trim() === '' ||
    /^(reading repository password|using parent snapshot|repository [0-9a-f]+ opened|created new cache|no parent snapshot found|open repository|lock repository|load index|start scan|start backup|Files:|Dirs:|Added to the|processed \d+|snapshot [0-9a-f]+ saved|signal interrupt received)/i.test(
      line,
    )
  );
}

/** 0.14 reports missing sources as a stderr text warning with exit 0 (exit 3 since 0.19). */
export function isMissingSourceWarning(line: string): boolean {
  return /does not exist, skipping$/.test(line);
}

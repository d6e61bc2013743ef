// The task's own lines in a backup's or restore's log (Backrest's "View logs"): what ran, then restic's summary in
// the words of restic's own text output, so a finished log is never empty.
import { formatSizeBytes } from '../hooks/vars.js';
import type { PortBackupSummary, RestoreArgs } from './restic-port.js';

type RestoreProgress = Parameters<RestoreArgs['onProgress']>[0];

/** `75.4` seconds → `1:15` (restic's elapsed-time form; hours when needed). */
export function formatElapsed(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  const two = (n: number) => String(n).padStart(2, '0');
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  return h ? `${h}:${two(m)}:${two(s % 60)}` : `${m}:${two(s % 60)}`;
}

export function backupStartLine(o: {
  planId: string;
  repoId: string;
  paths: string[];
  dryRun: boolean;
}): string {
  const what = o.dryRun ? 'dry-run backup' : 'backup';
  return `starting ${what} of plan "${o.planId}" to repo "${o.repoId}": ${o.paths.join(', ')}\n`;
}

/** restic's closing lines of `restic backup` (its text output; the JSON summary went into the op). */
export function backupSummaryLines(s: PortBackupSummary, snapshotId: string, dryRun: boolean): string {
  const counts = (a: number, b: number, c: number) =>
    `${String(a).padStart(5)} new, ${String(b).padStart(5)} changed, ${String(c).padStart(5)} unmodified`;
  const lines = [
    `Files:       ${counts(s.filesNew, s.filesChanged, s.filesUnmodified)}`,
    `Dirs:        ${counts(s.dirsNew, s.dirsChanged, s.dirsUnmodified)}`,
    `${dryRun ? 'Would add' : 'Added'} to the repository: ${formatSizeBytes(s.dataAdded)}`,
    `processed ${s.totalFilesProcessed} files, ${formatSizeBytes(s.totalBytesProcessed)} in ${formatElapsed(Number(s.totalDuration) || 0)}`,
    dryRun
      ? 'dry run: no snapshot saved'
      : snapshotId
        ? `snapshot ${snapshotId.slice(0, 8)} saved`
        : 'no snapshot saved',
  ];
  return `${lines.join('\n')}\n`;
}

export function restoreStartLine(o: { snapshotId: string; path: string; target: string }): string {
  return `restoring ${o.path || '/'} of snapshot ${o.snapshotId.slice(0, 8)} to ${o.target}\n`;
}

/** The closing line of a restore; restic before 0.16 reports no counters, so only what it told is said. */
export function restoreSummaryLine(p: RestoreProgress): string {
  const parts = [
    p.filesRestored !== undefined ? `${p.filesRestored} files` : '',
    p.bytesRestored !== undefined ? formatSizeBytes(p.bytesRestored) : '',
  ].filter(Boolean);
  const elapsed = p.secondsElapsed !== undefined ? ` in ${formatElapsed(p.secondsElapsed)}` : '';
  return `restore finished${parts.length ? `: ${parts.join(', ')}` : ''}${elapsed}\n`;
}

import { SimpleGrid, Text } from '@mantine/core';
import { OperationStatus } from '@restora/proto';
import type { Operation } from '@restora/proto';
import { formatBytes, formatDuration } from '../lib/format.js';

/** One line describing what an operation did. */
export function opSummary(op: Operation): string {
  const o = op.op;
  switch (o.case) {
    case 'operationBackup': {
      const e = o.value.lastStatus?.entry;
      const dry = o.value.dryRun ? 'dry run · ' : '';
      if (e?.case === 'summary') {
        const s = e.value;
        return `${dry}+${formatBytes(s.dataAdded)} of ${formatBytes(s.totalBytesProcessed)} · ${s.filesNew} new, ${s.filesChanged} changed files${s.snapshotId ? ` · snapshot ${s.snapshotId.slice(0, 8)}` : ''}`;
      }
      return `${dry}${op.displayMessage || (op.status === OperationStatus.STATUS_PENDING ? 'waiting to run' : op.status === OperationStatus.STATUS_INPROGRESS ? 'running…' : '')}`;
    }
    case 'operationIndexSnapshot': {
      const s = o.value.snapshot;
      return `snapshot ${s?.id.slice(0, 8) ?? ''} · ${s?.paths.join(', ') ?? ''}${o.value.forgot ? ' · forgotten' : ''}`;
    }
    case 'operationForget':
      return `removed ${o.value.forget.length} snapshot(s)`;
    case 'operationRestore':
      return `${o.value.path || '/'} → ${o.value.target}`;
    case 'operationStats': {
      const s = o.value.stats;
      return s
        ? `${formatBytes(s.totalSize)} stored · ${s.snapshotCount} snapshots · ratio ${s.compressionRatio.toFixed(2)}`
        : 'stats';
    }
    case 'operationRunHook':
      return o.value.name;
    case 'operationRunCommand':
      return `restic ${o.value.command}`;
    case 'operationPrune':
    case 'operationCheck':
      return op.displayMessage || '';
    default:
      return op.displayMessage;
  }
}

export function OpDuration({ op }: { op: Operation }) {
  const end = Number(op.unixTimeEndMs);
  if (!end) return null;
  return (
    <Text size="xs" c="dimmed" span>
      {formatDuration(end - Number(op.unixTimeStartMs))}
    </Text>
  );
}

/** The finished backup's numbers, shown when its row opens (restic's summary message). */
export function BackupSummary({ op }: { op: Operation }) {
  if (op.op.case !== 'operationBackup') return null;
  const e = op.op.value.lastStatus?.entry;
  if (e?.case !== 'summary') return null;
  const s = e.value;
  const rows: [string, string][] = [
    ['Files', `${s.filesNew} new, ${s.filesChanged} changed, ${s.filesUnmodified} unmodified`],
    ['Folders', `${s.dirsNew} new, ${s.dirsChanged} changed, ${s.dirsUnmodified} unmodified`],
    ['Data added', formatBytes(s.dataAdded)],
    ['Processed', `${s.totalFilesProcessed} files, ${formatBytes(s.totalBytesProcessed)}`],
    ['Took', formatDuration(s.totalDuration * 1000)],
    ['Snapshot', s.snapshotId ? s.snapshotId.slice(0, 8) : 'none (dry run)'],
  ];
  return (
    <SimpleGrid cols={{ base: 1, xs: 2 }} spacing={4} verticalSpacing={2} data-testid="backup-summary">
      {rows.map(([k, v]) => (
        <Text key={k} size="xs">
          <Text span c="dimmed" size="xs">
            {k}:
          </Text>{' '}
          {v}
        </Text>
      ))}
    </SimpleGrid>
  );
}

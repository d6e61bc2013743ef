import { Text } from '@mantine/core';
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

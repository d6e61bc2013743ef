import { Group, Progress, Text } from '@mantine/core';
import type { Operation } from '@restora/proto';
import { formatBytes, formatDuration } from '../lib/format.js';

type P = { percent: number; filesDone: bigint; totalFiles: bigint; bytesDone: bigint; totalBytes: bigint };

function progressOf(op: Operation): P | null {
  if (op.op.case === 'operationBackup') {
    const e = op.op.value.lastStatus?.entry;
    if (e?.case !== 'status') return null;
    const s = e.value;
    return {
      percent: s.percentDone,
      filesDone: s.filesDone,
      totalFiles: s.totalFiles,
      bytesDone: s.bytesDone,
      totalBytes: s.totalBytes,
    };
  }
  if (op.op.case === 'operationRestore') {
    const s = op.op.value.lastStatus;
    if (!s) return null;
    return {
      percent: s.percentDone,
      filesDone: s.filesRestored,
      totalFiles: s.totalFiles,
      bytesDone: s.bytesRestored,
      totalBytes: s.totalBytes,
    };
  }
  return null;
}

/** Live progress bar: percent, files, bytes and ETA from the latest status entry. */
export function OpProgress({ op }: { op: Operation }) {
  const p = progressOf(op);
  if (!p) return <Progress value={100} animated striped aria-label="In progress" size="sm" />;
  const pct = Math.max(0, Math.min(1, p.percent)) * 100;
  const elapsed = Date.now() - Number(op.unixTimeStartMs);
  const eta = p.percent > 0.01 ? (elapsed * (1 - p.percent)) / p.percent : NaN;
  return (
    <div>
      <Progress value={pct} animated size="md" aria-label={`Progress ${pct.toFixed(0)}%`} />
      <Group gap="md" mt={4}>
        <Text size="xs">{pct.toFixed(1)}%</Text>
        <Text size="xs" c="dimmed">
          {p.filesDone.toString()} / {p.totalFiles.toString()} files
        </Text>
        <Text size="xs" c="dimmed">
          {formatBytes(p.bytesDone)} / {formatBytes(p.totalBytes)}
        </Text>
        <Text size="xs" c="dimmed">
          ETA {Number.isFinite(eta) ? formatDuration(eta) : '–'}
        </Text>
      </Group>
    </div>
  );
}

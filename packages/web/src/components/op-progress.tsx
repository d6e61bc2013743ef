import { Group, Progress, Text } from '@mantine/core';
import { useEffect, useState } from 'react';
import type { Operation } from '@restora/proto';
import { formatBytes, formatDuration } from '../lib/format.js';
import { progressView } from '../lib/progress.js';

/** Re-renders every second so elapsed time moves between status updates. */
function useNow(): number {
  const [now, setNow] = useState(Date.now);
  useEffect(() => {
    const t = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(t);
  }, []);
  return now;
}

/** Live progress: percent, files, bytes, speed, elapsed and ETA, or "finishing" once all data is read. */
export function OpProgress({ op }: { op: Operation }) {
  const now = useNow();
  const p = progressView(op, now);
  const elapsed = formatDuration(Math.max(0, now - Number(op.unixTimeStartMs)));
  if (!p) {
    return (
      <div>
        <Progress value={100} animated striped aria-label="In progress" size="sm" />
        <Text size="xs" c="dimmed" mt={4}>
          Running for {elapsed}
        </Text>
      </div>
    );
  }
  const pct = p.percent * 100;
  return (
    <div>
      <Progress
        value={pct}
        animated
        striped={p.finishing}
        size="md"
        aria-label={`Progress ${pct.toFixed(0)}%`}
      />
      <Group gap="md" mt={4} style={{ rowGap: 0 }}>
        <Text size="xs">{pct.toFixed(1)}%</Text>
        <Text size="xs" c="dimmed">
          {p.filesDone.toString()} / {p.totalFiles.toString()} files
        </Text>
        <Text size="xs" c="dimmed">
          {formatBytes(p.bytesDone)} / {formatBytes(p.totalBytes)}
        </Text>
        {Number.isFinite(p.speed) && (
          <Text size="xs" c="dimmed" data-testid="op-speed">
            {formatBytes(p.speed)}/s
          </Text>
        )}
        <Text size="xs" c="dimmed" data-testid="op-elapsed">
          {elapsed} elapsed
        </Text>
        {p.finishing ? (
          <Text size="xs" c="blue" data-testid="op-finishing">
            All data read; restic is still uploading and saving the snapshot…
          </Text>
        ) : (
          <Text size="xs" c="dimmed">
            ETA {Number.isFinite(p.etaMs) ? formatDuration(p.etaMs) : '–'}
          </Text>
        )}
      </Group>
    </div>
  );
}

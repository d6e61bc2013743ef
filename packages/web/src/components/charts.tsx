import { Paper, Text } from '@mantine/core';
import type { SummaryDashboardResponse_Summary } from '@restora/proto';
import { OperationStatus } from '@restora/proto';
import { formatBytes, formatDuration, formatTime } from '../lib/format.js';

// Small dependency-free SVG charts, loaded lazily so they never weigh on the initial bundle.
type Point = { x: number; y: number; color?: string; label: string };

const W = 600;
const H = 140;

function BarChart({
  title,
  points,
  format,
}: {
  title: string;
  points: Point[];
  format: (n: number) => string;
}) {
  const max = Math.max(1, ...points.map((p) => p.y));
  const bw = W / Math.max(points.length, 1);
  return (
    <Paper withBorder p="xs">
      <Text size="sm" fw={500}>
        {title}{' '}
        <Text span size="xs" c="dimmed">
          (max {format(max)})
        </Text>
      </Text>
      <svg
        viewBox={`0 0 ${W} ${H}`}
        width="100%"
        height={H}
        role="img"
        aria-label={title}
        preserveAspectRatio="none"
      >
        {points.map((p, i) => {
          const h = (p.y / max) * (H - 4);
          return (
            <rect
              key={i}
              x={i * bw + 1}
              y={H - h}
              width={Math.max(1, bw - 2)}
              height={h}
              fill={p.color ?? 'var(--mantine-color-blue-6)'}
            >
              <title>{`${p.label}: ${format(p.y)}`}</title>
            </rect>
          );
        })}
      </svg>
    </Paper>
  );
}

function LineChart({
  title,
  points,
  format,
}: {
  title: string;
  points: Point[];
  format: (n: number) => string;
}) {
  const max = Math.max(1, ...points.map((p) => p.y));
  const minX = Math.min(...points.map((p) => p.x));
  const spanX = Math.max(1, Math.max(...points.map((p) => p.x)) - minX);
  const xy = (p: Point) => `${((p.x - minX) / spanX) * (W - 8) + 4},${H - 4 - (p.y / max) * (H - 8)}`;
  return (
    <Paper withBorder p="xs">
      <Text size="sm" fw={500}>
        {title}{' '}
        <Text span size="xs" c="dimmed">
          (latest {format(points.at(-1)?.y ?? 0)})
        </Text>
      </Text>
      <svg
        viewBox={`0 0 ${W} ${H}`}
        width="100%"
        height={H}
        role="img"
        aria-label={title}
        preserveAspectRatio="none"
      >
        <polyline
          points={points.map(xy).join(' ')}
          fill="none"
          stroke="var(--mantine-color-teal-6)"
          strokeWidth={2}
        />
        {points.map((p, i) => {
          const [cx, cy] = xy(p).split(',');
          return (
            <circle key={i} cx={cx} cy={cy} r={3} fill="var(--mantine-color-teal-6)">
              <title>{`${p.label}: ${format(p.y)}`}</title>
            </circle>
          );
        })}
      </svg>
    </Paper>
  );
}

const STATUS_FILL: Partial<Record<OperationStatus, string>> = {
  [OperationStatus.STATUS_ERROR]: 'var(--mantine-color-red-6)',
  [OperationStatus.STATUS_WARNING]: 'var(--mantine-color-yellow-6)',
  [OperationStatus.STATUS_SUCCESS]: 'var(--mantine-color-green-6)',
};

/** Bytes added / scanned per day and durations of recent backups for one plan or repo. */
export function SummaryCharts({ summary }: { summary: SummaryDashboardResponse_Summary }) {
  const days = summary.historyLast30days;
  const label = (ms: bigint) => new Date(Number(ms)).toLocaleDateString();
  const rb = summary.recentBackups;
  const durations: Point[] = (rb?.timestampMs ?? []).map((t, i) => ({
    x: Number(t),
    y: Number(rb?.durationMs[i] ?? 0n),
    label: formatTime(t),
    color: STATUS_FILL[rb?.status[i] ?? OperationStatus.STATUS_UNKNOWN],
  }));
  return (
    <>
      <BarChart
        title="Bytes added per day"
        format={formatBytes}
        points={days.map((d) => ({
          x: Number(d.timestampMs),
          y: Number(d.bytesAdded),
          label: label(d.timestampMs),
        }))}
      />
      <BarChart
        title="Bytes scanned per day"
        format={formatBytes}
        points={days.map((d) => ({
          x: Number(d.timestampMs),
          y: Number(d.bytesScanned),
          label: label(d.timestampMs),
          color: 'var(--mantine-color-grape-5)',
        }))}
      />
      {durations.length > 0 && (
        <BarChart title="Backup durations" format={formatDuration} points={durations} />
      )}
    </>
  );
}

export function RepoSizeChart({ points }: { points: { t: number; size: number; snapshots: number }[] }) {
  return (
    <>
      <LineChart
        title="Repository size"
        format={formatBytes}
        points={points.map((p) => ({ x: p.t, y: p.size, label: formatTime(p.t) }))}
      />
      <LineChart
        title="Snapshot count"
        format={(n) => String(n)}
        points={points.map((p) => ({ x: p.t, y: p.snapshots, label: formatTime(p.t) }))}
      />
    </>
  );
}

export default SummaryCharts;

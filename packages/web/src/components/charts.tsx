import { Group, Paper, Text } from '@mantine/core';
import type { SummaryDashboardResponse_Summary } from '@restora/proto';
import { OperationStatus } from '@restora/proto';
import { formatBytes, formatDuration, formatTime } from '../lib/format.js';

// Small dependency-free SVG charts, loaded lazily so they never weigh on the initial bundle.
type Point = { x: number; y: number; color?: string; label: string };

const W = 600;
const H = 140;
const AXIS = 'var(--mantine-color-dimmed)';

/** Title, y-axis labels (max and 0) left of the plot, x-axis labels (first/last) below: readable at any width. */
function ChartFrame({
  title,
  subtitle,
  yMax,
  xLabels,
  children,
}: {
  title: string;
  subtitle: string;
  yMax: string;
  xLabels: string[];
  children: React.ReactNode;
}) {
  return (
    <Paper withBorder p="xs">
      <Text size="sm" fw={500}>
        {title}{' '}
        <Text span size="xs" c="dimmed">
          ({subtitle})
        </Text>
      </Text>
      <div style={{ display: 'grid', gridTemplateColumns: 'auto minmax(0, 1fr)', columnGap: 6 }}>
        <div
          data-testid="chart-y-axis"
          style={{ display: 'flex', flexDirection: 'column', justifyContent: 'space-between', height: H }}
        >
          <Text size="xs" c="dimmed" ta="right">
            {yMax}
          </Text>
          <Text size="xs" c="dimmed" ta="right">
            0
          </Text>
        </div>
        {children}
        <div />
        <Group justify="space-between" gap="xs" wrap="nowrap" data-testid="chart-x-axis">
          {xLabels.map((l, i) => (
            <Text key={i} size="xs" c="dimmed" truncate>
              {l}
            </Text>
          ))}
        </Group>
      </div>
    </Paper>
  );
}

function Plot({ title, children }: { title: string; children: React.ReactNode }) {
  return (
    <svg
      viewBox={`0 0 ${W} ${H}`}
      width="100%"
      height={H}
      role="img"
      aria-label={title}
      preserveAspectRatio="none"
    >
      <line x1={0} y1={H} x2={W} y2={H} stroke={AXIS} strokeWidth={2} vectorEffect="non-scaling-stroke" />
      <line x1={0} y1={0} x2={0} y2={H} stroke={AXIS} strokeWidth={2} vectorEffect="non-scaling-stroke" />
      {children}
    </svg>
  );
}

/** First and last x label (one when all points share it). */
function ends(points: Point[]): string[] {
  const first = points[0]?.label ?? '';
  const last = points.at(-1)?.label ?? '';
  return first === last ? [first] : [first, last];
}

function BarChart({
  title,
  points,
  format,
  xLabels = ends(points),
}: {
  title: string;
  points: Point[];
  format: (n: number) => string;
  xLabels?: string[];
}) {
  const max = Math.max(1, ...points.map((p) => p.y));
  // A single bar stays bar-sized instead of filling the whole width.
  const bw = W / Math.max(points.length, 8);
  const x0 = points.length < 8 ? (W - bw * points.length) / 2 : 0;
  return (
    <ChartFrame title={title} subtitle={`max ${format(max)}`} yMax={format(max)} xLabels={xLabels}>
      <Plot title={title}>
        {points.map((p, i) => {
          const h = (p.y / max) * (H - 4);
          return (
            <rect
              key={i}
              x={x0 + i * bw + 1}
              y={H - h}
              width={Math.max(1, bw - 2)}
              height={h}
              fill={p.color ?? 'var(--mantine-color-blue-6)'}
            >
              <title>{`${p.label}: ${format(p.y)}`}</title>
            </rect>
          );
        })}
      </Plot>
    </ChartFrame>
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
  const spanX = Math.max(...points.map((p) => p.x)) - minX;
  // One point sits in the middle of the x axis, not on the y axis.
  const px = (p: Point) => (spanX > 0 ? ((p.x - minX) / spanX) * (W - 8) + 4 : W / 2);
  const py = (p: Point) => H - 4 - (p.y / max) * (H - 8);
  return (
    <ChartFrame
      title={title}
      subtitle={`latest ${format(points.at(-1)?.y ?? 0)}`}
      yMax={format(max)}
      xLabels={ends(points)}
    >
      <Plot title={title}>
        <polyline
          points={points.map((p) => `${px(p)},${py(p)}`).join(' ')}
          fill="none"
          stroke="var(--mantine-color-teal-6)"
          strokeWidth={2}
          vectorEffect="non-scaling-stroke"
        />
        {points.map((p, i) => (
          <circle key={i} cx={px(p)} cy={py(p)} r={4} fill="var(--mantine-color-teal-6)">
            <title>{`${p.label}: ${format(p.y)}`}</title>
          </circle>
        ))}
      </Plot>
    </ChartFrame>
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

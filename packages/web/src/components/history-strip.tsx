import { Group } from '@mantine/core';
import { OperationStatus } from '@restora/proto';
import type { SummaryDashboardResponse_DayStatusBucket } from '@restora/proto';

function colorOf(b: SummaryDashboardResponse_DayStatusBucket): { color: string; label: string } {
  const count = (s: OperationStatus) =>
    b.statusCounts.filter((c) => c.status === s).reduce((n, c) => n + Number(c.count), 0);
  const failed = count(OperationStatus.STATUS_ERROR);
  const warn = count(OperationStatus.STATUS_WARNING);
  const ok = count(OperationStatus.STATUS_SUCCESS);
  const parts = [
    ok && `${ok} ok`,
    warn && `${warn} warning`,
    failed && `${failed} failed`,
    b.overdue && 'overdue',
  ]
    .filter(Boolean)
    .join(', ');
  const label = `${new Date(Number(b.timestampMs)).toLocaleDateString()}: ${parts || 'no backups'}`;
  if (failed || b.overdue) return { color: 'var(--mantine-color-red-6)', label };
  if (warn) return { color: 'var(--mantine-color-yellow-5)', label };
  if (ok) return { color: 'var(--mantine-color-green-6)', label };
  return { color: 'var(--mantine-color-default-border)', label };
}

/** 30 squares, one per day, oldest first: green ok, yellow warning, red failed/overdue, grey nothing. */
export function HistoryStrip({ days }: { days: SummaryDashboardResponse_DayStatusBucket[] }) {
  return (
    <Group
      gap={2}
      wrap="nowrap"
      aria-label="Last 30 days"
      role="list"
      style={{ minWidth: 0, maxWidth: '100%' }}
    >
      {days.map((d) => {
        const { color, label } = colorOf(d);
        return (
          // A native title, not Mantine's Tooltip: 30 floating-ui instances per card slowed the first render.
          <div
            key={String(d.timestampMs)}
            role="listitem"
            aria-label={label}
            title={label}
            // Squares shrink with a narrow card (phone) instead of overflowing it.
            style={{
              height: 18,
              borderRadius: 2,
              background: color,
              flex: '1 1 0',
              minWidth: 2,
              maxWidth: 10,
            }}
          />
        );
      })}
    </Group>
  );
}

import {
  Alert,
  Anchor,
  Badge,
  Button,
  Card,
  Group,
  Loader,
  SimpleGrid,
  Stack,
  Text,
  Title,
} from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { lazy, Suspense, useEffect, useState } from 'react';
import { OperationStatus, SummaryDashboardResponseSchema } from '@restora/proto';
import type { Config, SummaryDashboardResponse_Summary } from '@restora/proto';
import { useClients } from '../api/clients-context.js';
import { takePrefetched } from '../api/prefetch.js';
import { loadFullStyles } from '../full-styles.js';
import { HistoryStrip } from '../components/history-strip.js';
import { errorMessage, formatBytes, formatRelative, formatTime } from '../lib/format.js';
import { STATUS_COLOR, STATUS_LABEL } from '../lib/ops.js';
import { href } from '../router.js';

const SummaryCharts = lazy(() => import('../components/charts.js'));

/** Newest finished backup: recent_backups also lists scheduled (pending, future) and running ones. */
function lastBackup(s: SummaryDashboardResponse_Summary): { t: bigint; status: OperationStatus } | null {
  const rb = s.recentBackups;
  if (!rb) return null;
  const now = BigInt(Date.now());
  let best: { t: bigint; status: OperationStatus } | null = null;
  rb.timestampMs.forEach((t, i) => {
    const status = rb.status[i] ?? OperationStatus.STATUS_UNKNOWN;
    if (t > now || status === OperationStatus.STATUS_PENDING || status === OperationStatus.STATUS_INPROGRESS)
      return;
    if (!best || t > best.t) best = { t, status };
  });
  return best;
}

function SummaryCard({ s, kind }: { s: SummaryDashboardResponse_Summary; kind: 'plans' | 'repos' }) {
  const [charts, setCharts] = useState(false);
  const last = lastBackup(s);
  const overdue = s.historyLast30days.at(-1)?.overdue ?? false;
  const failedLast = last?.status === OperationStatus.STATUS_ERROR;
  const bad = overdue || failedLast;
  return (
    <Card
      withBorder
      data-testid={`summary-${s.id}`}
      data-health={bad ? 'bad' : 'ok'}
      style={bad ? { borderColor: 'var(--mantine-color-red-6)' } : undefined}
    >
      <Stack gap={6}>
        <Group justify="space-between" wrap="nowrap">
          <Anchor href={href([kind, s.id])} fw={600} truncate>
            {s.id}
          </Anchor>
          <Group gap={4}>
            {overdue && <Badge color="red">Overdue</Badge>}
            {last && <Badge color={STATUS_COLOR[last.status]}>{STATUS_LABEL[last.status]}</Badge>}
          </Group>
        </Group>
        <Text size="sm" c={failedLast ? 'red' : undefined}>
          Last backup: {last ? `${formatTime(last.t)} (${formatRelative(last.t)})` : 'never'}
        </Text>
        {kind === 'plans' && (
          <Text size="sm">
            Next run:{' '}
            {s.nextBackupTimeMs > 0n
              ? `${formatTime(s.nextBackupTimeMs)} (${formatRelative(s.nextBackupTimeMs)})`
              : 'not scheduled'}
          </Text>
        )}
        <Text size="sm">
          30 days: {String(s.backupsSuccessLast30days)} ok
          {s.backupsWarningLast30days > 0n && (
            <Text span c="yellow.7">
              {' '}
              · {String(s.backupsWarningLast30days)} warning
            </Text>
          )}
          {s.backupsFailed30days > 0n && (
            <Text span c="red" fw={600}>
              {' '}
              · {String(s.backupsFailed30days)} failed
            </Text>
          )}
        </Text>
        <Text size="xs" c="dimmed">
          {formatBytes(s.bytesAddedLast30days)} added, {formatBytes(s.bytesScannedLast30days)} scanned ·{' '}
          {String(s.totalSnapshots)} snapshots
          {s.protectedBytes > 0n ? ` · ${formatBytes(s.protectedBytes)} protected` : ''}
        </Text>
        <HistoryStrip days={s.historyLast30days} />
        <Button
          variant="subtle"
          size="compact-xs"
          onClick={() => setCharts((c) => !c)}
          style={{ alignSelf: 'flex-start' }}
          aria-expanded={charts}
        >
          {charts ? 'Hide charts' : 'Show charts'}
        </Button>
        {charts && (
          <Suspense fallback={<Loader size="sm" aria-label="Loading charts" />}>
            <SummaryCharts summary={s} />
          </Suspense>
        )}
      </Stack>
    </Card>
  );
}

/** Health at a glance: every plan and repo, failures and overdue plans in red. */
export default function Dashboard({ config }: { config: Config }) {
  const { backrest } = useClients();
  const q = useQuery({
    queryKey: ['dashboard'],
    queryFn: async () =>
      (await takePrefetched('GetSummaryDashboard', SummaryDashboardResponseSchema)) ??
      backrest.getSummaryDashboard({}),
  });
  // The rest of Mantine's styles once the dashboard has drawn (other views wait for them: full-styles.tsx).
  useEffect(() => {
    if (q.data) void loadFullStyles();
  }, [q.data]);
  if (q.isPending) return <Loader aria-label="Loading dashboard" />;
  if (q.isError) return <Alert color="red">{errorMessage(q.error)}</Alert>;
  const d = q.data;
  return (
    <Stack>
      <Title order={2}>Dashboard</Title>
      {config.repos.length === 0 && (
        <Alert color="blue" title="Get started">
          Add a <Anchor href="#/repos/new">repository</Anchor>, then a{' '}
          <Anchor href="#/plans/new">backup plan</Anchor>.
        </Alert>
      )}
      <Title order={3}>Plans</Title>
      {d.planSummaries.length === 0 && (
        <Text c="dimmed">
          No plans yet: <Anchor href="#/plans/new">add a plan</Anchor> to back up folders on a schedule.
        </Text>
      )}
      <SimpleGrid cols={{ base: 1, md: 2, xl: 3 }}>
        {d.planSummaries.map((s) => (
          <SummaryCard key={s.id} s={s} kind="plans" />
        ))}
      </SimpleGrid>
      <Title order={3}>Repositories</Title>
      {d.repoSummaries.length === 0 && (
        <Text c="dimmed">
          No repositories yet: <Anchor href="#/repos/new">add one</Anchor>: a local folder, SFTP, S3 or a REST
          server where backups are stored.
        </Text>
      )}
      <SimpleGrid cols={{ base: 1, md: 2, xl: 3 }}>
        {d.repoSummaries.map((s) => (
          <SummaryCard key={s.id} s={s} kind="repos" />
        ))}
      </SimpleGrid>
      <Text size="xs" c="dimmed">
        Config: {d.configPath} · Data: {d.dataPath}
      </Text>
    </Stack>
  );
}

import { Alert, Anchor, Badge, Group, Stack, Table, Tabs, Text, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import type { Config, Operation, PeerState } from '@restora/proto';
import { useClients } from '../api/clients-context.js';
import { useOperations } from '../api/queries.js';
import { OperationList } from '../components/op-list.js';
import { PeerStateBadge } from '../components/peer-states.js';
import { errorMessage, formatBytes, formatTime } from '../lib/format.js';
import { href } from '../router.js';

/** The client's dashboard on this host (Restora's `restora-instance-keyid` header on GetSummaryDashboard). */
function RemoteDashboard({ keyid }: { keyid: string }) {
  const { backrest } = useClients();
  const q = useQuery({
    queryKey: ['dashboard', 'peer', keyid],
    queryFn: () => backrest.getSummaryDashboard({}, { headers: { 'restora-instance-keyid': keyid } }),
  });
  if (q.error) return <Alert color="red">{errorMessage(q.error)}</Alert>;
  if (!q.data) return <Text c="dimmed">Loading…</Text>;
  const rows = [
    ...q.data.planSummaries.map((s) => ({ kind: 'plan', s })),
    ...q.data.repoSummaries.map((s) => ({ kind: 'repo', s })),
  ];
  if (!rows.length) return <Text c="dimmed">No backups from this instance in the last 30 days.</Text>;
  return (
    <Table striped aria-label="Remote dashboard">
      <Table.Thead>
        <Table.Tr>
          <Table.Th>Plan / repository</Table.Th>
          <Table.Th>Succeeded (30 days)</Table.Th>
          <Table.Th>Failed (30 days)</Table.Th>
          <Table.Th>Added (30 days)</Table.Th>
        </Table.Tr>
      </Table.Thead>
      <Table.Tbody>
        {rows.map(({ kind, s }) => (
          <Table.Tr key={`${kind}:${s.id}`} data-summary={`${kind}:${s.id}`}>
            <Table.Td>
              <Badge variant="outline" size="xs" mr={6}>
                {kind}
              </Badge>
              {s.id}
            </Table.Td>
            <Table.Td>{String(s.backupsSuccessLast30days)}</Table.Td>
            <Table.Td>{String(s.backupsFailed30days)}</Table.Td>
            <Table.Td>{formatBytes(s.bytesAddedLast30days)}</Table.Td>
          </Table.Tr>
        ))}
      </Table.Tbody>
    </Table>
  );
}

/** Plans and repositories the client lets this host see (read-only: they are edited on the client). */
function RemoteConfig({ state }: { state: PeerState | undefined }) {
  const cfg = state?.remoteConfig;
  const plans = cfg?.plans.length
    ? cfg.plans.map((p) => `${p.id} → ${p.repo}`)
    : state?.knownPlans.map((p) => p.id);
  const repos = cfg?.repos.length
    ? cfg.repos.map((r) => `${r.id} (${r.uri})`)
    : state?.knownRepos.map((r) => r.id);
  if (!plans?.length && !repos?.length)
    return (
      <Text c="dimmed">
        The client shares no plans or repositories with this host (or is not connected yet).
      </Text>
    );
  return (
    <Stack>
      <Text size="sm" c="dimmed">
        Read-only view
        {cfg?.plans.length || cfg?.repos.length ? '' : ' (ids only: the client did not grant config access)'}.
      </Text>
      <Title order={5}>Plans</Title>
      <Stack gap={2} aria-label="Remote plans">
        {(plans ?? []).map((p) => (
          <Text key={p}>{p}</Text>
        ))}
      </Stack>
      <Title order={5}>Repositories</Title>
      <Stack gap={2} aria-label="Remote repositories">
        {(repos ?? []).map((r) => (
          <Text key={r}>{r}</Text>
        ))}
      </Stack>
    </Stack>
  );
}

/** Snapshots the client's backups made, newest first, from its operations. */
function RemoteSnapshots({ ops }: { ops: readonly Operation[] }) {
  const snaps = ops
    .filter(
      (o) => o.snapshotId && (o.op.case === 'operationBackup' || o.op.case === 'operationIndexSnapshot'),
    )
    .sort((a, b) => Number(b.unixTimeStartMs - a.unixTimeStartMs));
  const seen = new Set<string>();
  const unique = snaps.filter((o) => !seen.has(o.snapshotId) && seen.add(o.snapshotId));
  if (!unique.length) return <Text c="dimmed">No snapshots reported yet.</Text>;
  return (
    <Table striped aria-label="Remote snapshots">
      <Table.Thead>
        <Table.Tr>
          <Table.Th>Snapshot</Table.Th>
          <Table.Th>Time</Table.Th>
          <Table.Th>Plan</Table.Th>
          <Table.Th>Repository</Table.Th>
        </Table.Tr>
      </Table.Thead>
      <Table.Tbody>
        {unique.map((o) => (
          <Table.Tr key={o.snapshotId}>
            <Table.Td>
              <Text ff="monospace">{o.snapshotId.slice(0, 8)}</Text>
            </Table.Td>
            <Table.Td>{formatTime(o.unixTimeStartMs)}</Table.Td>
            <Table.Td>{o.planId}</Table.Td>
            <Table.Td>{o.repoId}</Table.Td>
          </Table.Tr>
        ))}
      </Table.Tbody>
    </Table>
  );
}

/** A client instance seen from this host: its state, dashboard, plans and repos, operations and snapshots. */
export default function PeerInstance({
  config,
  keyid,
  state,
}: {
  config: Config;
  keyid: string;
  state: PeerState | undefined;
}) {
  const peer = config.multihost?.authorizedClients.find((p) => p.keyid === keyid);
  const ops = useOperations({ originalInstanceKeyid: keyid });
  if (!peer)
    return (
      <Alert color="red" title="Not found">
        No client with key id {keyid} is authorized here.{' '}
        <Anchor href={href(['peers'])}>Back to peers</Anchor>
      </Alert>
    );
  return (
    <Stack>
      <Group>
        <Title order={2}>{peer.instanceId}</Title>
        <PeerStateBadge state={state} />
        <Text size="sm" c="dimmed">
          {state?.statusMessage}
        </Text>
      </Group>
      <Tabs defaultValue="dashboard" keepMounted={false}>
        <Tabs.List>
          <Tabs.Tab value="dashboard">Dashboard</Tabs.Tab>
          <Tabs.Tab value="config">Plans and repositories</Tabs.Tab>
          <Tabs.Tab value="ops">Operations</Tabs.Tab>
          <Tabs.Tab value="snapshots">Snapshots</Tabs.Tab>
        </Tabs.List>
        <Tabs.Panel value="dashboard" pt="md">
          <RemoteDashboard keyid={keyid} />
        </Tabs.Panel>
        <Tabs.Panel value="config" pt="md">
          <RemoteConfig state={state} />
        </Tabs.Panel>
        <Tabs.Panel value="ops" pt="md">
          {ops.error ? (
            <Alert color="red">{errorMessage(ops.error)}</Alert>
          ) : (
            <OperationList ops={ops.data ?? []} />
          )}
        </Tabs.Panel>
        <Tabs.Panel value="snapshots" pt="md">
          <RemoteSnapshots ops={ops.data ?? []} />
        </Tabs.Panel>
      </Tabs>
    </Stack>
  );
}

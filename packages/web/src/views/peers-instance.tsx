import { Alert, Anchor, Badge, Button, Group, Stack, Table, Tabs, Text, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import type { Config, Operation, PeerState } from '@restora/proto';
import { useClients } from '../api/clients-context.js';
import { useOperations } from '../api/queries.js';
import { OperationList } from '../components/op-list.js';
import { RemoteConfig } from '../components/peer-remote-config.js';
import { RemoteSnapshotFiles, whyNotBrowsable } from '../components/peer-snapshot-files.js';
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

/** Snapshots the client's backups made, newest first, from its operations; browsable where the client allows. */
function RemoteSnapshots({
  ops,
  name,
  keyid,
  state,
}: {
  ops: readonly Operation[];
  name: string;
  keyid: string;
  state: PeerState | undefined;
}) {
  const [open, setOpen] = useState<Operation | null>(null);
  const snaps = ops
    .filter(
      (o) => o.snapshotId && (o.op.case === 'operationBackup' || o.op.case === 'operationIndexSnapshot'),
    )
    .sort((a, b) => Number(b.unixTimeStartMs - a.unixTimeStartMs));
  const seen = new Set<string>();
  const unique = snaps.filter((o) => !seen.has(o.snapshotId) && seen.add(o.snapshotId));
  if (!unique.length) return <Text c="dimmed">No snapshots reported yet.</Text>;
  if (open)
    return (
      <RemoteSnapshotFiles
        keyid={keyid}
        repoId={open.repoId}
        snapshotId={open.snapshotId}
        onClose={() => setOpen(null)}
      />
    );
  return (
    <Table striped aria-label="Remote snapshots">
      <Table.Thead>
        <Table.Tr>
          <Table.Th>Snapshot</Table.Th>
          <Table.Th>Time</Table.Th>
          <Table.Th>Plan</Table.Th>
          <Table.Th>Repository</Table.Th>
          <Table.Th>Files</Table.Th>
        </Table.Tr>
      </Table.Thead>
      <Table.Tbody>
        {unique.map((o) => {
          const why = whyNotBrowsable(name, state, o.repoId);
          return (
            <Table.Tr key={o.snapshotId} data-snapshot={o.snapshotId}>
              <Table.Td>
                <Text ff="monospace">{o.snapshotId.slice(0, 8)}</Text>
              </Table.Td>
              <Table.Td>{formatTime(o.unixTimeStartMs)}</Table.Td>
              <Table.Td>{o.planId}</Table.Td>
              <Table.Td>{o.repoId}</Table.Td>
              <Table.Td>
                {why ? (
                  <Text size="xs" c="dimmed">
                    {why}
                  </Text>
                ) : (
                  <Button size="xs" variant="light" onClick={() => setOpen(o)}>
                    Browse
                  </Button>
                )}
              </Table.Td>
            </Table.Tr>
          );
        })}
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
          <RemoteConfig peer={peer} state={state} />
        </Tabs.Panel>
        <Tabs.Panel value="ops" pt="md">
          {ops.error ? (
            <Alert color="red">{errorMessage(ops.error)}</Alert>
          ) : (
            <OperationList ops={ops.data ?? []} />
          )}
        </Tabs.Panel>
        <Tabs.Panel value="snapshots" pt="md">
          <RemoteSnapshots ops={ops.data ?? []} name={peer.instanceId} keyid={keyid} state={state} />
        </Tabs.Panel>
      </Tabs>
    </Stack>
  );
}

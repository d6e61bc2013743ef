import { Alert, Anchor, Group, Paper, Stack, Table, Text, Title } from '@mantine/core';
import {
  CAN_READ_OPERATIONS,
  CAN_VIEW_CONFIG,
  CAN_WRITE_CONFIG,
  type Config,
  type PermissionSet,
  type Multihost_Peer,
  type PeerState,
} from '@restora/proto';
import { KindIdCell, permissionSet, permissionSummary } from '../components/peer-permissions.js';
import { PeerStateBadge } from '../components/peer-states.js';
import { href } from '../router.js';

/** What the host may do with one of our plans or repos, in words (from our own grant on its known-host entry). */
function access(perms: PermissionSet, kind: 'plan' | 'repo', id: string): { ops: string; config: string } {
  const has = (types: Parameters<PermissionSet['forPlan']>[1]) =>
    kind === 'plan' ? perms.forPlan(id, types) : perms.forRepo(id, types);
  return {
    ops: has(CAN_READ_OPERATIONS) ? 'sees its operations' : 'no',
    config: has(CAN_WRITE_CONFIG) ? 'reads and edits it' : has(CAN_VIEW_CONFIG) ? 'reads it' : 'no',
  };
}

function SeenHere({ config, host }: { config: Config; host: Multihost_Peer }) {
  const perms = permissionSet(host.permissions);
  if (typeof perms === 'string')
    return (
      <Alert color="red">
        This instance’s grant to {host.instanceId} cannot be read: {perms}
      </Alert>
    );
  const rows = [
    ...config.plans.map((p) => ({ kind: 'plan' as const, id: p.id })),
    ...config.repos.map((r) => ({ kind: 'repo' as const, id: r.id })),
  ];
  if (!rows.length) return <Text c="dimmed">This instance has no plans or repositories yet.</Text>;
  return (
    <Table striped aria-label="What the host sees here">
      <Table.Thead>
        <Table.Tr>
          <Table.Th>Plan / repository</Table.Th>
          <Table.Th>Operations</Table.Th>
          <Table.Th>Config</Table.Th>
        </Table.Tr>
      </Table.Thead>
      <Table.Tbody>
        {rows.map(({ kind, id }) => {
          const a = access(perms, kind, id);
          return (
            <Table.Tr key={`${kind}:${id}`} data-seen={`${kind}:${id}`}>
              <KindIdCell kind={kind} id={id} />
              <Table.Td>{a.ops}</Table.Td>
              <Table.Td>{a.config}</Table.Td>
            </Table.Tr>
          );
        })}
      </Table.Tbody>
    </Table>
  );
}

/** A host seen from this client: what it sees and may change here, what it shares, its config (read-only). */
export default function PeerHost({
  config,
  host,
  state,
}: {
  config: Config;
  host: Multihost_Peer;
  state: PeerState | undefined;
}) {
  const name = host.instanceId;
  const hostCfg = state?.remoteConfig;
  const grants = hostCfg?.restoraGrants;
  const shared = config.repos.filter((r) => r.originInstanceId === name);
  return (
    <Stack>
      <Group>
        <Title order={2}>{name}</Title>
        <PeerStateBadge state={state} />
        <Text size="sm" c="dimmed">
          {state?.statusMessage}
        </Text>
      </Group>
      <Alert color="blue" title="A read-only view">
        This instance reports to {name}. Nothing of {name} can be changed from here: the sync protocol has no
        way for a client to change its host’s config, so edit it on {name}. What {name} sees and may change
        here is what this instance granted it (<Anchor href={href(['peers'])}>Peers → Permissions</Anchor>).
      </Alert>
      <Paper withBorder p="md">
        <Stack>
          <Title order={4}>What {name} sees of this instance</Title>
          <Text size="sm" c="dimmed">
            Granted here: {permissionSummary(host.permissions)}.
          </Text>
          <SeenHere config={config} host={host} />
        </Stack>
      </Paper>
      <Paper withBorder p="md">
        <Stack>
          <Title order={4}>What {name} granted this instance</Title>
          <Text size="sm" data-testid="host-grants">
            {grants
              ? permissionSummary(grants.permissions)
              : `${name} has not said (a Backrest host, or not connected yet).`}
          </Text>
        </Stack>
      </Paper>
      <Paper withBorder p="md">
        <Stack>
          <Title order={4}>Repositories {name} shares here</Title>
          {shared.length ? (
            <Table striped aria-label="Shared repositories">
              <Table.Tbody>
                {shared.map((r) => (
                  <Table.Tr key={r.id}>
                    <Table.Td>{r.id}</Table.Td>
                    <Table.Td>{r.uri}</Table.Td>
                    <Table.Td>
                      <Text size="xs" c="dimmed">
                        Read-only: shared by {name}; change it on {name}. Removing it here lasts only until{' '}
                        {name} shares it again.
                      </Text>
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          ) : (
            <Text c="dimmed" size="sm">
              None. {name} shares a repository it marks “shared” where both sides granted “Receive shared
              repositories”.
            </Text>
          )}
        </Stack>
      </Paper>
      <Paper withBorder p="md">
        <Stack>
          <Title order={4}>{name}’s plans and repositories</Title>
          {hostCfg?.plans.length || hostCfg?.repos.length ? (
            <Stack gap={2} aria-label="Host config">
              <Text size="xs" c="dimmed">
                Read-only: edit them on {name}.
              </Text>
              {hostCfg.plans.map((p) => (
                <Text key={`plan:${p.id}`}>
                  plan {p.id} → {p.repo}
                </Text>
              ))}
              {hostCfg.repos.map((r) => (
                <Text key={`repo:${r.id}`}>repo {r.id}</Text>
              ))}
            </Stack>
          ) : (
            <Text c="dimmed" size="sm">
              {name} shows this instance none of its config (it would grant “Read config” to this client).
            </Text>
          )}
        </Stack>
      </Paper>
    </Stack>
  );
}

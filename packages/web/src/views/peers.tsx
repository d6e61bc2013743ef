import { Alert, Anchor, Button, Group, Paper, Stack, Table, Text, Title } from '@mantine/core';
import { useQueryClient } from '@tanstack/react-query';
import { useEffect, useRef, useState } from 'react';
import type { Config, Multihost_Peer, Multihost_Permission, PeerState } from '@restora/proto';
import { CONFIG_KEY } from '../api/queries.js';
import { useSaveConfig } from '../api/use-save-config.js';
import { href } from '../router.js';
import { AddHost, GenerateToken } from '../components/peer-pairing.js';
import { PermissionsEditor, permissionSummary } from '../components/peer-permissions.js';
import { PeerStateBadge, usePeerStates } from '../components/peer-states.js';
import { StatusAlert, useStatusMessage } from '../components/status-message.js';
import PeerHost from './peers-host.js';
import PeerInstance from './peers-instance.js';

type Role = 'knownHosts' | 'authorizedClients';

/** Edits one peer's permissions (grant or narrow) and saves them with the config. */
function GrantEditor({ role, peer, onDone }: { role: Role; peer: Multihost_Peer; onDone: () => void }) {
  const save = useSaveConfig();
  const [perms, setPerms] = useState<Multihost_Permission[]>(peer.permissions);
  const { msg, run } = useStatusMessage();
  const who = role === 'knownHosts' ? `host ${peer.instanceId}` : `client ${peer.instanceId}`;
  return (
    <Stack>
      <PermissionsEditor label={`Permissions granted to ${who}`} value={perms} onChange={setPerms} />
      <Group>
        <Button
          onClick={() =>
            void run(async () => {
              await save((c) => {
                const p = c.multihost?.[role].find((x) => x.keyid === peer.keyid);
                if (!p) throw new Error(`${who} is no longer configured.`);
                p.permissions = perms;
              });
              onDone();
            }, 'Permissions saved.')
          }
        >
          Save permissions
        </Button>
        <Button variant="default" onClick={onDone}>
          Cancel
        </Button>
      </Group>
      <StatusAlert msg={msg} />
    </Stack>
  );
}

function PeerTable({
  role,
  peers,
  states,
}: {
  role: Role;
  peers: Multihost_Peer[];
  states: Map<string, PeerState>;
}) {
  const save = useSaveConfig();
  const [editing, setEditing] = useState<string | null>(null);
  const { msg, run } = useStatusMessage();
  const host = role === 'knownHosts';
  const remove = (p: Multihost_Peer) =>
    run(
      () =>
        save((c) => {
          if (c.multihost) c.multihost[role] = c.multihost[role].filter((x) => x.keyid !== p.keyid);
        }),
      host ? `Host ${p.instanceId} removed.` : `Client ${p.instanceId} revoked: its link ends now.`,
    );
  const editingPeer = peers.find((p) => p.keyid === editing);
  if (!peers.length)
    return (
      <Stack>
        <Text c="dimmed" size="sm">
          {host ? 'This instance reports to no host.' : 'No client reports to this instance.'}
        </Text>
        <StatusAlert msg={msg} />
      </Stack>
    );
  return (
    <Stack>
      <Table striped aria-label={host ? 'Known hosts' : 'Authorized clients'}>
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Instance</Table.Th>
            <Table.Th>State</Table.Th>
            <Table.Th>What happened</Table.Th>
            <Table.Th>Granted</Table.Th>
            <Table.Th />
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {peers.map((p) => {
            const s = states.get(p.keyid);
            return (
              <Table.Tr key={p.keyid} data-peer={p.instanceId}>
                <Table.Td>
                  <Anchor href={href(['peers', p.keyid])} title={p.keyid}>
                    {p.instanceId}
                  </Anchor>
                  {host && p.initialPairingSecret && (
                    <Text size="xs" c="dimmed">
                      pairing…
                    </Text>
                  )}
                </Table.Td>
                <Table.Td>
                  <PeerStateBadge state={s} />
                </Table.Td>
                <Table.Td>
                  <Text size="sm">{s?.statusMessage ?? 'not connected yet'}</Text>
                </Table.Td>
                <Table.Td>
                  <Text size="sm">{permissionSummary(p.permissions)}</Text>
                </Table.Td>
                <Table.Td>
                  <Group gap="xs" wrap="nowrap">
                    <Button size="xs" variant="light" onClick={() => setEditing(p.keyid)}>
                      Permissions
                    </Button>
                    <Button size="xs" color="red" variant="light" onClick={() => void remove(p)}>
                      {host ? 'Remove' : 'Revoke'}
                    </Button>
                  </Group>
                </Table.Td>
              </Table.Tr>
            );
          })}
        </Table.Tbody>
      </Table>
      {editingPeer && (
        <GrantEditor key={editingPeer.keyid} role={role} peer={editingPeer} onDone={() => setEditing(null)} />
      )}
      <StatusAlert msg={msg} />
    </Stack>
  );
}

/** A client that just paired is in the host's config but not in ours yet: its first state reloads the config. */
function useConfigFollowsPairing(config: Config, states: Map<string, PeerState>) {
  const qc = useQueryClient();
  const asked = useRef(new Set<string>());
  useEffect(() => {
    const known = new Set(
      [...(config.multihost?.authorizedClients ?? []), ...(config.multihost?.knownHosts ?? [])].map(
        (p) => p.keyid,
      ),
    );
    const fresh = [...states.keys()].filter((k) => !known.has(k) && !asked.current.has(k));
    if (!fresh.length) return;
    fresh.forEach((k) => asked.current.add(k));
    void qc.invalidateQueries({ queryKey: CONFIG_KEY });
  }, [config, states, qc]);
}

/** Multihost: this instance's hosts and clients with live states, pairing, grants and revocation. */
export default function Peers({ config, keyid }: { config: Config; keyid?: string | undefined }) {
  const { states, error } = usePeerStates();
  useConfigFollowsPairing(config, states);
  const knownHost = config.multihost?.knownHosts.find((h) => h.keyid === keyid);
  if (knownHost) return <PeerHost config={config} host={knownHost} state={states.get(knownHost.keyid)} />;
  if (keyid) return <PeerInstance config={config} keyid={keyid} state={states.get(keyid)} />;
  const mh = config.multihost;
  return (
    <Stack>
      <Title order={2}>Peers</Title>
      {error && <Alert color="yellow">{error}</Alert>}
      <Paper withBorder p="md">
        <Stack>
          <Title order={4}>Clients reporting here</Title>
          <PeerTable role="authorizedClients" peers={mh?.authorizedClients ?? []} states={states} />
        </Stack>
      </Paper>
      <Paper withBorder p="md">
        <Stack>
          <Title order={4}>Hosts this instance reports to</Title>
          <PeerTable role="knownHosts" peers={mh?.knownHosts ?? []} states={states} />
        </Stack>
      </Paper>
      <GenerateToken />
      <AddHost />
      {(mh?.pairingTokens.length ?? 0) > 0 && (
        <Text size="sm" c="dimmed">
          Open pairing tokens:{' '}
          {mh!.pairingTokens.map((t) => `${t.label} (${t.uses}/${t.maxUses || '∞'} used)`).join(', ')}
        </Text>
      )}
    </Stack>
  );
}

import { Alert, Anchor, Button, Group, Loader, Stack, Table, Text } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { CAN_VIEW_CONFIG, ConnectionState, type PeerState } from '@restora/proto';
import { useClients } from '../api/clients-context.js';
import { errorMessage, formatBytes, formatTime } from '../lib/format.js';
import { permissionSet } from './peer-permissions.js';

/**
 * Why this host cannot browse a client's snapshots of a repo, or null when it can: the client lists them itself,
 * over its link, for a host it granted “Read config” on the repo (which already shows the repo's URI and password).
 */
export function whyNotBrowsable(name: string, state: PeerState | undefined, repoId: string): string | null {
  const grants = state?.remoteConfig?.restoraGrants;
  if (!grants)
    return `${name} does not list its snapshots over sync (a Backrest instance, or not connected yet): browse them on ${name}.`;
  const perms = permissionSet(grants.permissions);
  if (typeof perms === 'string') return `${name}'s grant cannot be read (${perms}): browse on ${name}.`;
  if (!perms.forRepo(repoId, CAN_VIEW_CONFIG))
    return `${name} did not grant this host “Read config” on repo ${repoId}, which browsing its snapshots needs.`;
  if (state?.state !== ConnectionState.CONNECTED)
    return `${name} is not connected: it lists its snapshots itself, so browsing waits until it is back.`;
  return null;
}

const parentOf = (p: string) => p.replace(/\/[^/]*\/?$/, '') || '/';

/** One folder of a client's snapshot at a time, listed by the client (ListSnapshotFiles with its key id). */
export function RemoteSnapshotFiles({
  keyid,
  repoId,
  snapshotId,
  onClose,
}: {
  keyid: string;
  repoId: string;
  snapshotId: string;
  onClose: () => void;
}) {
  const { backrest } = useClients();
  const [path, setPath] = useState('/');
  const q = useQuery({
    queryKey: ['ls', 'peer', keyid, repoId, snapshotId, path],
    staleTime: Infinity,
    retry: false,
    queryFn: async () => {
      let total = 0;
      let limit = 0;
      const r = await backrest.listSnapshotFiles(
        { repoId, snapshotId, path },
        {
          headers: { 'restora-instance-keyid': keyid },
          onHeader: (h) => {
            total = Number(h.get('restora-entries-total') ?? 0);
            limit = Number(h.get('restora-entries-limit') ?? 0);
          },
        },
      );
      // the folder itself comes first in restic's listing
      const entries = r.entries.filter((e) => e.path !== r.path);
      return { path: r.path, entries, shown: r.entries.length, total, limit };
    },
  });
  return (
    <Stack gap="xs" aria-label="Remote snapshot files">
      <Group justify="space-between">
        <Text size="sm">
          Snapshot{' '}
          <Text span ff="monospace">
            {snapshotId.slice(0, 8)}
          </Text>{' '}
          of {repoId}:{' '}
          <Text span ff="monospace" data-testid="remote-path">
            {path}
          </Text>
        </Text>
        <Group gap="xs">
          {path !== '/' && (
            <Button size="xs" variant="default" onClick={() => setPath(parentOf(path))}>
              Up
            </Button>
          )}
          <Button size="xs" variant="default" onClick={onClose}>
            Close
          </Button>
        </Group>
      </Group>
      {q.isPending && <Loader size="xs" aria-label="Loading files" />}
      {q.error && <Alert color="red">{errorMessage(q.error)}</Alert>}
      {q.data && q.data.total > q.data.shown && (
        <Alert color="yellow">
          Showing the first {q.data.shown.toLocaleString()} of {q.data.total.toLocaleString()} entries: a
          client sends at most {q.data.limit.toLocaleString()} entries of one folder.
        </Alert>
      )}
      {q.data && (
        <Table striped aria-label="Remote files">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Name</Table.Th>
              <Table.Th>Size</Table.Th>
              <Table.Th>Modified</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {q.data.entries.map((e) => (
              <Table.Tr key={e.path}>
                <Table.Td>
                  {e.type === 'dir' ? (
                    <Anchor component="button" type="button" onClick={() => setPath(e.path)}>
                      {e.name}/
                    </Anchor>
                  ) : (
                    e.name
                  )}
                </Table.Td>
                <Table.Td>{e.type === 'dir' ? '' : formatBytes(e.size)}</Table.Td>
                <Table.Td>{e.mtime ? formatTime(BigInt(Date.parse(e.mtime))) : ''}</Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
    </Stack>
  );
}

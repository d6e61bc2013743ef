import { Alert, Anchor, Breadcrumbs, Button, Group, Loader, Stack, Table, Text, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import type { LsEntry, Repo } from '@restora/proto';
import { useClients } from '../api/clients-context.js';
import { useOperations } from '../api/queries.js';
import { downloadOp } from '../components/op-actions.js';
import { RestoreModal } from '../components/restore-modal.js';
import { errorMessage, formatBytes, formatTime } from '../lib/format.js';
import { href } from '../router.js';

function link(repo: Repo, snapshotId: string, plan: string, path: string): string {
  return href(['snapshot', repo.id, snapshotId], { plan, path });
}

/** Navigates a snapshot's folders (ListSnapshotFiles); restore or download any entry. */
export default function SnapshotBrowser({
  repo,
  snapshotId,
  query,
}: {
  repo: Repo;
  snapshotId: string;
  query: URLSearchParams;
}) {
  const clients = useClients();
  const path = query.get('path') || '/';
  const plan = query.get('plan') || '';
  const [restorePath, setRestorePath] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const files = useQuery({
    queryKey: ['ls', repo.id, snapshotId, path],
    queryFn: () => clients.backrest.listSnapshotFiles({ repoId: repo.id, snapshotId, path }),
    staleTime: Infinity,
  });
  // Downloads are addressed through the snapshot's index operation.
  const ops = useOperations({ snapshotId });
  const indexOp = ops.data?.find((o) => o.op.case === 'operationIndexSnapshot');
  const parts = path.split('/').filter(Boolean);
  const entries = (files.data?.entries ?? []).filter(
    (e) => e.path !== path && e.path !== path.replace(/\/$/, ''),
  );
  const download = (e: LsEntry) => {
    if (!indexOp)
      return setError('This snapshot is not indexed yet: run "Index snapshots" on the repository.');
    downloadOp(clients, indexOp.id, e.path).catch((err: unknown) => setError(errorMessage(err)));
  };
  return (
    <Stack>
      <Title order={2}>Snapshot {snapshotId.slice(0, 8)}</Title>
      <Breadcrumbs separator="/" aria-label="Folder path">
        <Anchor href={link(repo, snapshotId, plan, '/')}>{repo.id}</Anchor>
        {parts.map((p, i) => (
          <Anchor key={i} href={link(repo, snapshotId, plan, `/${parts.slice(0, i + 1).join('/')}`)}>
            {p}
          </Anchor>
        ))}
      </Breadcrumbs>
      <Group gap="xs">
        <Button size="xs" variant="light" onClick={() => setRestorePath(path)}>
          Restore this folder
        </Button>
      </Group>
      {error && (
        <Alert
          color="red"
          role="alert"
          withCloseButton
          closeButtonLabel="Dismiss"
          onClose={() => setError(null)}
        >
          {error}
        </Alert>
      )}
      {files.isPending ? (
        <Loader aria-label="Loading files" />
      ) : files.isError ? (
        <Alert color="red">{errorMessage(files.error)}</Alert>
      ) : (
        <Table.ScrollContainer minWidth={520}>
          <Table highlightOnHover aria-label="Snapshot files">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Name</Table.Th>
                <Table.Th>Size</Table.Th>
                <Table.Th>Modified</Table.Th>
                <Table.Th>Actions</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {entries.map((e) => (
                <Table.Tr key={e.path}>
                  <Table.Td>
                    {e.type === 'dir' ? (
                      <Anchor href={link(repo, snapshotId, plan, e.path)}>{e.name}/</Anchor>
                    ) : (
                      <Text size="sm">{e.name}</Text>
                    )}
                  </Table.Td>
                  <Table.Td>{e.type === 'dir' ? '–' : formatBytes(e.size)}</Table.Td>
                  <Table.Td>{e.mtime ? formatTime(Date.parse(e.mtime)) : ''}</Table.Td>
                  <Table.Td>
                    <Group gap={4} wrap="nowrap">
                      <Button
                        size="compact-xs"
                        variant="light"
                        onClick={() => setRestorePath(e.path)}
                        aria-label={`Restore ${e.name}`}
                      >
                        Restore
                      </Button>
                      <Button
                        size="compact-xs"
                        variant="default"
                        onClick={() => download(e)}
                        aria-label={`Download ${e.name}`}
                      >
                        Download
                      </Button>
                    </Group>
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
      <RestoreModal
        opened={restorePath !== null}
        onClose={() => setRestorePath(null)}
        repoId={repo.id}
        planId={plan}
        snapshotId={snapshotId}
        path={restorePath ?? '/'}
      />
    </Stack>
  );
}

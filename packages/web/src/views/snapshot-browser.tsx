import { Alert, Anchor, Breadcrumbs, Button, Divider, Group, Stack, Text, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import type { LsEntry, Repo } from '@restora/proto';
import { useClients } from '../api/clients-context.js';
import { useOperations } from '../api/queries.js';
import { downloadOp } from '../components/op-actions.js';
import { RestoreModal } from '../components/restore-modal.js';
import { SnapshotDiff } from '../components/snapshot-diff.js';
import { SnapshotSearch } from '../components/snapshot-search.js';
import { SnapshotTree } from '../components/snapshot-tree.js';
import { errorMessage, formatBytes } from '../lib/format.js';
import { href } from '../router.js';

function link(repo: Repo, snapshotId: string, plan: string, path: string): string {
  return href(['snapshot', repo.id, snapshotId], { plan, path });
}

/**
 * A snapshot's folders as a tree (from the server's snapshot index), a search over the plan's snapshots and, with
 * `compare=<snapshot>`, what changed since that snapshot; restore or download any entry.
 */
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
  const compare = query.get('compare') || '';
  const [restorePath, setRestorePath] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const index = useQuery({
    queryKey: ['index-status', repo.id],
    queryFn: () => clients.snapshotIndex.status({ repoId: repo.id }),
    refetchInterval: (q) => (q.state.data?.repos[0]?.pendingSnapshots ? 3000 : false),
  });
  const indexed = index.data?.repos[0];
  // Downloads are addressed through the snapshot's index operation.
  const ops = useOperations({ snapshotId });
  const indexOp = ops.data?.find((o) => o.op.case === 'operationIndexSnapshot');
  const parts = path.split('/').filter(Boolean);
  const download = (e: LsEntry) => {
    if (!indexOp)
      return setError('This snapshot is not indexed yet: run "Index snapshots" on the repository.');
    downloadOp(clients, indexOp.id, e.path).catch((err: unknown) => setError(errorMessage(err)));
  };
  return (
    <Stack>
      <Title order={2}>Snapshot {snapshotId.slice(0, 8)}</Title>
      {indexed && (
        <Text size="xs" c="dimmed" aria-label="Snapshot index">
          Index of {repo.id}: {indexed.indexedSnapshots} snapshots
          {indexed.pendingSnapshots
            ? `, ${indexed.pendingSnapshots} being indexed (read from restic meanwhile)`
            : ''}
          , {formatBytes(indexed.sizeBytes)} on disk
        </Text>
      )}
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
      {compare && (
        <>
          <SnapshotDiff repoId={repo.id} from={compare} to={snapshotId} />
          <Divider />
        </>
      )}
      <SnapshotTree
        repoId={repo.id}
        snapshotId={snapshotId}
        path={path}
        linkFor={(p) => link(repo, snapshotId, plan, p)}
        actions={(e) => (
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
        )}
      />
      <Divider />
      <SnapshotSearch repoId={repo.id} planId={plan} linkFor={(id, dir) => link(repo, id, plan, dir)} />
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

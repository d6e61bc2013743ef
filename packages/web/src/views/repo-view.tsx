import { Alert, Button, Code, Group, Loader, Stack, Tabs, Text, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { lazy, Suspense, useMemo, useState } from 'react';
import type { Config, Repo } from '@restora/proto';
import { useClients } from '../api/clients-context.js';
import { useOperations } from '../api/queries.js';
import { OperationList } from '../components/op-list.js';
import { RepoActions } from '../components/repo-actions.js';
import { RepoDoctor } from '../components/repo-doctor.js';
import { SnapshotActions } from '../components/snapshot-actions.js';
import { SnapshotTable } from '../components/snapshot-table.js';
import { errorMessage } from '../lib/format.js';
import { href } from '../router.js';

const RepoSizeChart = lazy(() =>
  import('../components/charts.js').then((m) => ({ default: m.RepoSizeChart })),
);

/** A repository: operations, snapshots, stats charts and maintenance actions. */
export default function RepoView({ repo }: { config: Config; repo: Repo }) {
  const { backrest } = useClients();
  const [tab, setTab] = useState<string | null>('ops');
  const ops = useOperations(repo.guid ? { repoGuid: repo.guid } : { planId: '__none__' });
  const snaps = useQuery({
    queryKey: ['snapshots', repo.id],
    enabled: tab === 'snapshots',
    queryFn: () => backrest.listSnapshots({ repoId: repo.id }),
  });
  const stats = useMemo(
    () =>
      (ops.data ?? []).flatMap((o) =>
        o.op.case === 'operationStats' && o.op.value.stats
          ? [
              {
                t: Number(o.unixTimeStartMs),
                size: Number(o.op.value.stats.totalSize),
                snapshots: Number(o.op.value.stats.snapshotCount),
              },
            ]
          : [],
      ),
    [ops.data],
  );
  // restic 0.14 snapshots carry no summary: the backup that made each one knows what it added.
  const added = useMemo(() => {
    const m = new Map<string, bigint>();
    for (const o of ops.data ?? []) {
      const e = o.op.case === 'operationBackup' ? o.op.value.lastStatus?.entry : undefined;
      if (e?.case === 'summary' && e.value.snapshotId) m.set(e.value.snapshotId, e.value.dataAdded);
    }
    return m;
  }, [ops.data]);
  return (
    <Stack>
      <Group justify="space-between" align="flex-start">
        <div>
          <Title order={2}>Repository {repo.id}</Title>
          <Code>{repo.uri}</Code>
        </div>
        {repo.originInstanceId ? (
          <Text size="sm" c="dimmed" maw={340} data-testid="repo-read-only">
            Shared by {repo.originInstanceId}: read-only here; change it on {repo.originInstanceId}.
          </Text>
        ) : (
          <Button variant="default" component="a" href={href(['repos', repo.id, 'edit'])}>
            Edit repository
          </Button>
        )}
      </Group>
      <RepoActions repo={repo} />
      <RepoDoctor repoId={repo.id} />
      <Tabs value={tab} onChange={setTab} keepMounted={false}>
        <Tabs.List>
          <Tabs.Tab value="ops">Operations</Tabs.Tab>
          <Tabs.Tab value="snapshots">Snapshots</Tabs.Tab>
          <Tabs.Tab value="stats">Stats</Tabs.Tab>
        </Tabs.List>
        <Tabs.Panel value="ops" pt="md">
          {ops.isPending ? (
            <Loader aria-label="Loading operations" />
          ) : ops.isError ? (
            <Alert color="red">{errorMessage(ops.error)}</Alert>
          ) : (
            <OperationList ops={ops.data} />
          )}
        </Tabs.Panel>
        <Tabs.Panel value="snapshots" pt="md">
          {snaps.isPending ? (
            <Loader aria-label="Loading snapshots" />
          ) : snaps.isError ? (
            <Alert color="red">{errorMessage(snaps.error)}</Alert>
          ) : (
            <SnapshotTable
              repoId={repo.id}
              snapshots={snaps.data.snapshots}
              added={added}
              actions={(s) => <SnapshotActions repoId={repo.id} snapshot={s} />}
            />
          )}
        </Tabs.Panel>
        <Tabs.Panel value="stats" pt="md">
          {stats.length === 0 ? (
            <Text c="dimmed">No stats yet: press "Compute stats" above to measure the repository.</Text>
          ) : (
            <Suspense fallback={<Loader aria-label="Loading charts" />}>
              <RepoSizeChart points={stats} />
            </Suspense>
          )}
        </Tabs.Panel>
      </Tabs>
    </Stack>
  );
}

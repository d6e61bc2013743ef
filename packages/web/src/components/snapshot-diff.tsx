import { Alert, Badge, Loader, Stack, Table, Text, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { IndexChangeKind } from '@restora/proto';
import { useClients } from '../api/clients-context.js';
import { Pager } from './pager.js';
import { errorMessage, formatBytes } from '../lib/format.js';

const PAGE = 200;
const KIND: Record<number, [string, string]> = {
  [IndexChangeKind.ADDED]: ['added', 'green'],
  [IndexChangeKind.REMOVED]: ['removed', 'red'],
  [IndexChangeKind.CHANGED]: ['changed', 'yellow'],
};

/** Files added, removed and changed from snapshot `from` to `to` (from the server's snapshot index), paged. */
export function SnapshotDiff({ repoId, from, to }: { repoId: string; from: string; to: string }) {
  const clients = useClients();
  const [offset, setOffset] = useState(0);
  const diff = useQuery({
    queryKey: ['index-diff', repoId, from, to, offset],
    queryFn: () =>
      clients.snapshotIndex.diff({ repoId, fromSnapshotId: from, toSnapshotId: to, offset, limit: PAGE }),
    staleTime: Infinity,
    // a snapshot still being indexed answers "unavailable": ask again shortly
    retry: 5,
    retryDelay: 2000,
  });
  return (
    <Stack gap="xs" aria-label="Snapshot comparison">
      <Title order={4}>Changes since {from.slice(0, 8)}</Title>
      {diff.isPending ? (
        <Loader size="xs" aria-label="Comparing" />
      ) : diff.isError ? (
        <Alert color="red">{errorMessage(diff.error)}</Alert>
      ) : (
        <>
          <Text size="sm" c="dimmed">
            {diff.data.total === 0
              ? 'No files changed.'
              : `${diff.data.total} change${diff.data.total === 1 ? '' : 's'} ` +
                `(showing ${offset + 1}–${offset + diff.data.entries.length})`}
          </Text>
          {diff.data.entries.length > 0 && (
            <Table aria-label="Changes" highlightOnHover>
              <Table.Tbody>
                {diff.data.entries.map((d, i) => {
                  const [label, color] = KIND[d.kind] ?? ['?', 'gray'];
                  return (
                    <Table.Tr key={`${d.entry!.path}#${i}`}>
                      <Table.Td w={130}>
                        <Badge color={color} variant="light" style={{ overflow: 'visible' }}>
                          {label}
                        </Badge>
                      </Table.Td>
                      <Table.Td>
                        <Text size="sm">{d.entry!.path}</Text>
                      </Table.Td>
                      <Table.Td>
                        {d.entry!.type === 'dir'
                          ? '–'
                          : d.before
                            ? `${formatBytes(d.before.size)} → ${formatBytes(d.entry!.size)}`
                            : formatBytes(d.entry!.size)}
                      </Table.Td>
                    </Table.Tr>
                  );
                })}
              </Table.Tbody>
            </Table>
          )}
          <Pager offset={offset} page={PAGE} hasMore={diff.data.hasMore} onChange={setOffset} />
        </>
      )}
    </Stack>
  );
}

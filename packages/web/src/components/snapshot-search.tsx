import { Alert, Anchor, Button, Group, Loader, Stack, Table, Text, TextInput } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { useClients } from '../api/clients-context.js';
import { Pager } from './pager.js';
import { errorMessage, formatBytes, formatTime } from '../lib/format.js';

const PAGE = 100;

/** Files by name or glob across the indexed snapshots of a repo (or one plan), each version with its snapshots. */
export function SnapshotSearch({
  repoId,
  planId,
  linkFor,
}: {
  repoId: string;
  planId: string;
  /** Opens a snapshot at a folder. */
  linkFor: (snapshotId: string, dir: string) => string;
}) {
  const clients = useClients();
  // Backrest's id for snapshots no plan made: those are searched with the whole repository
  const plan = planId === '_unassociated_' ? '' : planId;
  const [text, setText] = useState('');
  const [pattern, setPattern] = useState('');
  const [offset, setOffset] = useState(0);
  const found = useQuery({
    queryKey: ['index-search', repoId, plan, pattern, offset],
    queryFn: () =>
      clients.snapshotIndex.search({
        repoId,
        planId: plan,
        pattern,
        ignoreCase: true,
        offset,
        limit: PAGE,
      }),
    enabled: pattern !== '',
  });
  const submit = () => {
    setPattern(text.trim());
    setOffset(0);
  };
  return (
    <Stack gap="xs">
      <Group gap="xs" align="end">
        <TextInput
          label={
            plan ? "Search files in this plan's snapshots" : "Search files in this repository's snapshots"
          }
          placeholder="name or glob, e.g. *.pdf"
          value={text}
          onChange={(e) => setText(e.currentTarget.value)}
          onKeyDown={(e) => e.key === 'Enter' && submit()}
          w={320}
        />
        <Button size="sm" onClick={submit} disabled={!text.trim()}>
          Search
        </Button>
      </Group>
      {found.isFetching && <Loader size="xs" aria-label="Searching" />}
      {found.isError && <Alert color="red">{errorMessage(found.error)}</Alert>}
      {found.data && (
        <>
          <Text size="sm" c="dimmed" aria-label="Search summary">
            {found.data.searchedSnapshots} snapshots searched
            {found.data.pendingSnapshots ? `, ${found.data.pendingSnapshots} not indexed yet` : ''}
            {found.data.hits.length === 0 ? ': no match' : ''}
          </Text>
          {found.data.hits.length > 0 && (
            <Table aria-label="Search results" highlightOnHover>
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>Path</Table.Th>
                  <Table.Th>Size</Table.Th>
                  <Table.Th>Modified</Table.Th>
                  <Table.Th>Snapshots</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {found.data.hits.map((h, i) => {
                  const e = h.entry!;
                  const dir = e.path.slice(0, e.path.lastIndexOf('/')) || '/';
                  return (
                    <Table.Tr key={`${e.path}#${i}`}>
                      <Table.Td>
                        <Text size="sm">{e.path}</Text>
                      </Table.Td>
                      <Table.Td>{e.type === 'dir' ? '–' : formatBytes(e.size)}</Table.Td>
                      <Table.Td>{e.mtime ? formatTime(Date.parse(e.mtime)) : ''}</Table.Td>
                      <Table.Td>
                        <Group gap={6}>
                          {h.snapshotIds.map((id) => (
                            <Anchor key={id} size="sm" href={linkFor(id, dir)}>
                              {id.slice(0, 8)}
                            </Anchor>
                          ))}
                        </Group>
                      </Table.Td>
                    </Table.Tr>
                  );
                })}
              </Table.Tbody>
            </Table>
          )}
          <Pager offset={offset} page={PAGE} hasMore={found.data.hasMore} onChange={setOffset} />
        </>
      )}
    </Stack>
  );
}

import { ActionIcon, Anchor, Group, Loader, Table, Text } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { Fragment, useState, type ReactNode } from 'react';
import type { LsEntry } from '@restora/proto';
import { useClients } from '../api/clients-context.js';
import { errorMessage, formatBytes, formatTime } from '../lib/format.js';

export interface TreeProps {
  repoId: string;
  snapshotId: string;
  /** Folder shown at the top level. */
  path: string;
  /** Link that opens a folder as the top level. */
  linkFor: (path: string) => string;
  actions: (e: LsEntry) => ReactNode;
}

/** One folder's entries (ListSnapshotFiles: from the server's snapshot index), cached for the page's life. */
export function useFolder(repoId: string, snapshotId: string, path: string, enabled = true) {
  const clients = useClients();
  return useQuery({
    queryKey: ['ls', repoId, snapshotId, path],
    queryFn: () => clients.backrest.listSnapshotFiles({ repoId, snapshotId, path }),
    staleTime: Infinity,
    enabled,
    select: (r) => r.entries.filter((e) => e.path !== path && e.path !== path.replace(/\/$/, '')),
  });
}

function Rows({ depth, dir, ...p }: TreeProps & { depth: number; dir: string }) {
  const folder = useFolder(p.repoId, p.snapshotId, dir);
  const [open, setOpen] = useState<Record<string, boolean>>({});
  if (folder.isPending)
    return (
      <Table.Tr>
        <Table.Td colSpan={4} pl={depth * 20}>
          <Loader size="xs" aria-label="Loading files" />
        </Table.Td>
      </Table.Tr>
    );
  if (folder.isError)
    return (
      <Table.Tr>
        <Table.Td colSpan={4} pl={depth * 20}>
          <Text c="red" size="sm" role="alert">
            {errorMessage(folder.error)}
          </Text>
        </Table.Td>
      </Table.Tr>
    );
  return (
    <>
      {folder.data.map((e) => (
        <Fragment key={e.path}>
          <Table.Tr data-tree-depth={depth}>
            <Table.Td pl={depth * 20}>
              <Group gap={4} wrap="nowrap">
                {e.type === 'dir' ? (
                  <>
                    <ActionIcon
                      size="xs"
                      variant="subtle"
                      aria-expanded={!!open[e.path]}
                      aria-label={`${open[e.path] ? 'Collapse' : 'Expand'} ${e.name}`}
                      onClick={() => setOpen((o) => ({ ...o, [e.path]: !o[e.path] }))}
                    >
                      {open[e.path] ? '▾' : '▸'}
                    </ActionIcon>
                    <Anchor href={p.linkFor(e.path)}>{e.name}/</Anchor>
                  </>
                ) : (
                  <Text size="sm" pl={26}>
                    {e.name}
                  </Text>
                )}
              </Group>
            </Table.Td>
            <Table.Td>{e.type === 'dir' ? '–' : formatBytes(e.size)}</Table.Td>
            <Table.Td>{e.mtime ? formatTime(Date.parse(e.mtime)) : ''}</Table.Td>
            <Table.Td>{p.actions(e)}</Table.Td>
          </Table.Tr>
          {e.type === 'dir' && open[e.path] && <Rows {...p} depth={depth + 1} dir={e.path} />}
        </Fragment>
      ))}
    </>
  );
}

/** A snapshot's folders as a tree: folders expand in place (each fetched once), or open as the top level. */
export function SnapshotTree(p: TreeProps) {
  return (
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
          <Rows {...p} depth={0} dir={p.path} />
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}

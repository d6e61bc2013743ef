import { Anchor, Table, Text } from '@mantine/core';
import type { ResticSnapshot } from '@restora/proto';
import { formatBytes, formatTime } from '../lib/format.js';
import { href } from '../router.js';

function planOf(s: ResticSnapshot): string {
  return s.tags.find((t) => t.startsWith('plan:'))?.slice(5) ?? '_unassociated_';
}

export function SnapshotTable({ repoId, snapshots }: { repoId: string; snapshots: ResticSnapshot[] }) {
  if (snapshots.length === 0) return <Text c="dimmed">No snapshots.</Text>;
  return (
    <Table.ScrollContainer minWidth={560}>
      <Table striped highlightOnHover>
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Time</Table.Th>
            <Table.Th>Id</Table.Th>
            <Table.Th>Plan</Table.Th>
            <Table.Th>Host</Table.Th>
            <Table.Th>Added</Table.Th>
            <Table.Th>Paths</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {[...snapshots].reverse().map((s, i, newestFirst) => {
            // the plan's snapshot before this one: what "compare with previous" diffs against
            const prev = newestFirst.slice(i + 1).find((o) => planOf(o) === planOf(s));
            return (
              <Table.Tr key={s.id}>
                <Table.Td>{formatTime(s.unixTimeMs)}</Table.Td>
                <Table.Td>
                  <Anchor
                    href={href(['snapshot', repoId, s.id], { plan: planOf(s) })}
                    aria-label={`Browse snapshot ${s.id.slice(0, 8)}`}
                  >
                    {s.id.slice(0, 8)}
                  </Anchor>
                  {prev && (
                    <Anchor
                      ml="xs"
                      size="xs"
                      href={href(['snapshot', repoId, s.id], { plan: planOf(s), compare: prev.id })}
                      aria-label={`Compare ${s.id.slice(0, 8)} with previous snapshot`}
                    >
                      compare with previous
                    </Anchor>
                  )}
                </Table.Td>
                <Table.Td>{planOf(s)}</Table.Td>
                <Table.Td>{s.hostname}</Table.Td>
                <Table.Td>{s.summary ? formatBytes(s.summary.dataAdded) : '–'}</Table.Td>
                <Table.Td>
                  <Text size="sm" truncate maw={260}>
                    {s.paths.join(', ')}
                  </Text>
                </Table.Td>
              </Table.Tr>
            );
          })}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}

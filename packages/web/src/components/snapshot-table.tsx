import { Anchor, Table, Text } from '@mantine/core';
import type { ResticSnapshot } from '@restora/proto';
import { formatBytes, formatTime } from '../lib/format.js';
import { href } from '../router.js';

/** The plan id links carry; '_unassociated_' is Backrest's id for snapshots no plan made (never shown). */
function planOf(s: ResticSnapshot): string {
  return s.tags.find((t) => t.startsWith('plan:'))?.slice(5) ?? '_unassociated_';
}

const NO_ADDED =
  'restic 0.14 does not record the data added in a snapshot, and no backup operation here made this one';

/** Data added by a snapshot: restic ≥ 0.17 stores it; for older ones, the summary of the backup that made it. */
function AddedCell({ s, added }: { s: ResticSnapshot; added?: ReadonlyMap<string, bigint> }) {
  const bytes = s.summary ? s.summary.dataAdded : added?.get(s.id);
  if (bytes !== undefined) return <>{formatBytes(bytes)}</>;
  return (
    <Text span size="sm" c="dimmed" title={NO_ADDED}>
      n/a
    </Text>
  );
}

export function SnapshotTable({
  repoId,
  snapshots,
  added,
  actions,
}: {
  repoId: string;
  snapshots: ResticSnapshot[];
  /** Data added per snapshot id, from backup operations (for restic versions that do not store it). */
  added?: ReadonlyMap<string, bigint>;
  /** Per-row actions, shown in the first column so they stay on screen on a phone. */
  actions?: (s: ResticSnapshot) => React.ReactNode;
}) {
  if (snapshots.length === 0)
    return <Text c="dimmed">No snapshots yet: run a backup of a plan that uses this repository.</Text>;
  return (
    <Table.ScrollContainer minWidth={560}>
      <Table striped highlightOnHover>
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Snapshot</Table.Th>
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
                <Table.Td>
                  <Text size="sm">{formatTime(s.unixTimeMs)}</Text>
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
                  {actions?.(s)}
                </Table.Td>
                <Table.Td>
                  {planOf(s) === '_unassociated_' ? (
                    <Text span size="sm" c="dimmed" title="Not made by a plan of this instance">
                      none
                    </Text>
                  ) : (
                    planOf(s)
                  )}
                </Table.Td>
                <Table.Td>{s.hostname}</Table.Td>
                <Table.Td>
                  <AddedCell s={s} added={added} />
                </Table.Td>
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

import { Anchor, Box, Button, Group, Paper, Stack, Text, UnstyledButton } from '@mantine/core';
import { memo, useState } from 'react';
import { OperationStatus } from '@restora/proto';
import type { Operation } from '@restora/proto';
import { useClients } from '../api/clients-context.js';
import { errorMessage, formatClock } from '../lib/format.js';
import { isActive, isForgotten, opTypeLabel } from '../lib/ops.js';
import { href } from '../router.js';
import { LogView } from './log-view.js';
import { downloadOp } from './op-actions.js';
import { OpProgress } from './op-progress.js';
import { BackupSummary, OpDuration, opSummary } from './op-summary.js';
import { StatusBadge } from './status-badge.js';

/** A snapshot link, unless the snapshot was forgotten (its index op says so, in this op or its flow). */
function snapshotLink(op: Operation, flow: readonly Operation[]): string | null {
  const snap = op.op.case === 'operationIndexSnapshot' ? op.op.value.snapshot?.id : op.snapshotId;
  if (!snap || isForgotten(snap, [op, ...flow])) return null;
  return href(['snapshot', op.repoId, snap], { plan: op.planId });
}

function OpActions({ op, flow = [] }: { op: Operation; flow?: readonly Operation[] }) {
  const clients = useClients();
  const [err, setErr] = useState<string | null>(null);
  const run = (f: () => Promise<unknown>) => () => void f().catch((e: unknown) => setErr(errorMessage(e)));
  const link = snapshotLink(op, flow);
  return (
    <Group gap="xs">
      {isActive(op) && (
        <Button
          size="compact-xs"
          color="red"
          variant="light"
          onClick={run(() => clients.backrest.cancel({ operationId: op.id }))}
        >
          Cancel
        </Button>
      )}
      {link && (
        <Button size="compact-xs" variant="light" component="a" href={link}>
          Browse snapshot
        </Button>
      )}
      {op.op.case === 'operationRestore' && op.status === OperationStatus.STATUS_SUCCESS && (
        <Button size="compact-xs" variant="light" onClick={run(() => downloadOp(clients, op.id, ''))}>
          Download restored files
        </Button>
      )}
      {err && (
        <Text size="xs" c="red" role="alert">
          {err}
        </Text>
      )}
    </Group>
  );
}

function OpLine({
  op,
  flow = [],
  onToggle,
  expanded,
}: {
  op: Operation;
  flow?: readonly Operation[];
  onToggle?: () => void;
  expanded?: boolean;
}) {
  const failed = op.status === OperationStatus.STATUS_ERROR;
  const forgotten =
    op.op.case === 'operationBackup' && !!op.snapshotId && isForgotten(op.snapshotId, flow)
      ? ' · forgotten'
      : '';
  const header = (
    <Group gap="xs" wrap="wrap" style={{ minWidth: 0, rowGap: 2 }}>
      <StatusBadge status={op.status} />
      <Text size="sm" fw={600} span>
        {opTypeLabel(op)}
      </Text>
      <Text size="xs" c="dimmed" span>
        {formatClock(op.unixTimeStartMs)}
      </Text>
      <OpDuration op={op} />
      <Text size="sm" truncate span c={failed ? 'red' : undefined} style={{ minWidth: 0, flex: '1 1 16rem' }}>
        {failed ? op.displayMessage.split('\n')[0] : opSummary(op) + forgotten}
      </Text>
    </Group>
  );
  if (!onToggle) return header;
  return (
    <UnstyledButton
      onClick={onToggle}
      aria-expanded={expanded}
      aria-label={`${expanded ? 'Hide' : 'Show'} details of ${opTypeLabel(op)} operation ${op.id}`}
      w="100%"
    >
      {header}
    </UnstyledButton>
  );
}

function OpDetails({ op, children }: { op: Operation; children: Operation[] }) {
  const errors = op.op.case === 'operationBackup' ? op.op.value.errors : [];
  const logref =
    op.logref ||
    (op.op.case === 'operationPrune' ||
    op.op.case === 'operationCheck' ||
    op.op.case === 'operationRunCommand'
      ? op.op.value.outputLogref
      : '');
  return (
    <Stack gap="xs" mt="xs">
      {op.displayMessage && (
        <Text
          size="sm"
          c={op.status === OperationStatus.STATUS_ERROR ? 'red' : undefined}
          style={{ whiteSpace: 'pre-wrap' }}
        >
          {op.displayMessage}
        </Text>
      )}
      <BackupSummary op={op} />
      {errors.length > 0 && (
        <Stack gap={2}>
          {errors.map((e, i) => (
            <Text key={i} size="xs" c="red">
              {e.during} {e.item}: {e.message}
            </Text>
          ))}
        </Stack>
      )}
      {children.map((c) => (
        <Box key={c.id.toString()} pl="md">
          <OpLine op={c} />
          <OpActions op={c} flow={children} />
        </Box>
      ))}
      {logref && <LogView logref={logref} hideWhenEmpty={op.op.case === 'operationBackup'} />}
    </Stack>
  );
}

export type FlowRowProps = {
  main: Operation;
  children: Operation[];
  expanded: boolean;
  onToggle: (key: string) => void;
  rowKey: string;
};

/** One flow of the operation tree: the main op, live progress, and follow-ups on demand. */
export const FlowRow = memo(function FlowRow({ main, children, expanded, onToggle, rowKey }: FlowRowProps) {
  const failed =
    main.status === OperationStatus.STATUS_ERROR ||
    children.some((c) => c.status === OperationStatus.STATUS_ERROR);
  return (
    <Paper
      withBorder
      p="xs"
      radius="sm"
      data-op-row
      data-op-status={main.status}
      style={failed ? { borderColor: 'var(--mantine-color-red-6)' } : undefined}
    >
      <OpLine op={main} flow={children} expanded={expanded} onToggle={() => onToggle(rowKey)} />
      {main.status === OperationStatus.STATUS_INPROGRESS && (
        <Box mt={6}>
          <OpProgress op={main} />
        </Box>
      )}
      <Group justify="space-between" mt={4} gap="xs">
        <Text size="xs" c="dimmed">
          {children.length > 0 ? `${children.length} related operation(s)` : ''}
          {children.length > 0 && main.planId && main.planId !== '_system_' ? ' · ' : ''}
          {main.planId && main.planId !== '_system_' ? (
            <>
              plan{' '}
              <Anchor href={href(['plans', main.planId])} size="xs">
                {main.planId}
              </Anchor>
            </>
          ) : null}
        </Text>
        <OpActions op={main} flow={children} />
      </Group>
      {expanded && <OpDetails op={main} children={children} />}
    </Paper>
  );
});

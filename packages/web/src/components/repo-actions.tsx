import { Alert, Button, Group, Modal, Stack, Text, TextInput } from '@mantine/core';
import { useState } from 'react';
import { DoRepoTaskRequest_Task } from '@restora/proto';
import type { Repo } from '@restora/proto';
import { useClients } from '../api/clients-context.js';
import { useOperations } from '../api/queries.js';
import { ActionButton } from './action-button.js';
import { LogView } from './log-view.js';

const TASKS: [DoRepoTaskRequest_Task, string][] = [
  [DoRepoTaskRequest_Task.INDEX_SNAPSHOTS, 'Index snapshots'],
  [DoRepoTaskRequest_Task.UNLOCK, 'Unlock'],
  [DoRepoTaskRequest_Task.STATS, 'Compute stats'],
  [DoRepoTaskRequest_Task.PRUNE, 'Prune now'],
  [DoRepoTaskRequest_Task.CHECK, 'Check now'],
];

/** Tasks that delete data: a dialog says what happens before they run. */
const CONFIRM: Partial<Record<DoRepoTaskRequest_Task, string>> = {
  [DoRepoTaskRequest_Task.PRUNE]:
    'Prune deletes the data no snapshot references any more and rewrites packs. It can take long and holds an exclusive lock on the repository meanwhile.',
  [DoRepoTaskRequest_Task.FORGET]:
    "Forget removes the snapshots the repository's retention policy no longer keeps. This cannot be undone.",
};

/** The output of a RunCommand operation, inline under the command box. */
function CommandOutput({ opId }: { opId: bigint }) {
  const ops = useOperations({ ids: [opId] });
  const op = ops.data?.[0];
  const logref = op?.op.case === 'operationRunCommand' ? op.op.value.outputLogref : '';
  if (!logref) return null;
  return <LogView logref={logref} />;
}

/** Repo maintenance (DoRepoTask) and an arbitrary restic command (RunCommand) with its output inline. */
export function RepoActions({ repo }: { repo: Repo }) {
  const { backrest } = useClients();
  const [msg, setMsg] = useState<{ color: string; text: string } | null>(null);
  const [command, setCommand] = useState('snapshots');
  const [commandOp, setCommandOp] = useState<bigint | null>(null);
  const [confirm, setConfirm] = useState<readonly [DoRepoTaskRequest_Task, string] | null>(null);
  const onError = (text: string) => setMsg({ color: 'red', text });
  const tasks = repo.forgetPolicy
    ? [...TASKS, [DoRepoTaskRequest_Task.FORGET, 'Forget now'] as const]
    : TASKS;
  const queue = (task: DoRepoTaskRequest_Task, label: string) =>
    backrest
      .doRepoTask({ repoId: repo.id, task })
      .then(() => setMsg({ color: 'green', text: `${label}: queued, follow it under Operations below.` }));
  return (
    <Stack gap="xs">
      <Group gap="xs">
        {tasks.map(([task, label]) =>
          CONFIRM[task] ? (
            <Button key={task} variant="light" size="xs" onClick={() => setConfirm([task, label])}>
              {label}
            </Button>
          ) : (
            <ActionButton
              key={task}
              variant="light"
              size="xs"
              onError={onError}
              action={() => queue(task, label)}
            >
              {label}
            </ActionButton>
          ),
        )}
      </Group>
      <Modal
        opened={confirm !== null}
        onClose={() => setConfirm(null)}
        title={`${confirm?.[1] ?? ''}: are you sure?`}
        closeButtonProps={{ 'aria-label': 'Close dialog' }}
      >
        <Stack>
          <Text size="sm">{confirm && CONFIRM[confirm[0]]}</Text>
          <Group justify="flex-end">
            <Button variant="default" onClick={() => setConfirm(null)}>
              Cancel
            </Button>
            <ActionButton
              color="red"
              onError={(t) => (setConfirm(null), onError(t))}
              action={async () => {
                if (confirm) await queue(confirm[0], confirm[1]);
                setConfirm(null);
              }}
            >
              {`Yes, ${confirm?.[1].toLowerCase() ?? ''}`}
            </ActionButton>
          </Group>
        </Stack>
      </Modal>
      <Group gap="xs" align="flex-end" wrap="nowrap">
        <TextInput
          label="Run restic command"
          description="e.g. snapshots, stats --mode raw-data"
          value={command}
          onChange={(e) => setCommand(e.currentTarget.value)}
          style={{ flex: 1 }}
        />
        <ActionButton
          size="sm"
          onError={onError}
          action={async () => {
            setCommandOp(null);
            const res = await backrest.runCommand({ repoId: repo.id, command });
            setCommandOp(res.operationId);
          }}
        >
          Run
        </ActionButton>
      </Group>
      {commandOp !== null && <CommandOutput key={String(commandOp)} opId={commandOp} />}
      {msg && (
        <Alert
          color={msg.color}
          role="status"
          withCloseButton
          closeButtonLabel="Dismiss"
          onClose={() => setMsg(null)}
        >
          {msg.text}
        </Alert>
      )}
    </Stack>
  );
}

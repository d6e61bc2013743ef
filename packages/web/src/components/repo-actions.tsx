import { Alert, Group, Stack, TextInput } from '@mantine/core';
import { useState } from 'react';
import { DoRepoTaskRequest_Task } from '@restora/proto';
import type { Repo } from '@restora/proto';
import { useClients } from '../api/clients-context.js';
import { ActionButton } from './action-button.js';

const TASKS: [DoRepoTaskRequest_Task, string][] = [
  [DoRepoTaskRequest_Task.INDEX_SNAPSHOTS, 'Index snapshots'],
  [DoRepoTaskRequest_Task.UNLOCK, 'Unlock'],
  [DoRepoTaskRequest_Task.STATS, 'Compute stats'],
  [DoRepoTaskRequest_Task.PRUNE, 'Prune now'],
  [DoRepoTaskRequest_Task.CHECK, 'Check now'],
];

/** Repo maintenance (DoRepoTask) and an arbitrary restic command (RunCommand). */
export function RepoActions({ repo }: { repo: Repo }) {
  const { backrest } = useClients();
  const [msg, setMsg] = useState<{ color: string; text: string } | null>(null);
  const [command, setCommand] = useState('snapshots');
  const onError = (text: string) => setMsg({ color: 'red', text });
  const tasks = repo.forgetPolicy
    ? [...TASKS, [DoRepoTaskRequest_Task.FORGET, 'Forget now'] as const]
    : TASKS;
  return (
    <Stack gap="xs">
      <Group gap="xs">
        {tasks.map(([task, label]) => (
          <ActionButton
            key={task}
            variant="light"
            size="xs"
            onError={onError}
            onDone={() => setMsg({ color: 'green', text: `${label}: queued — follow it in Operations.` })}
            action={() => backrest.doRepoTask({ repoId: repo.id, task })}
          >
            {label}
          </ActionButton>
        ))}
      </Group>
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
          onDone={() => setMsg({ color: 'green', text: 'Command finished — its output is in Operations.' })}
          action={() => backrest.runCommand({ repoId: repo.id, command })}
        >
          Run
        </ActionButton>
      </Group>
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

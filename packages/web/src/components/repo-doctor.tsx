import { Alert, Button, Group, List, Stack, Text } from '@mantine/core';
import { IconCheck, IconX } from '@tabler/icons-react';
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { rest } from '../api/rest.js';
import { errorMessage, formatTime } from '../lib/format.js';

type Step = { step: string; success: boolean; output?: string | null; error?: string | null };
type RepoStatus = {
  status?: string;
  lastChecked?: number | null;
  doctorResult?: { success?: boolean; steps?: Step[] } | null;
};

/** Zerobyte's repository doctor (unlock, check, repair the index when needed) and its last result. */
export function RepoDoctor({ repoId }: { repoId: string }) {
  const path = `/repositories/${encodeURIComponent(repoId)}`;
  const [started, setStarted] = useState<number | null>(null);
  const [error, setError] = useState<string | null>(null);
  const q = useQuery({
    queryKey: ['rest', 'repository', repoId],
    queryFn: () => rest<RepoStatus>(path),
    // While a run we started has not reported, ask again every 2 s.
    refetchInterval: (query) =>
      started !== null && (query.state.data?.lastChecked ?? 0) < started ? 2000 : false,
  });
  const result = q.data?.doctorResult;
  const running = started !== null && (q.data?.lastChecked ?? 0) < started;
  return (
    <Stack gap="xs" data-testid="repo-doctor">
      <Group gap="xs">
        <Button
          size="xs"
          variant="light"
          loading={running}
          onClick={() => {
            setError(null);
            rest(`${path}/doctor`, { method: 'POST' }).then(
              () => setStarted(Date.now() - 1000),
              (e: unknown) => setError(errorMessage(e)),
            );
          }}
        >
          Run doctor
        </Button>
        <Text size="xs" c="dimmed">
          Unlocks, checks, and repairs the index when the check asks for it.
        </Text>
      </Group>
      {error && (
        <Alert color="red" role="alert">
          {error}
        </Alert>
      )}
      {result?.steps && result.steps.length > 0 && (
        <div>
          <Text size="sm" c={result.success ? 'green' : 'red'}>
            Doctor {result.success ? 'found the repository healthy' : 'found problems'}
            {q.data?.lastChecked ? ` (${formatTime(q.data.lastChecked)})` : ''}
          </Text>
          <List size="xs">
            {result.steps.map((s) => (
              <List.Item key={s.step}>
                {s.success ? <IconCheck size={12} color="green" /> : <IconX size={12} color="red" />} {s.step}
                {s.error ? `: ${s.error}` : ''}
              </List.Item>
            ))}
          </List>
        </div>
      )}
    </Stack>
  );
}

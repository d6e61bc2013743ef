import { Alert, Badge, Button, Checkbox, Group, Paper, Stack, Switch, Text, Title } from '@mantine/core';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { rest } from '../api/rest.js';
import { errorMessage, formatTime } from '../lib/format.js';
import { StatusAlert, useStatusMessage } from './status-message.js';

type Mirror = {
  repositoryId: string;
  enabled: boolean;
  lastSyncTask: { status: string; error: string | null; finishedAt: number | null } | null;
};
type Compat = { repositoryId: string; compatible: boolean; reason: string | null };
type Repository = { id: string; name: string };

/** Zerobyte's mirrors of a plan: other repositories its snapshots are copied to (restic copy) after each backup. */
export function PlanMirrors({ planId }: { planId: string }) {
  const qc = useQueryClient();
  const base = `/backups/${encodeURIComponent(planId)}/mirrors`;
  const key = ['rest', 'mirrors', planId];
  const q = useQuery({
    queryKey: key,
    queryFn: async () => {
      const [mirrors, compat, repos] = await Promise.all([
        rest<Mirror[]>(base),
        rest<Compat[]>(`${base}/compatibility`),
        rest<Repository[]>('/repositories'),
      ]);
      return { mirrors, compat, names: new Map(repos.map((r) => [r.id, r.name])) };
    },
  });
  const { msg, run } = useStatusMessage(() => qc.invalidateQueries({ queryKey: key }));
  const save = (next: Mirror[], ok: string) =>
    void run(
      () =>
        rest(base, {
          method: 'PUT',
          body: { mirrors: next.map((m) => ({ repositoryId: m.repositoryId, enabled: m.enabled })) },
        }),
      ok,
    );
  if (q.isPending) return null;
  if (q.isError) return <Alert color="red">{errorMessage(q.error)}</Alert>;
  const { mirrors, compat, names } = q.data;
  const nameOf = (id: string) => names.get(id) ?? id;
  const mirrorOf = (id: string) => mirrors.find((m) => m.repositoryId === id);
  return (
    <Paper withBorder p="md" data-testid="plan-mirrors">
      <Stack gap="xs">
        <Title order={4}>Mirrors</Title>
        <Text size="sm" c="dimmed">
          Each backup's snapshot is also copied to the repositories ticked here.
        </Text>
        {compat.length === 0 ? (
          <Text size="sm" c="dimmed">
            No other repository to mirror to: add a second repository first.
          </Text>
        ) : (
          <Stack gap="xs" role="list" aria-label="Mirror repositories">
            {compat.map((c) => {
              const m = mirrorOf(c.repositoryId);
              const name = nameOf(c.repositoryId);
              return (
                <Group key={c.repositoryId} role="listitem" gap="md" wrap="wrap">
                  <div>
                    <Checkbox
                      label={`Mirror to ${name}`}
                      checked={!!m}
                      disabled={!c.compatible && !m}
                      onChange={(e) =>
                        e.currentTarget.checked
                          ? save(
                              [
                                ...mirrors,
                                { repositoryId: c.repositoryId, enabled: true, lastSyncTask: null },
                              ],
                              `Mirroring to ${name}.`,
                            )
                          : save(
                              mirrors.filter((x) => x.repositoryId !== c.repositoryId),
                              `No longer mirroring to ${name}.`,
                            )
                      }
                    />
                  </div>
                  <div>
                    <Badge color={c.compatible ? 'green' : 'red'} variant="light" style={{ flexShrink: 0 }}>
                      {c.compatible ? 'compatible' : (c.reason ?? 'not compatible')}
                    </Badge>
                  </div>
                  <div>
                    {m && (
                      <Switch
                        label="Enabled"
                        aria-label={`Mirror to ${name} enabled`}
                        checked={m.enabled}
                        onChange={(e) => {
                          const enabled = e.currentTarget.checked;
                          save(
                            mirrors.map((x) => (x.repositoryId === c.repositoryId ? { ...x, enabled } : x)),
                            `Mirror to ${name} ${enabled ? 'enabled' : 'disabled'}.`,
                          );
                        }}
                      />
                    )}
                  </div>
                  <div>
                    {m?.lastSyncTask && (
                      <Text size="xs" c={m.lastSyncTask.error ? 'red' : 'dimmed'}>
                        last copy {m.lastSyncTask.status}
                        {m.lastSyncTask.finishedAt ? ` ${formatTime(m.lastSyncTask.finishedAt)}` : ''}
                        {m.lastSyncTask.error ? `: ${m.lastSyncTask.error}` : ''}
                      </Text>
                    )}
                    {m?.enabled && (
                      <Button
                        size="compact-xs"
                        variant="light"
                        onClick={() =>
                          void run(
                            () =>
                              rest(`${base}/${encodeURIComponent(c.repositoryId)}/sync`, {
                                method: 'POST',
                                body: {},
                              }),
                            `Copying snapshots to ${name}.`,
                          )
                        }
                      >
                        Copy now
                      </Button>
                    )}
                  </div>
                </Group>
              );
            })}
          </Stack>
        )}
        <StatusAlert msg={msg} />
      </Stack>
    </Paper>
  );
}

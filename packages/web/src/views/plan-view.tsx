import { Alert, Anchor, Button, Code, Group, Loader, Stack, Text, Title } from '@mantine/core';
import { Code as RpcCode, ConnectError } from '@connectrpc/connect';
import { useCallback, useState } from 'react';
import type { Config, Plan } from '@restora/proto';
import { useClients } from '../api/clients-context.js';
import { useOperations } from '../api/queries.js';
import { OperationList } from '../components/op-list.js';
import { PlanMirrors } from '../components/plan-mirrors.js';
import { errorMessage } from '../lib/format.js';
import { scheduleText } from '../lib/schedule-text.js';
import { href } from '../router.js';

/** Newest ops fetched when a plan opens: weeks of hourly backups, decoded in well under 100 ms. */
export const PLAN_PAGE_SIZE = 500;

/** A plan: what it backs up, "Backup now", and its live operation tree. */
export default function PlanView({
  config,
  plan,
  List = OperationList,
  pageSize = PLAN_PAGE_SIZE,
}: {
  config: Config;
  plan: Plan;
  /** Swappable for the bench's non-virtualised peer. */
  List?: typeof OperationList;
  /** Newest ops fetched first so the view opens fast; 0 = whole history at once. */
  pageSize?: number;
}) {
  const { backrest } = useClients();
  const repo = config.repos.find((r) => r.id === plan.repo);
  const selector = { planId: plan.id, ...(repo?.guid ? { repoGuid: repo.guid } : {}) };
  const [all, setAll] = useState(pageSize === 0);
  const recent = useOperations(selector, { lastN: pageSize, enabled: !all });
  const full = useOperations(selector, { enabled: all });
  // Keep showing the newest page while the whole history loads.
  const ops = all && !full.data && recent.data ? recent : all ? full : recent;
  const more = !all && (recent.data?.length ?? 0) >= pageSize;
  const loadAll = useCallback(() => setAll(true), []);
  const [error, setError] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);

  // Backup blocks until the task ends; progress shows up through the event stream meanwhile.
  function backup(dryRun: boolean) {
    setError(null);
    setNotice(dryRun ? 'Dry run started.' : 'Backup started.');
    backrest.backup({ value: plan.id, dryRun }).then(
      () => setNotice(dryRun ? 'Dry run finished.' : 'Backup finished.'),
      (e: unknown) => {
        // A user cancel ends the blocking Backup RPC with an error too: that is not a failure.
        const cancelled =
          ConnectError.from(e).code === RpcCode.Canceled || /cancelled by user/i.test(errorMessage(e));
        setNotice(cancelled ? 'Backup cancelled.' : null);
        if (!cancelled) setError(errorMessage(e));
      },
    );
  }

  return (
    <Stack>
      <Group justify="space-between" align="flex-start">
        <div>
          <Title order={2}>Plan {plan.id}</Title>
          <Text size="sm" c="dimmed">
            to <Anchor href={href(['repos', plan.repo])}>{plan.repo}</Anchor> · {scheduleText(plan.schedule)}
          </Text>
          <Text size="sm" c="dimmed">
            {plan.paths.map((p) => (
              <Code key={p} mr={4}>
                {p}
              </Code>
            ))}
          </Text>
        </div>
        <Group gap="xs">
          <Button onClick={() => backup(false)}>Backup now</Button>
          <Button variant="light" onClick={() => backup(true)}>
            Dry run
          </Button>
          <Button variant="default" component="a" href={href(['plans', plan.id, 'edit'])}>
            Edit plan
          </Button>
        </Group>
      </Group>
      {notice && (
        <Alert
          color="blue"
          role="status"
          withCloseButton
          closeButtonLabel="Dismiss"
          onClose={() => setNotice(null)}
        >
          {notice}
        </Alert>
      )}
      {error && (
        <Alert
          color="red"
          role="alert"
          title="Backup failed"
          withCloseButton
          closeButtonLabel="Dismiss"
          onClose={() => setError(null)}
          style={{ whiteSpace: 'pre-wrap' }}
        >
          {error}
        </Alert>
      )}
      <PlanMirrors planId={plan.id} />
      {ops.isPending ? (
        <Loader aria-label="Loading operations" />
      ) : ops.isError ? (
        <Alert color="red">{errorMessage(ops.error)}</Alert>
      ) : (
        <List ops={ops.data} onEndReached={more ? loadAll : undefined} />
      )}
      {more && (
        <Button variant="subtle" onClick={() => setAll(true)} style={{ alignSelf: 'center' }}>
          Load older operations
        </Button>
      )}
      {all && full.isFetching && (
        <Loader size="sm" aria-label="Loading older operations" style={{ alignSelf: 'center' }} />
      )}
    </Stack>
  );
}

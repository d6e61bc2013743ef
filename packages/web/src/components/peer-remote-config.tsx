import { Alert, Button, Group, Stack, Table, Text } from '@mantine/core';
import { create } from '@bufbuild/protobuf';
import { useState } from 'react';
import {
  CAN_WRITE_CONFIG,
  ConfigSchema,
  ConnectionState,
  RepoSchema,
  type Multihost_Peer,
  type PeerState,
  type Plan,
  type Repo,
} from '@restora/proto';
import PlanForm from '../views/plan-form.js';
import RepoForm from '../views/repo-form.js';
import { KindIdCell, permissionSet } from './peer-permissions.js';
import { StatusAlert, useStatusMessage } from './status-message.js';
import { useSyncStateClient } from './peer-states.js';

const planSummary = (p: Plan) =>
  `${p.paths.join(', ')} → ${p.repo}${p.excludes.length ? ` (excluding ${p.excludes.join(', ')})` : ''}`;

/** A plan or repo of the client open in its form; a plan without `plan` is a new one. */
type Editing = { kind: 'plan'; plan?: Plan } | { kind: 'repo'; repo: Repo } | null;

/**
 * Why this host may not edit one of the client's plans or repos, or null when it may: the client must be a Restora
 * instance (it says what it granted), have granted READ_WRITE_CONFIG on it, and be connected (edits travel its link).
 */
export function whyNotEditable(
  name: string,
  state: PeerState | undefined,
  kind: 'plan' | 'repo',
  id: string,
): string | null {
  const grants = state?.remoteConfig?.restoraGrants;
  if (!grants)
    return `${name} does not say what it lets this host change (a Backrest instance, or not connected yet): edit it on ${name}.`;
  const perms = permissionSet(grants.permissions);
  if (typeof perms === 'string') return `${name}'s grant cannot be read (${perms}): edit it on ${name}.`;
  const granted = kind === 'plan' ? perms.forPlan(id, CAN_WRITE_CONFIG) : perms.forRepo(id, CAN_WRITE_CONFIG);
  if (!granted)
    return `Read-only: ${name} did not grant this host “Edit config” on ${kind} ${id} (it is granted on ${name}’s Peers page).`;
  if (state?.state !== ConnectionState.CONNECTED)
    return `${name} is not connected: edits travel over its link, so they wait until it is back.`;
  return null;
}

/** Plans and repositories a client lets this host see; those it granted READ_WRITE_CONFIG on can be edited here. */
export function RemoteConfig({ peer, state }: { peer: Multihost_Peer; state: PeerState | undefined }) {
  const sync = useSyncStateClient();
  const [editing, setEditing] = useState<Editing>(null);
  const { msg, setMsg } = useStatusMessage();
  const name = peer.instanceId;
  const cfg = state?.remoteConfig;
  const full = !!(cfg?.plans.length || cfg?.repos.length);
  // ids the client shares without its config (READ_OPERATIONS only) are listed too, read-only
  const plans = full ? cfg!.plans : [];
  const repos: Repo[] = full
    ? cfg!.repos
    : (state?.knownRepos.map((r) => create(RepoSchema, { id: r.id, guid: r.guid })) ?? []);
  const planIds = full ? plans.map((p) => p.id) : (state?.knownPlans.map((p) => p.id) ?? []);
  if (!planIds.length && !repos.length)
    return (
      <Text c="dimmed">
        The client shares no plans or repositories with this host (or is not connected yet).
      </Text>
    );
  const granted =
    state?.remoteConfig?.restoraGrants && permissionSet(state.remoteConfig.restoraGrants.permissions);
  const canAdd =
    typeof granted === 'object' &&
    granted.hasType(CAN_WRITE_CONFIG) &&
    state?.state === ConnectionState.CONNECTED;
  // a refusal shows in the form; once sent, the client applies it and its config comes back in its peer state
  const push = async (change: Parameters<typeof sync.setRemoteClientConfig>[0]) => {
    await sync.setRemoteClientConfig({ ...change, peerKeyid: peer.keyid });
    setMsg({ color: 'green', text: `Sent to ${name}: it applies the change and reports its config back.` });
  };
  if (editing) {
    // the forms pick repos from the client's config, not this instance's
    const remote = create(ConfigSchema, { repos, plans });
    const done = () => setEditing(null);
    return editing.kind === 'plan' ? (
      <PlanForm
        config={remote}
        plan={editing.plan}
        target={{
          save: async (p) => {
            // a new plan's id must be in the grant's scope: said here, before anything is sent
            const why = whyNotEditable(name, state, 'plan', p.id);
            if (why) throw new Error(why);
            await push({ plans: [p] });
          },
          remove: (id) => push({ plansToDelete: [id] }),
          done,
        }}
      />
    ) : (
      <RepoForm
        config={remote}
        repo={editing.repo}
        target={{
          save: (r) => push({ repos: [r] }),
          remove: (id) => push({ reposToDelete: [id] }),
          done,
        }}
      />
    );
  }
  const row = (kind: 'plan' | 'repo', id: string, detail: string, edit: (() => void) | null) => {
    const why = edit ? whyNotEditable(name, state, kind, id) : null;
    return (
      <Table.Tr key={`${kind}:${id}`} data-remote={`${kind}:${id}`}>
        <KindIdCell kind={kind} id={id} />
        <Table.Td>
          <Text size="sm">{detail}</Text>
        </Table.Td>
        <Table.Td>
          {edit && !why ? (
            <Button size="xs" variant="light" onClick={edit}>
              Edit
            </Button>
          ) : (
            <Text size="xs" c="dimmed">
              {why ?? 'Ids only: the client did not grant this host “Read config”.'}
            </Text>
          )}
        </Table.Td>
      </Table.Tr>
    );
  };
  return (
    <Stack>
      {!full && (
        <Alert color="gray">
          Ids only: {name} lets this host read its operations but not its config, so nothing can be shown or
          edited here.
        </Alert>
      )}
      {full && (
        <Group>
          {canAdd ? (
            <Button size="xs" variant="light" onClick={() => setEditing({ kind: 'plan' })}>
              Add a plan
            </Button>
          ) : (
            <Text size="xs" c="dimmed">
              Adding a plan needs “Edit config” granted by {name} and its link up.
            </Text>
          )}
        </Group>
      )}
      <Table striped aria-label="Remote plans and repositories">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Plan / repository</Table.Th>
            <Table.Th>What it is</Table.Th>
            <Table.Th>Edit from here</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {full
            ? plans.map((p) => row('plan', p.id, planSummary(p), () => setEditing({ kind: 'plan', plan: p })))
            : planIds.map((id) => row('plan', id, '', null))}
          {repos.map((r) =>
            row('repo', r.id, r.uri, full ? () => setEditing({ kind: 'repo', repo: r }) : null),
          )}
        </Table.Tbody>
      </Table>
      <StatusAlert msg={msg} />
    </Stack>
  );
}

import { Divider, Paper, Select, Stack, TextInput, Title } from '@mantine/core';
import { clone, create } from '@bufbuild/protobuf';
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { PlanSchema, RetentionPolicySchema, ScheduleSchema, Schedule_Clock } from '@restora/proto';
import type { Config, Plan } from '@restora/proto';
import { useClients } from '../api/clients-context.js';
import { useSaveConfig } from '../api/use-save-config.js';
import { FormActions } from '../components/form-actions.js';
import { HooksEditor } from '../components/hooks-editor.js';
import { RetentionEditor } from '../components/retention-editor.js';
import { ScheduleEditor } from '../components/schedule-editor.js';
import { StringList } from '../components/string-list.js';
import { errorMessage } from '../lib/format.js';
import { navigate } from '../router.js';

function newPlan(config: Config): Plan {
  return create(PlanSchema, {
    repo: config.repos[0]?.id ?? '',
    paths: [''],
    schedule: create(ScheduleSchema, {
      schedule: { case: 'cron', value: '0 2 * * *' },
      clock: Schedule_Clock.LOCAL,
    }),
    retention: create(RetentionPolicySchema, { policy: { case: 'policyKeepLastN', value: 30 } }),
  });
}

/** Where a plan is saved instead of this instance's config: a client's, from its host (SetRemoteClientConfig). */
export interface PlanTarget {
  save(plan: Plan): Promise<void>;
  remove(id: string): Promise<void>;
  /** Closes the form (after saving, removing or cancelling). */
  done(): void;
}

/** Add or edit a backup plan. */
export default function PlanForm({
  config,
  plan,
  target,
}: {
  config: Config;
  plan?: Plan;
  target?: PlanTarget;
}) {
  const { backrest } = useClients();
  const save = useSaveConfig();
  const [p, setP] = useState<Plan>(() => (plan ? clone(PlanSchema, plan) : newPlan(config)));
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const update = (patch: Partial<Plan>) => setP((x) => create(PlanSchema, { ...x, ...patch }));
  const snaps = useQuery({
    queryKey: ['snapshots', plan?.repo, plan?.id],
    enabled: !!plan && !target,
    queryFn: () => backrest.listSnapshots({ repoId: plan!.repo, planId: plan!.id }),
  });

  async function submit(e: React.FormEvent) {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const clean = create(PlanSchema, {
        ...p,
        id: p.id.trim(),
        paths: p.paths.map((s) => s.trim()).filter(Boolean),
        excludes: p.excludes.filter((s) => s.trim()),
        iexcludes: p.iexcludes.filter((s) => s.trim()),
        backupFlags: p.backupFlags.filter((s) => s.trim()),
      });
      if (!clean.id) throw new Error('The plan needs an id');
      if (!plan && config.plans.some((x) => x.id === clean.id))
        throw new Error(`A plan named "${clean.id}" already exists`);
      if (target) return void (await target.save(clean), target.done());
      await save((c) => {
        const i = c.plans.findIndex((x) => x.id === (plan?.id ?? clean.id));
        if (i >= 0) c.plans[i] = clean;
        else c.plans.push(clean);
      });
      navigate(['plans', clean.id]);
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  }

  async function remove() {
    if (!plan || !window.confirm(`Delete plan "${plan.id}"? Its snapshots stay in the repository.`)) return;
    try {
      if (target) return void (await target.remove(plan.id), target.done());
      await save((c) => {
        c.plans = c.plans.filter((x) => x.id !== plan.id);
      });
      navigate([]);
    } catch (err) {
      setError(errorMessage(err));
    }
  }

  return (
    <Paper component="form" onSubmit={submit} maw={860} p={0}>
      <Stack>
        <Title order={2}>{plan ? `Edit plan ${plan.id}` : 'Add a backup plan'}</Title>
        <TextInput
          label="Plan id"
          required
          disabled={!!plan}
          value={p.id}
          onChange={(e) => update({ id: e.currentTarget.value })}
          placeholder="documents"
        />
        <Select
          label="Repository"
          required
          allowDeselect={false}
          data={config.repos.map((r) => r.id)}
          value={p.repo || null}
          onChange={(v) => update({ repo: v ?? '' })}
        />
        <StringList label="Paths" paths values={p.paths} onChange={(paths) => update({ paths })} />
        <StringList
          label="Excludes"
          values={p.excludes}
          onChange={(excludes) => update({ excludes })}
          placeholder="*.tmp"
          description="--exclude patterns"
        />
        <StringList
          label="Case-insensitive excludes"
          values={p.iexcludes}
          onChange={(iexcludes) => update({ iexcludes })}
          description="--iexclude patterns"
        />
        <Divider />
        <ScheduleEditor label="Schedule" value={p.schedule} onChange={(schedule) => update({ schedule })} />
        <Divider />
        <RetentionEditor
          value={p.retention}
          onChange={(retention) => update({ retention })}
          snapshotTimes={snaps.data?.snapshots.map((s) => Number(s.unixTimeMs))}
        />
        <Divider />
        <HooksEditor hooks={p.hooks} onChange={(hooks) => update({ hooks })} />
        <StringList
          label="Backup flags"
          values={p.backupFlags}
          onChange={(backupFlags) => update({ backupFlags })}
          placeholder="--one-file-system"
          description="Extra flags passed to restic backup"
        />
        <FormActions
          error={error}
          busy={busy}
          saveLabel={plan ? 'Save plan' : 'Create plan'}
          onCancel={target ? target.done : () => history.back()}
          onDelete={plan ? () => void remove() : undefined}
          deleteLabel="Delete plan"
        />
      </Stack>
    </Paper>
  );
}

import { Divider, NumberInput, Stack } from '@mantine/core';
import { create } from '@bufbuild/protobuf';
import {
  CheckPolicySchema,
  ForgetPolicySchema,
  PrunePolicySchema,
  ScheduleSchema,
  Schedule_Clock,
} from '@restora/proto';
import type { Repo } from '@restora/proto';
import { RetentionEditor } from './retention-editor.js';
import { ScheduleEditor } from './schedule-editor.js';

const monthly = () =>
  create(ScheduleSchema, {
    schedule: { case: 'cron', value: '0 0 1 * *' },
    clock: Schedule_Clock.LAST_RUN_TIME,
  });

/** Prune, check and forget policies of a repository, each with its own schedule. */
export function RepoPolicies({ repo, update }: { repo: Repo; update: (patch: Partial<Repo>) => void }) {
  const prune = repo.prunePolicy ?? create(PrunePolicySchema, { schedule: monthly(), maxUnusedPercent: 10 });
  const check =
    repo.checkPolicy ??
    create(CheckPolicySchema, { schedule: monthly(), mode: { case: 'readDataSubsetPercent', value: 0 } });
  const forget = repo.forgetPolicy;
  const subset = check.mode.case === 'readDataSubsetPercent' ? check.mode.value : 0;
  return (
    <Stack>
      <Divider label="Prune" labelPosition="left" />
      <ScheduleEditor
        label="Prune schedule"
        value={prune.schedule}
        allowNone={false}
        onChange={(schedule) => update({ prunePolicy: create(PrunePolicySchema, { ...prune, schedule }) })}
      />
      <NumberInput
        hideControls
        label="Max unused space (%)"
        min={0}
        max={100}
        value={prune.maxUnusedPercent}
        onChange={(n) =>
          update({ prunePolicy: create(PrunePolicySchema, { ...prune, maxUnusedPercent: Number(n) || 0 }) })
        }
      />
      <Divider label="Check" labelPosition="left" />
      <ScheduleEditor
        label="Check schedule"
        value={check.schedule}
        allowNone={false}
        onChange={(schedule) => update({ checkPolicy: create(CheckPolicySchema, { ...check, schedule }) })}
      />
      <NumberInput
        hideControls
        label="Read data subset (%)"
        description="0 checks structure only"
        min={0}
        max={100}
        value={subset}
        onChange={(n) =>
          update({
            checkPolicy: create(CheckPolicySchema, {
              ...check,
              mode:
                Number(n) > 0
                  ? { case: 'readDataSubsetPercent', value: Number(n) }
                  : { case: 'structureOnly', value: true },
            }),
          })
        }
      />
      <Divider label="Repository-wide forget" labelPosition="left" />
      <ScheduleEditor
        label="Forget schedule"
        value={forget?.schedule}
        onChange={(schedule) =>
          update({ forgetPolicy: schedule ? create(ForgetPolicySchema, { ...forget, schedule }) : undefined })
        }
      />
      {forget?.schedule && (
        <RetentionEditor
          value={forget.retention}
          onChange={(retention) =>
            update({ forgetPolicy: create(ForgetPolicySchema, { ...forget, retention }) })
          }
        />
      )}
    </Stack>
  );
}

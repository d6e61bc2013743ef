import { Group, NumberInput, SegmentedControl, Stack, Text } from '@mantine/core';
import { create } from '@bufbuild/protobuf';
import { RetentionPolicySchema, RetentionPolicy_TimeBucketedCountsSchema } from '@restora/proto';
import type { RetentionPolicy, RetentionPolicy_TimeBucketedCounts } from '@restora/proto';
import { keptByPolicy } from '../lib/retention.js';

const FIELDS: [keyof Omit<RetentionPolicy_TimeBucketedCounts, '$typeName' | '$unknown'>, string][] = [
  ['keepLastN', 'Latest'],
  ['hourly', 'Hourly'],
  ['daily', 'Daily'],
  ['weekly', 'Weekly'],
  ['monthly', 'Monthly'],
  ['yearly', 'Yearly'],
];

/** Retention policy (keep all / last N / time buckets) with a preview against the plan's real snapshots. */
export function RetentionEditor({
  value,
  onChange,
  snapshotTimes,
}: {
  value: RetentionPolicy | undefined;
  onChange: (r: RetentionPolicy) => void;
  snapshotTimes?: number[];
}) {
  const p = value?.policy;
  const mode = p?.case ?? 'policyKeepAll';
  const setMode = (m: string) => {
    if (m === 'policyKeepLastN') onChange(create(RetentionPolicySchema, { policy: { case: m, value: 30 } }));
    else if (m === 'policyTimeBucketed')
      onChange(
        create(RetentionPolicySchema, {
          policy: {
            case: m,
            value: create(RetentionPolicy_TimeBucketedCountsSchema, {
              hourly: 24,
              daily: 30,
              weekly: 4,
              monthly: 12,
              yearly: 5,
            }),
          },
        }),
      );
    else onChange(create(RetentionPolicySchema, { policy: { case: 'policyKeepAll', value: true } }));
  };
  const kept = snapshotTimes ? keptByPolicy(snapshotTimes, value) : null;
  return (
    <Stack gap="xs">
      <Text size="sm" fw={500}>
        Retention
      </Text>
      <SegmentedControl
        aria-label="Retention policy type"
        value={mode}
        onChange={setMode}
        data={[
          { value: 'policyKeepAll', label: 'Keep all' },
          { value: 'policyKeepLastN', label: 'Keep last N' },
          { value: 'policyTimeBucketed', label: 'By time' },
        ]}
      />
      {p?.case === 'policyKeepLastN' && (
        <NumberInput
          hideControls
          label="Snapshots to keep"
          min={1}
          value={p.value}
          onChange={(n) =>
            onChange(
              create(RetentionPolicySchema, {
                policy: { case: 'policyKeepLastN', value: Math.max(1, Number(n) || 1) },
              }),
            )
          }
        />
      )}
      {p?.case === 'policyTimeBucketed' && (
        <Group grow wrap="wrap">
          {FIELDS.map(([k, label]) => (
            <NumberInput
              hideControls
              key={k}
              label={label}
              min={0}
              miw={90}
              value={p.value[k]}
              onChange={(n) => {
                const counts = create(RetentionPolicy_TimeBucketedCountsSchema, {
                  ...p.value,
                  [k]: Math.max(0, Number(n) || 0),
                });
                onChange(
                  create(RetentionPolicySchema, { policy: { case: 'policyTimeBucketed', value: counts } }),
                );
              }}
            />
          ))}
        </Group>
      )}
      {kept && snapshotTimes && (
        <Text size="sm" c="dimmed" aria-live="polite" data-testid="retention-preview">
          Preview: keeps {kept.size} of the {snapshotTimes.length} current snapshots
          {snapshotTimes.length - kept.size > 0 ? `, forgets ${snapshotTimes.length - kept.size}` : ''}.
        </Text>
      )}
    </Stack>
  );
}

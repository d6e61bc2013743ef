import { Group, List, NumberInput, SegmentedControl, Select, Stack, Text, TextInput } from '@mantine/core';
import { create } from '@bufbuild/protobuf';
import { ScheduleSchema, Schedule_Clock } from '@restora/proto';
import type { Schedule } from '@restora/proto';
import { describeCron, nextRuns } from '../lib/cron.js';
import { formatTime } from '../lib/format.js';

type Mode = 'none' | 'disabled' | 'cron' | 'hours' | 'days';

const PRESETS = [
  { value: '0 * * * *', label: 'Hourly' },
  { value: '0 2 * * *', label: 'Daily at 02:00' },
  { value: '0 3 * * 0', label: 'Weekly, Sunday 03:00' },
  { value: '0 0 1 * *', label: 'Monthly, 1st at 00:00' },
];

function modeOf(s: Schedule | undefined): Mode {
  switch (s?.schedule.case) {
    case 'disabled':
      return 'disabled';
    case 'cron':
      return 'cron';
    case 'maxFrequencyHours':
      return 'hours';
    case 'maxFrequencyDays':
      return 'days';
    default:
      return 'none';
  }
}

function CronPreview({ cron, utc }: { cron: string; utc: boolean }) {
  const runs = nextRuns(cron, 5, utc);
  if (typeof runs === 'string')
    return (
      <Text size="sm" c="red">
        Invalid cron: {runs}
      </Text>
    );
  return (
    <div aria-live="polite">
      <Text size="sm" fw={500}>
        {describeCron(cron)}
        {utc ? ' (UTC)' : ' (server local time)'}
      </Text>
      <Text size="xs" c="dimmed">
        Next five runs:
      </Text>
      <List size="xs" data-testid="next-runs">
        {runs.map((d) => (
          <List.Item key={d.getTime()}>{formatTime(d.getTime())}</List.Item>
        ))}
      </List>
    </div>
  );
}

/** Edits a Schedule oneof: manual, disabled, cron (with builder presets and preview) or interval. */
export function ScheduleEditor({
  label,
  value,
  onChange,
  allowNone = true,
}: {
  label: string;
  value: Schedule | undefined;
  onChange: (s: Schedule | undefined) => void;
  allowNone?: boolean;
}) {
  const mode = modeOf(value);
  const clock = value?.clock ?? Schedule_Clock.DEFAULT;
  const set = (sched: Schedule['schedule'], c = clock) =>
    onChange(create(ScheduleSchema, { schedule: sched, clock: c }));
  const setMode = (m: string) => {
    if (m === 'none') onChange(undefined);
    else if (m === 'disabled') set({ case: 'disabled', value: true });
    else if (m === 'cron') set({ case: 'cron', value: '0 2 * * *' });
    else if (m === 'hours') set({ case: 'maxFrequencyHours', value: 24 });
    else set({ case: 'maxFrequencyDays', value: 1 });
  };
  const cron = value?.schedule.case === 'cron' ? value.schedule.value : '';
  const modes = [
    ...(allowNone ? [{ value: 'none', label: 'Manual only' }] : []),
    { value: 'disabled', label: 'Disabled' },
    { value: 'cron', label: 'Cron' },
    { value: 'hours', label: 'Every N hours' },
    { value: 'days', label: 'Every N days' },
  ];
  return (
    <Stack gap="xs">
      <Text size="sm" fw={500}>
        {label}
      </Text>
      <SegmentedControl
        data={modes}
        value={mode}
        onChange={setMode}
        aria-label={`${label} type`}
        fullWidth
        styles={{ root: { flexWrap: 'wrap' } }}
      />
      {mode === 'cron' && (
        <>
          <Group grow align="flex-end" wrap="wrap">
            <Select
              label="Preset"
              placeholder="Pick a preset"
              data={PRESETS}
              value={PRESETS.some((p) => p.value === cron) ? cron : null}
              onChange={(v) => v && set({ case: 'cron', value: v })}
            />
            <TextInput
              label="Cron expression"
              value={cron}
              onChange={(e) => set({ case: 'cron', value: e.currentTarget.value })}
              description="minute hour day month weekday"
            />
          </Group>
          <CronPreview cron={cron} utc={clock === Schedule_Clock.UTC} />
        </>
      )}
      {(mode === 'hours' || mode === 'days') && (
        <NumberInput
          hideControls
          label={mode === 'hours' ? 'Hours between runs' : 'Days between runs'}
          min={1}
          value={value?.schedule.value as number}
          onChange={(n) =>
            set({
              case: mode === 'hours' ? 'maxFrequencyHours' : 'maxFrequencyDays',
              value: Math.max(1, Number(n) || 1),
            })
          }
        />
      )}
      {(mode === 'cron' || mode === 'hours' || mode === 'days') && value && (
        <Select
          label="Clock"
          data={[
            { value: String(Schedule_Clock.LOCAL), label: 'Local time of the server' },
            { value: String(Schedule_Clock.UTC), label: 'UTC' },
            {
              value: String(Schedule_Clock.LAST_RUN_TIME),
              label: 'Relative to the last run (catches up missed runs)',
            },
          ]}
          value={String(clock === Schedule_Clock.DEFAULT ? Schedule_Clock.LOCAL : clock)}
          onChange={(v) => set(value.schedule, Number(v) as Schedule_Clock)}
          allowDeselect={false}
        />
      )}
    </Stack>
  );
}

import { Button, Group, MultiSelect, Paper, Select, Stack, Text, TextInput, Textarea } from '@mantine/core';
import { create } from '@bufbuild/protobuf';
import type { DescMessage } from '@bufbuild/protobuf';
import {
  HookSchema,
  Hook_CommandSchema,
  Hook_Condition,
  Hook_DiscordSchema,
  Hook_GotifySchema,
  Hook_HealthchecksSchema,
  Hook_OnError,
  Hook_ShoutrrrSchema,
  Hook_SlackSchema,
  Hook_TelegramSchema,
  Hook_WebhookSchema,
} from '@restora/proto';
import type { Hook } from '@restora/proto';
import { DeleteButton } from './delete-button.js';

type ActionCase = NonNullable<Hook['action']['case']>;
type Field = { key: string; label: string; multiline?: boolean };

const ACTIONS: Record<ActionCase, { label: string; schema: DescMessage; fields: Field[] }> = {
  actionCommand: {
    label: 'Command',
    schema: Hook_CommandSchema,
    fields: [{ key: 'command', label: 'Script', multiline: true }],
  },
  actionWebhook: {
    label: 'Webhook',
    schema: Hook_WebhookSchema,
    fields: [
      { key: 'webhookUrl', label: 'URL' },
      { key: 'template', label: 'Template', multiline: true },
    ],
  },
  actionDiscord: {
    label: 'Discord',
    schema: Hook_DiscordSchema,
    fields: [
      { key: 'webhookUrl', label: 'Webhook URL' },
      { key: 'template', label: 'Template', multiline: true },
    ],
  },
  actionGotify: {
    label: 'Gotify',
    schema: Hook_GotifySchema,
    fields: [
      { key: 'baseUrl', label: 'Base URL' },
      { key: 'token', label: 'Token' },
      { key: 'titleTemplate', label: 'Title template' },
      { key: 'template', label: 'Template', multiline: true },
    ],
  },
  actionSlack: {
    label: 'Slack',
    schema: Hook_SlackSchema,
    fields: [
      { key: 'webhookUrl', label: 'Webhook URL' },
      { key: 'template', label: 'Template', multiline: true },
    ],
  },
  actionShoutrrr: {
    label: 'Shoutrrr',
    schema: Hook_ShoutrrrSchema,
    fields: [
      { key: 'shoutrrrUrl', label: 'Shoutrrr URL' },
      { key: 'template', label: 'Template', multiline: true },
    ],
  },
  actionHealthchecks: {
    label: 'Healthchecks',
    schema: Hook_HealthchecksSchema,
    fields: [
      { key: 'webhookUrl', label: 'Ping URL' },
      { key: 'template', label: 'Template', multiline: true },
    ],
  },
  actionTelegram: {
    label: 'Telegram',
    schema: Hook_TelegramSchema,
    fields: [
      { key: 'botToken', label: 'Bot token' },
      { key: 'chatId', label: 'Chat id' },
      { key: 'template', label: 'Template', multiline: true },
    ],
  },
};

const CONDITIONS = Object.entries(Hook_Condition)
  .filter(([k, v]) => typeof v === 'number' && v !== 0 && k !== 'UNKNOWN')
  .map(([k, v]) => ({ value: String(v), label: k.toLowerCase().replace(/_/g, ' ') }));

const ON_ERROR = [
  { value: String(Hook_OnError.IGNORE), label: 'Ignore' },
  { value: String(Hook_OnError.CANCEL), label: 'Cancel the task' },
  { value: String(Hook_OnError.FATAL), label: 'Fail the task' },
  { value: String(Hook_OnError.RETRY_1MINUTE), label: 'Retry in 1 minute' },
  { value: String(Hook_OnError.RETRY_10MINUTES), label: 'Retry in 10 minutes' },
  { value: String(Hook_OnError.RETRY_EXPONENTIAL_BACKOFF), label: 'Retry with backoff' },
];

function HookCard({
  hook,
  onChange,
  onRemove,
  index,
}: {
  hook: Hook;
  onChange: (h: Hook) => void;
  onRemove: () => void;
  index: number;
}) {
  const kind = hook.action.case ?? 'actionCommand';
  const spec = ACTIONS[kind];
  const action = (hook.action.value ?? {}) as unknown as Record<string, string>;
  const update = (patch: Partial<Hook>) => onChange(create(HookSchema, { ...hook, ...patch }));
  const setField = (k: string, v: string) =>
    update({ action: { case: kind, value: create(spec.schema, { ...action, [k]: v }) } as Hook['action'] });
  return (
    <Paper withBorder p="sm">
      <Stack gap="xs">
        <Group justify="space-between">
          <Text size="sm" fw={600}>
            Hook {index + 1}
          </Text>
          <DeleteButton label={`Remove hook ${index + 1}`} onClick={onRemove} />
        </Group>
        <MultiSelect
          label="Runs on"
          data={CONDITIONS}
          value={hook.conditions.map(String)}
          onChange={(v) => update({ conditions: v.map(Number) })}
          searchable
        />
        <Group grow wrap="wrap">
          <Select
            label="Action"
            allowDeselect={false}
            data={Object.entries(ACTIONS).map(([value, a]) => ({ value, label: a.label }))}
            value={kind}
            onChange={(v) =>
              v &&
              update({
                action: {
                  case: v as ActionCase,
                  value: create(ACTIONS[v as ActionCase].schema),
                } as Hook['action'],
              })
            }
          />
          <Select
            label="On error"
            allowDeselect={false}
            data={ON_ERROR}
            value={String(hook.onError)}
            onChange={(v) => update({ onError: Number(v) })}
          />
        </Group>
        {spec.fields.map((f) =>
          f.multiline ? (
            <Textarea
              key={f.key}
              label={f.label}
              autosize
              minRows={2}
              value={action[f.key] ?? ''}
              onChange={(e) => setField(f.key, e.currentTarget.value)}
              styles={{ input: { fontFamily: 'monospace' } }}
            />
          ) : (
            <TextInput
              key={f.key}
              label={f.label}
              value={action[f.key] ?? ''}
              onChange={(e) => setField(f.key, e.currentTarget.value)}
            />
          ),
        )}
      </Stack>
    </Paper>
  );
}

/** Hooks: conditions → action, with the on-error policy. */
export function HooksEditor({ hooks, onChange }: { hooks: Hook[]; onChange: (h: Hook[]) => void }) {
  return (
    <Stack gap="xs">
      <Text size="sm" fw={500}>
        Hooks
      </Text>
      {hooks.map((h, i) => (
        <HookCard
          key={i}
          index={i}
          hook={h}
          onChange={(n) => onChange(hooks.map((x, j) => (j === i ? n : x)))}
          onRemove={() => onChange(hooks.filter((_, j) => j !== i))}
        />
      ))}
      <Button
        variant="subtle"
        size="compact-sm"
        style={{ alignSelf: 'flex-start' }}
        onClick={() =>
          onChange([
            ...hooks,
            create(HookSchema, {
              conditions: [Hook_Condition.SNAPSHOT_ERROR],
              action: {
                case: 'actionCommand',
                value: create(Hook_CommandSchema, { command: 'echo "{{ .Summary }}"' }),
              },
            }),
          ])
        }
      >
        + Add hook
      </Button>
    </Stack>
  );
}

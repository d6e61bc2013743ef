import { Alert, Badge, Button, Group, Select, Stack, Table, Text, TextInput } from '@mantine/core';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { rest } from '../api/rest.js';
import { errorMessage } from '../lib/format.js';
import { DeleteButton } from './delete-button.js';
import { StatusAlert, useStatusMessage } from './status-message.js';

type Destination = { id: number; name: string; type: string; status: string; lastError: string | null };

/** The kinds this form creates: one URL or topic each (the REST API takes more kinds, with more fields). */
const KINDS: Record<string, { label: string; field: string; fieldLabel: string }> = {
  slack: { label: 'Slack', field: 'webhookUrl', fieldLabel: 'Webhook URL' },
  discord: { label: 'Discord', field: 'webhookUrl', fieldLabel: 'Webhook URL' },
  ntfy: { label: 'ntfy', field: 'topic', fieldLabel: 'Topic' },
};

const BASE = '/notifications/destinations';

/** Zerobyte's notification destinations: list, add, send a test, delete. */
export function NotificationDestinations() {
  const qc = useQueryClient();
  const list = useQuery({ queryKey: ['rest', 'destinations'], queryFn: () => rest<Destination[]>(BASE) });
  const [name, setName] = useState('');
  const [type, setType] = useState('slack');
  const [value, setValue] = useState('');
  const { msg, run } = useStatusMessage(() => qc.invalidateQueries({ queryKey: ['rest', 'destinations'] }));
  const kind = KINDS[type]!;
  return (
    <Stack>
      {list.isError && <Alert color="red">{errorMessage(list.error)}</Alert>}
      {list.data?.length === 0 && (
        <Text c="dimmed" size="sm">
          No destinations yet: add one below, send a test, then pick it in a backup schedule.
        </Text>
      )}
      {(list.data?.length ?? 0) > 0 && (
        <Table aria-label="Notification destinations">
          <Table.Tbody>
            {list.data!.map((d) => (
              <Table.Tr key={d.id}>
                <Table.Td>{d.name}</Table.Td>
                <Table.Td>{d.type}</Table.Td>
                <Table.Td>
                  <Badge color={d.status === 'healthy' ? 'green' : d.status === 'error' ? 'red' : 'gray'}>
                    {d.status}
                  </Badge>
                </Table.Td>
                <Table.Td>
                  <Group gap="xs" wrap="nowrap">
                    <Button
                      size="compact-xs"
                      variant="light"
                      onClick={() =>
                        void run(
                          () => rest(`${BASE}/${d.id}/test`, { method: 'POST' }),
                          `Test sent to ${d.name}.`,
                        )
                      }
                    >
                      Send test
                    </Button>
                    <DeleteButton
                      label={`Delete destination ${d.name}`}
                      onClick={() =>
                        void run(() => rest(`${BASE}/${d.id}`, { method: 'DELETE' }), `${d.name} deleted.`)
                      }
                    />
                  </Group>
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
      <Group align="flex-end" wrap="wrap">
        <TextInput label="Destination name" value={name} onChange={(e) => setName(e.currentTarget.value)} />
        <Select
          label="Kind"
          data={Object.entries(KINDS).map(([v, k]) => ({ value: v, label: k.label }))}
          value={type}
          onChange={(v) => v && setType(v)}
          allowDeselect={false}
        />
        <TextInput label={kind.fieldLabel} value={value} onChange={(e) => setValue(e.currentTarget.value)} />
        <Button
          disabled={!name || !value}
          onClick={() =>
            void run(
              () => rest(BASE, { method: 'POST', body: { name, config: { type, [kind.field]: value } } }),
              `Destination ${name} added.`,
            )
          }
        >
          Add destination
        </Button>
      </Group>
      <StatusAlert msg={msg} />
    </Stack>
  );
}

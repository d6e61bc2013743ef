import {
  Alert,
  Button,
  Code,
  Group,
  PasswordInput,
  Select,
  Stack,
  Table,
  Text,
  TextInput,
} from '@mantine/core';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { rest } from '../api/rest.js';
import { errorMessage, formatTime } from '../lib/format.js';
import { DeleteButton } from './delete-button.js';
import { StatusAlert, useStatusMessage } from './status-message.js';

type ApiKey = {
  id: string;
  name: string;
  start: string;
  createdAt: number;
  expiresAt: number | null;
  lastRequestAt: number | null;
};

const BASE = '/auth/api-keys';
const DAY = 86_400;
const EXPIRY = [
  { value: String(30 * DAY), label: '30 days' },
  { value: String(90 * DAY), label: '90 days' },
  { value: String(365 * DAY), label: '1 year' },
  { value: 'never', label: 'Never' },
];

/** API keys for scripts and Zerobyte clients (x-api-key or Bearer): list, create (the key shown once), revoke. */
export function ApiKeys() {
  const qc = useQueryClient();
  const list = useQuery({
    queryKey: ['rest', 'api-keys'],
    queryFn: () => rest<{ apiKeys: ApiKey[]; limit: number }>(BASE),
  });
  const [name, setName] = useState('');
  const [password, setPassword] = useState('');
  const [expiry, setExpiry] = useState(EXPIRY[1]!.value);
  const [created, setCreated] = useState<{ name: string; key: string } | null>(null);
  const { msg, run } = useStatusMessage(() => qc.invalidateQueries({ queryKey: ['rest', 'api-keys'] }));
  const keys = list.data?.apiKeys ?? [];
  const create = async () => {
    const body = { name, password, expiresIn: expiry === 'never' ? null : Number(expiry) };
    const k = await rest<ApiKey & { key: string }>(BASE, { method: 'POST', body, reverifies: true });
    setCreated({ name: k.name, key: k.key });
    setName('');
    setPassword('');
  };
  return (
    <Stack>
      {list.isError && <Alert color="red">{errorMessage(list.error)}</Alert>}
      {list.data && keys.length === 0 && (
        <Text c="dimmed" size="sm">
          No API keys yet: create one below for a script or a Zerobyte client (send it as x-api-key).
        </Text>
      )}
      {keys.length > 0 && (
        <Table aria-label="API keys">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Name</Table.Th>
              <Table.Th>Key</Table.Th>
              <Table.Th>Created</Table.Th>
              <Table.Th>Expires</Table.Th>
              <Table.Th>Last used</Table.Th>
              <Table.Th />
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {keys.map((k) => (
              <Table.Tr key={k.id}>
                <Table.Td>{k.name}</Table.Td>
                <Table.Td>
                  <Code>{k.start}…</Code>
                </Table.Td>
                <Table.Td>{formatTime(k.createdAt)}</Table.Td>
                <Table.Td>{k.expiresAt ? formatTime(k.expiresAt) : 'never'}</Table.Td>
                <Table.Td>{k.lastRequestAt ? formatTime(k.lastRequestAt) : 'never'}</Table.Td>
                <Table.Td w={40}>
                  <DeleteButton
                    label={`Revoke API key ${k.name}`}
                    onClick={() =>
                      void run(
                        () => rest(`${BASE}/${k.id}`, { method: 'DELETE' }),
                        `API key ${k.name} revoked.`,
                      )
                    }
                  />
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
      {created && (
        <Alert
          color="green"
          title={`API key ${created.name} created: copy it now, it is not shown again`}
          withCloseButton
          closeButtonLabel="Dismiss"
          onClose={() => setCreated(null)}
        >
          <Code block aria-label="New API key">
            {created.key}
          </Code>
        </Alert>
      )}
      <Group align="flex-end" wrap="wrap">
        <TextInput
          label="Key name"
          maxLength={32}
          value={name}
          onChange={(e) => setName(e.currentTarget.value)}
        />
        <Select
          label="Expires after"
          data={EXPIRY}
          value={expiry}
          onChange={(v) => v && setExpiry(v)}
          allowDeselect={false}
        />
        <PasswordInput
          label="Your password"
          description="Asked again to create a key"
          value={password}
          onChange={(e) => setPassword(e.currentTarget.value)}
          autoComplete="current-password"
        />
        <Button
          disabled={!name.trim() || !password || (list.data ? keys.length >= list.data.limit : false)}
          onClick={() => void run(create, `API key ${name} created.`)}
        >
          Create API key
        </Button>
      </Group>
      <StatusAlert msg={msg} />
    </Stack>
  );
}

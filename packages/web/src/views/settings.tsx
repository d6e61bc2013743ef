import {
  Button,
  Checkbox,
  Code,
  Group,
  Paper,
  PasswordInput,
  ScrollArea,
  Stack,
  Table,
  Tabs,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import { clone, create, toJsonString } from '@bufbuild/protobuf';
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { AuthSchema, ConfigSchema, UserSchema } from '@restora/proto';
import type { Config } from '@restora/proto';
import { useClients } from '../api/clients-context.js';
import { rest } from '../api/rest.js';
import { errorMessage } from '../lib/format.js';
import { useSaveConfig } from '../api/use-save-config.js';
import { ApiKeys } from '../components/api-keys.js';
import { DeleteButton } from '../components/delete-button.js';
import { NotificationDestinations } from '../components/notification-destinations.js';
import { StatusAlert, useStatusMessage } from '../components/status-message.js';

function Users({ config }: { config: Config }) {
  const { auth } = useClients();
  const save = useSaveConfig();
  const [name, setName] = useState('');
  const [password, setPassword] = useState('');
  const { msg, setMsg, run } = useStatusMessage();
  const users = config.auth?.users ?? [];
  const setUser = async () => {
    const hash = await auth.hashPassword({ value: password });
    const user = create(UserSchema, { name, password: { case: 'passwordBcrypt', value: hash.value } });
    await save((c) => {
      const a = c.auth ?? create(AuthSchema);
      a.users = [...a.users.filter((u) => u.name !== name), user];
      c.auth = a;
    });
    setPassword('');
  };
  return (
    <Stack>
      <Checkbox
        label="Require login (authentication enabled)"
        checked={!config.auth?.disabled}
        onChange={(e) => {
          const enabled = e.currentTarget.checked;
          if (enabled && users.length === 0)
            return setMsg({ color: 'red', text: 'Add a user before enabling authentication.' });
          void run(
            () =>
              save(
                (c) => void (c.auth = create(AuthSchema, { users: c.auth?.users ?? [], disabled: !enabled })),
              ),
            enabled ? 'Authentication enabled.' : 'Authentication disabled.',
          );
        }}
      />
      <Table aria-label="Users">
        <Table.Tbody>
          {users.map((u) => (
            <Table.Tr key={u.name}>
              <Table.Td>{u.name}</Table.Td>
              <Table.Td w={40}>
                <DeleteButton
                  label={`Delete user ${u.name}`}
                  onClick={() =>
                    void run(
                      () =>
                        save((c) => c.auth && (c.auth.users = c.auth.users.filter((x) => x.name !== u.name))),
                      `User ${u.name} deleted.`,
                    )
                  }
                />
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
      <Group align="flex-end" wrap="wrap">
        <TextInput label="Username" value={name} onChange={(e) => setName(e.currentTarget.value)} />
        <PasswordInput
          label="Password"
          value={password}
          onChange={(e) => setPassword(e.currentTarget.value)}
          autoComplete="new-password"
        />
        <Button disabled={!name || !password} onClick={() => void run(setUser, `User ${name} saved.`)}>
          Add user / set password
        </Button>
      </Group>
      <StatusAlert msg={msg} />
    </Stack>
  );
}

/** The server's and restic's versions (as Backrest shows them) and this UI's build. */
function Versions() {
  const info = useQuery({
    queryKey: ['rest', 'system-info'],
    queryFn: () => rest<{ versions?: { restora: string; restic: string | null } }>('/system/info'),
  });
  const v = info.data?.versions;
  return (
    <Text size="sm" mt="xs" data-testid="app-version">
      Restora web UI {__RESTORA_VERSION__}
      {v && ` · server ${v.restora} · restic ${v.restic ?? 'not found'}`}
      {info.isError && ` · versions unavailable: ${errorMessage(info.error)}`}
    </Text>
  );
}

/** The config as JSON for reading, secrets masked: the sync private key never reaches the screen. */
function configJsonForDisplay(config: Config): string {
  const copy = clone(ConfigSchema, config);
  const id = copy.multihost?.identity;
  if (id?.ed25519priv) id.ed25519priv = '********';
  return toJsonString(ConfigSchema, copy, { prettySpaces: 2 });
}

/** Users, instance and auth settings; the config as JSON. */
export default function Settings({ config }: { config: Config }) {
  const json = configJsonForDisplay(config);
  return (
    <Stack maw={960}>
      <Title order={2}>Settings</Title>
      <Tabs defaultValue="users" keepMounted={false}>
        <Tabs.List>
          <Tabs.Tab value="users">Users and auth</Tabs.Tab>
          <Tabs.Tab value="instance">Instance</Tabs.Tab>
          <Tabs.Tab value="notifications">Notifications</Tabs.Tab>
          <Tabs.Tab value="api-keys">API keys</Tabs.Tab>
          <Tabs.Tab value="json">Config JSON</Tabs.Tab>
        </Tabs.List>
        <Tabs.Panel value="users" pt="md">
          <Users config={config} />
        </Tabs.Panel>
        <Tabs.Panel value="instance" pt="md">
          <Paper withBorder p="md">
            <Text>
              Instance name: <Code>{config.instance}</Code>
            </Text>
            <Text size="sm" c="dimmed">
              Tagged on every snapshot as created-by:{config.instance}; it cannot change once backups exist.
            </Text>
            <Text size="sm" mt="xs">
              Config version {config.version}, modification {config.modno}. {config.repos.length}{' '}
              repositories, {config.plans.length} plans.
            </Text>
            <Versions />
          </Paper>
        </Tabs.Panel>
        <Tabs.Panel value="notifications" pt="md">
          <NotificationDestinations />
        </Tabs.Panel>
        <Tabs.Panel value="api-keys" pt="md">
          <ApiKeys />
        </Tabs.Panel>
        <Tabs.Panel value="json" pt="md">
          <ScrollArea.Autosize mah="70vh">
            <Code block aria-label="Config as JSON">
              {json}
            </Code>
          </ScrollArea.Autosize>
        </Tabs.Panel>
      </Tabs>
    </Stack>
  );
}

import {
  Alert,
  Button,
  Center,
  Checkbox,
  Paper,
  PasswordInput,
  Stack,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import { clone } from '@bufbuild/protobuf';
import { useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { AuthSchema, ConfigSchema, UserSchema } from '@restora/proto';
import type { Config } from '@restora/proto';
import { create } from '@bufbuild/protobuf';
import { authStore } from '../api/auth-store.js';
import { useClients } from '../api/clients-context.js';
import { CONFIG_KEY } from '../api/queries.js';
import { errorMessage } from '../lib/format.js';

const ID_RE = /^[a-zA-Z0-9_.-]+$/;

/** First run: name the instance and create the first user, or explicitly run without authentication. */
export default function FirstRunView({ config }: { config: Config }) {
  const { backrest, auth } = useClients();
  const qc = useQueryClient();
  const [instance, setInstance] = useState(config.instance);
  const [username, setUsername] = useState('admin');
  const [password, setPassword] = useState('');
  const [confirm, setConfirm] = useState('');
  const [disableAuth, setDisableAuth] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const instanceLocked = config.instance !== '';

  const instanceError =
    instance && !ID_RE.test(instance) ? 'Use letters, digits, "_", "." and "-" only' : null;
  const pwError = !disableAuth && confirm && password !== confirm ? 'Passwords do not match' : null;

  async function submit(e: React.FormEvent) {
    e.preventDefault();
    if (instanceError || pwError) return;
    setBusy(true);
    setError(null);
    try {
      const next = clone(ConfigSchema, config);
      next.instance = instance.trim();
      if (disableAuth) {
        next.auth = create(AuthSchema, { disabled: true, users: [] });
      } else {
        const hash = await auth.hashPassword({ value: password });
        const user = create(UserSchema, {
          name: username,
          password: { case: 'passwordBcrypt', value: hash.value },
        });
        next.auth = create(AuthSchema, { disabled: false, users: [user] });
      }
      const saved = await backrest.setConfig(next);
      if (!disableAuth) {
        const res = await auth.login({ username, password });
        authStore.setToken(res.token);
      }
      qc.setQueryData(CONFIG_KEY, saved);
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  }

  return (
    <Center mih="100vh" p="md">
      <Paper withBorder shadow="sm" p="xl" w="100%" maw={480} component="form" onSubmit={submit}>
        <Stack>
          <Title order={2}>Welcome to Restora</Title>
          <Text c="dimmed" size="sm">
            Name this instance and create the first user. The instance name is tagged on every snapshot
            (created-by:NAME) and cannot be changed later.
          </Text>
          {error && (
            <Alert color="red" role="alert" title="Setup failed">
              {error}
            </Alert>
          )}
          <TextInput
            label="Instance name"
            required
            disabled={instanceLocked}
            value={instance}
            error={instanceError}
            onChange={(e) => setInstance(e.currentTarget.value)}
            placeholder="my-server"
          />
          <Checkbox
            label="Disable authentication (anyone who can reach this port can control backups)"
            checked={disableAuth}
            onChange={(e) => setDisableAuth(e.currentTarget.checked)}
          />
          {!disableAuth && (
            <>
              <TextInput
                label="Username"
                required
                autoComplete="username"
                value={username}
                onChange={(e) => setUsername(e.currentTarget.value)}
              />
              <PasswordInput
                label="Password"
                required
                autoComplete="new-password"
                value={password}
                onChange={(e) => setPassword(e.currentTarget.value)}
              />
              <PasswordInput
                label="Confirm password"
                required
                autoComplete="new-password"
                value={confirm}
                error={pwError}
                onChange={(e) => setConfirm(e.currentTarget.value)}
              />
            </>
          )}
          <Button type="submit" loading={busy}>
            {disableAuth ? 'Save without authentication' : 'Create user and continue'}
          </Button>
        </Stack>
      </Paper>
    </Center>
  );
}

import {
  Alert,
  Button,
  Checkbox,
  Code,
  Group,
  Paper,
  PasswordInput,
  Select,
  Stack,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import { clone, create } from '@bufbuild/protobuf';
import { useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { RepoSchema } from '@restora/proto';
import type { Config, Repo } from '@restora/proto';
import { useClients } from '../api/clients-context.js';
import { CONFIG_KEY } from '../api/queries.js';
import { FormActions } from '../components/form-actions.js';
import { HooksEditor } from '../components/hooks-editor.js';
import { RepoPolicies } from '../components/repo-policies.js';
import { PathInput, StringList } from '../components/string-list.js';
import { BACKENDS, detectBackend } from '../lib/backends.js';
import type { BackendId } from '../lib/backends.js';
import { errorMessage } from '../lib/format.js';
import { navigate } from '../router.js';

type TestResult = { color: string; text: string };

function splitEnv(env: string[], keys: string[]): { known: Record<string, string>; rest: string[] } {
  const known: Record<string, string> = {};
  const rest: string[] = [];
  for (const e of env) {
    const k = e.slice(0, e.indexOf('='));
    if (keys.includes(k)) known[k] = e.slice(k.length + 1);
    else rest.push(e);
  }
  return { known, rest };
}

/** Where a repo is saved instead of this instance: a client's config, from its host (SetRemoteClientConfig). */
export interface RepoTarget {
  save(repo: Repo): Promise<void>;
  remove(id: string): Promise<void>;
  /** Closes the form (after saving, removing or cancelling). */
  done(): void;
}

/** Add or edit a repository: a form per backend, "Test configuration", then AddRepo (which initialises). */
export default function RepoForm({
  config,
  repo,
  target,
}: {
  config: Config;
  repo?: Repo;
  target?: RepoTarget;
}) {
  const clients = useClients();
  const qc = useQueryClient();
  const initial = detectBackend(repo?.uri ?? '');
  const [r, setR] = useState<Repo>(() =>
    repo ? clone(RepoSchema, repo) : create(RepoSchema, { prunePolicy: undefined }),
  );
  const [backendId, setBackendId] = useState<BackendId>(repo ? initial.backend.id : 'local');
  const [fields, setFields] = useState<Record<string, string>>(repo ? initial.values : {});
  const backend = BACKENDS.find((b) => b.id === backendId)!;
  const { known, rest } = splitEnv(r.env, backend.env);
  const [test, setTest] = useState<TestResult | null>(null);
  const [testing, setTesting] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const update = (patch: Partial<Repo>) => setR((x) => create(RepoSchema, { ...x, ...patch }));
  const setEnv = (k: string, v: string) =>
    update({
      env: [
        ...backend.env.filter((x) => x !== k && known[x]).map((x) => `${x}=${known[x]}`),
        ...(v ? [`${k}=${v}`] : []),
        ...rest,
      ],
    });

  function built(): Repo {
    return create(RepoSchema, {
      ...r,
      id: r.id.trim(),
      uri: backend.build(fields),
      env: r.env.filter((e) => e.includes('=')),
      flags: r.flags.filter((f) => f.trim()),
    });
  }

  async function runTest() {
    setTesting(true);
    setTest(null);
    try {
      const res = await clients.backrest.checkRepoExists({ repo: built() });
      if (res.hostKeyUntrusted)
        setTest({
          color: 'orange',
          text: 'The SFTP host key is not trusted yet: use "Trust SFTP host" first.',
        });
      else if (res.error) setTest({ color: 'red', text: res.error });
      else if (res.exists)
        setTest({
          color: 'green',
          text: 'Connected: a restic repository exists here and the password works.',
        });
      else
        setTest({
          color: 'blue',
          text: 'Reachable, but no repository exists here yet: saving will initialise one.',
        });
    } catch (err) {
      setTest({ color: 'red', text: errorMessage(err) });
    } finally {
      setTesting(false);
    }
  }

  async function setupSftp() {
    try {
      const res = await clients.backrest.setupSftp({
        host: fields.host ?? '',
        port: fields.port || '22',
        username: fields.user ?? '',
      });
      setTest({
        color: res.error ? 'orange' : 'green',
        text: `${res.error ? `${res.error}\n` : ''}Add this public key to the server's authorized_keys:\n${res.publicKey}`,
      });
      if (res.keyPath)
        update({
          flags: [
            ...r.flags.filter((f) => !f.includes('sftp.args')),
            `-o sftp.args="-i ${res.keyPath} -o UserKnownHostsFile=${res.knownHostsPath}"`,
          ],
        });
    } catch (err) {
      setTest({ color: 'red', text: errorMessage(err) });
    }
  }

  async function submit(e: React.FormEvent) {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const next = built();
      if (!next.id) throw new Error('The repository needs an id');
      if (!repo && config.repos.some((x) => x.id === next.id))
        throw new Error(`A repository named "${next.id}" already exists`);
      if (target) return void (await target.save(next), target.done());
      const saved = await clients.backrest.addRepo({ repo: next });
      qc.setQueryData(CONFIG_KEY, saved);
      navigate(['repos', next.id]);
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  }

  async function remove() {
    if (!repo || !window.confirm(`Remove repository "${repo.id}" from Restora? Its data is not deleted.`))
      return;
    try {
      if (target) return void (await target.remove(repo.id), target.done());
      const saved = await clients.backrest.removeRepo({ repoId: repo.id });
      qc.setQueryData(CONFIG_KEY, saved);
      navigate([]);
    } catch (err) {
      setError(errorMessage(err));
    }
  }

  return (
    <Paper component="form" onSubmit={submit} maw={860} p={0}>
      <Stack>
        <Title order={2}>{repo ? `Edit repository ${repo.id}` : 'Add a repository'}</Title>
        <TextInput
          label="Repository id"
          required
          disabled={!!repo}
          value={r.id}
          onChange={(e) => update({ id: e.currentTarget.value })}
          placeholder="local-disk"
        />
        <Select
          label="Backend"
          allowDeselect={false}
          data={BACKENDS.map((b) => ({ value: b.id, label: b.label }))}
          value={backendId}
          onChange={(v) => v && setBackendId(v as BackendId)}
        />
        <Group grow wrap="wrap" align="flex-start">
          {backend.fields.map((f) =>
            backendId === 'local' ? (
              <PathInput
                key={f.key}
                label={f.label}
                visibleLabel
                placeholder={f.placeholder}
                value={fields[f.key] ?? ''}
                onChange={(v) => setFields({ ...fields, [f.key]: v })}
              />
            ) : (
              <TextInput
                key={f.key}
                label={f.label}
                placeholder={f.placeholder}
                value={fields[f.key] ?? ''}
                onChange={(e) => setFields({ ...fields, [f.key]: e.currentTarget.value })}
                miw={180}
              />
            ),
          )}
        </Group>
        <Text size="xs" c="dimmed">
          restic repository: <Code>{backend.build(fields) || '–'}</Code>
        </Text>
        {backend.env.map((k) => (
          <PasswordInput
            key={k}
            label={k}
            value={known[k] ?? ''}
            onChange={(e) => setEnv(k, e.currentTarget.value)}
          />
        ))}
        <PasswordInput
          label="Repository password"
          required={!repo}
          value={r.password}
          onChange={(e) => update({ password: e.currentTarget.value })}
        />
        {/* a client's repo is tested on the client, not from here */}
        <Group display={target ? 'none' : undefined}>
          <Button variant="light" onClick={() => void runTest()} loading={testing}>
            Test configuration
          </Button>
          {backendId === 'sftp' && (
            <Button variant="default" onClick={() => void setupSftp()}>
              Trust SFTP host
            </Button>
          )}
        </Group>
        {test && (
          <Alert
            color={test.color}
            role="status"
            data-testid="repo-test-result"
            style={{ whiteSpace: 'pre-wrap' }}
          >
            {test.text}
          </Alert>
        )}
        <StringList
          label="Environment"
          values={rest}
          onChange={(v) =>
            update({ env: [...backend.env.filter((k) => known[k]).map((k) => `${k}=${known[k]}`), ...v] })
          }
          placeholder="KEY=VALUE"
          description="Extra environment for restic (${VAR} is expanded)"
        />
        <StringList
          label="Flags"
          values={r.flags}
          onChange={(flags) => update({ flags })}
          placeholder="--limit-upload 1000"
          description="Extra global restic flags"
        />
        <Checkbox
          label="Unlock stale locks before each task (auto unlock)"
          checked={r.autoUnlock}
          onChange={(e) => update({ autoUnlock: e.currentTarget.checked })}
        />
        <RepoPolicies repo={r} update={update} />
        <HooksEditor hooks={r.hooks} onChange={(hooks) => update({ hooks })} />
        <FormActions
          error={error}
          busy={busy}
          saveLabel={repo ? 'Save repository' : 'Add repository'}
          onCancel={target ? target.done : () => history.back()}
          onDelete={repo ? () => void remove() : undefined}
          deleteLabel="Remove repository"
        />
      </Stack>
    </Paper>
  );
}

// Issue 14 point 3 with real restic: on a locked-down install no repo flag, repo env or plan backup flag runs a
// program. Canaries: each setting would create a marker file if its program ran (checked on an unlocked run).
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { clone, create } from '@bufbuild/protobuf';
import { Code, ConnectError } from '@connectrpc/connect';
import {
  ConfigSchema,
  DoRepoTaskRequest_Task,
  OperationStatus,
  PlanSchema,
  RepoSchema,
  type Repo,
} from '@restora/proto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '../../src/app.js';
import { resticForRepo } from '../../src/tasks/restic-adapter.js';
import {
  basicHeader,
  clients,
  PASS,
  RESTIC,
  serve,
  waitFor,
  workspace,
  writeUserConfig,
  type Clients,
  USER,
  type Workspace,
} from './api-helpers.js';

const PW = 'pw-locked-down';
let ws: Workspace;
let server: RunningServer;
let api: Clients;
let repoDir: string;
let guid: string;
const marker = (name: string) => path.join(ws.dir, `marker-${name}`);
const touch = (name: string) => `sh -c 'touch ${marker(name)}; echo ${PW}'`;

type Canary = { uri?: string; env?: string[]; flags?: string[] };

/** The canary settings as stored before the install was locked down. */
const canaries = (): Record<string, Canary> => ({
  'password-command': { flags: [`--password-command "${touch('password-command')}"`] },
  'env-password-command': { env: [`RESTIC_PASSWORD_COMMAND=${touch('env-password-command')}`] },
  // `sftp.args` as sh's $0: the adapter adds no default sftp.args then (restic refuses both options together)
  'sftp-command': {
    uri: 'sftp:canary@localhost:/x',
    flags: ['-o', `"sftp.command=sh -c 'touch ${marker('sftp-command')}' sftp.args"`],
  },
});

const repoOf = (id: string, o: Canary): Repo =>
  create(RepoSchema, {
    id,
    uri: o.uri ?? repoDir,
    password: PW,
    guid,
    env: o.env ?? [],
    flags: o.flags ?? [],
  });

const codeOf = (p: Promise<unknown>) =>
  p.then(
    () => 'ok' as const,
    (e: unknown) => ConnectError.from(e),
  );

beforeAll(async () => {
  ws = workspace('locked-down');
  repoDir = path.join(ws.dir, 'repo');
  fs.writeFileSync(path.join(ws.src, 'a.txt'), 'alpha\n');
  execFileSync(RESTIC, ['init', '-q'], {
    env: { ...process.env, RESTIC_REPOSITORY: repoDir, RESTIC_PASSWORD: PW },
  });
  guid = JSON.parse(
    execFileSync(RESTIC, ['cat', 'config', '--no-lock'], {
      env: { ...process.env, RESTIC_REPOSITORY: repoDir, RESTIC_PASSWORD: PW },
    }).toString(),
  ).id as string;
  const stored = Object.entries(canaries()).map(([id, o]) => ({ id, uri: o.uri ?? repoDir, guid, ...o }));
  await writeUserConfig(ws, {
    repos: [
      ...stored.map((r) => ({ ...r, password: PW })),
      { id: 'clean', uri: repoDir, password: PW, guid },
    ],
    plans: [
      {
        id: 'flagged',
        repo: 'clean',
        paths: [ws.src],
        schedule: { disabled: true },
        backup_flags: [`--password-command "${touch('backup-flags')}"`],
      },
    ],
  });
  server = await serve(ws, {
    features: { pathAutocomplete: false, runCommand: false, commandHooks: false, repoPrograms: false },
  });
  api = clients(server.url, { binary: true, authorization: basicHeader() });
});

afterAll(async () => {
  await server?.close();
  ws?.cleanup();
});

describe('locked-down install with real restic', () => {
  it('the canaries work: unlocked, each setting runs its program', async () => {
    for (const [id, o] of Object.entries(canaries())) {
      await resticForRepo(repoOf(id, o), { binaryPath: RESTIC })
        .snapshots({ signal: AbortSignal.timeout(30_000) })
        .catch(() => undefined);
      expect(fs.existsSync(marker(id)), id).toBe(true);
      fs.rmSync(marker(id));
    }
  });

  it('a config stored before the lock-down loads, but none of its programs run', async () => {
    for (const id of Object.keys(canaries())) {
      const err = await codeOf(api.backrest.listSnapshots({ repoId: id, planId: '' }));
      expect(err, id).toBeInstanceOf(ConnectError);
      expect((err as ConnectError).code, id).toBe(Code.InvalidArgument);
      expect((err as ConnectError).rawMessage, id).toMatch(
        /refused on a locked-down install: repo\.(flags|env)\[\d\]/,
      );
      const opId = (await api.backrest.doRepoTask({ repoId: id, task: DoRepoTaskRequest_Task.PRUNE }))
        .operationId;
      const op = await waitFor('prune op', async () => {
        const [o] = (await api.backrest.getOperations({ selector: { ids: [opId] } })).operations;
        return o &&
          o.status !== OperationStatus.STATUS_PENDING &&
          o.status !== OperationStatus.STATUS_INPROGRESS
          ? o
          : undefined;
      });
      expect(OperationStatus[op.status], id).toBe('STATUS_ERROR');
      expect(op.displayMessage, id).toContain('refused on a locked-down install');
      expect(fs.existsSync(marker(id)), id).toBe(false);
    }
    const backup = await codeOf(api.backrest.backup({ value: 'flagged' }));
    expect(backup).toBeInstanceOf(ConnectError);
    expect(fs.existsSync(marker('backup-flags'))).toBe(false);
    const [op] = (await api.backrest.getOperations({ selector: { planId: 'flagged' } })).operations;
    expect(op?.displayMessage).toContain('backup refused on a locked-down install');
  });

  it('refuses new program-running settings at write time with InvalidArgument naming the field', async () => {
    const added = await codeOf(
      api.backrest.addRepo({ repo: repoOf('new', { flags: [`--password-command="${touch('add-repo')}"`] }) }),
    );
    expect(added).toMatchObject({
      code: Code.InvalidArgument,
      rawMessage: expect.stringContaining('flags[0]'),
    });
    const base = clone(ConfigSchema, await api.backrest.getConfig({}));
    const cases: [string, (c: typeof base) => void][] = [
      [
        'repos[0].env[0]',
        (c) => c.repos.find((r) => r.id === 'clean')!.env.push(`RESTIC_PASSWORD_COMMAND=${touch('set-env')}`),
      ],
      ['.env[0]', (c) => c.repos.find((r) => r.id === 'clean')!.env.push('LD_PRELOAD=/tmp/evil.so')],
      [
        '.flags[0]',
        (c) =>
          c.repos
            .find((r) => r.id === 'clean')!
            .flags.push(`-o sftp.args="-oProxyCommand=${touch('set-ssh')}"`),
      ],
      [
        'plans[1].backup_flags[0]',
        (c) =>
          c.plans.push(
            create(PlanSchema, {
              id: 'stdin',
              repo: 'clean',
              paths: [ws.src],
              schedule: { schedule: { case: 'disabled', value: true } },
              backupFlags: ['--stdin-from-command'],
            }),
          ),
      ],
    ];
    for (const [field, change] of cases) {
      const next = clone(ConfigSchema, base);
      change(next);
      const err = await codeOf(api.backrest.setConfig(next));
      expect(err, field).toMatchObject({ code: Code.InvalidArgument });
      expect((err as ConnectError).rawMessage, field).toContain(field);
    }
    // an unrelated change keeps the settings stored before the lock-down (they stay refused at run time)
    const renamed = clone(ConfigSchema, base);
    renamed.plans[0]!.excludes.push('*.tmp');
    expect((await api.backrest.setConfig(renamed)).plans[0]?.excludes).toEqual(['*.tmp']);
    for (const m of ['add-repo', 'set-env', 'set-ssh']) expect(fs.existsSync(marker(m)), m).toBe(false);
  });

  it('refuses Zerobyte schedules whose customResticParams run a program', async () => {
    const login = await fetch(`${server.url}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: USER, password: PASS }),
    });
    const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0]!;
    const res = await fetch(`${server.url}/api/v1/backups`, {
      method: 'POST',
      headers: { cookie, 'content-type': 'application/json' },
      body: JSON.stringify({
        name: 'Canary',
        repositoryId: 'clean',
        cronExpression: '0 3 * * *',
        includePaths: [ws.src],
        customResticParams: [`--password-command=${touch('zerobyte')}`],
      }),
    });
    expect(res.status).toBe(400);
    expect(await res.text()).toContain('backup_flags');
    expect(fs.existsSync(marker('zerobyte'))).toBe(false);
  });
});

// Backrest 1.14.1's own web UI against restora serve, with real restic: the requests its screens send, built the way
// its code builds them (webui/src/features/settings/SettingsModal.tsx, SummaryDashboard.tsx, api/oplog.ts): first run
// with its polls, the Settings dialog (identity as {keyId}, users as ********, auth disabled), the dashboard, "View
// logs" of a backup and a restore, and the names of downloads.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Writable } from 'node:stream';
import { clone, fromJson, toJson } from '@bufbuild/protobuf';
import { Code, ConnectError } from '@connectrpc/connect';
import {
  AuthSchema,
  ConfigSchema,
  MultihostSchema,
  OperationStatus,
  UserSchema,
  type Config,
  type Operation,
} from '@restora/proto';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '../../src/app.js';
import {
  addLocalRepoAndPlan,
  basicHeader,
  clients,
  serve,
  waitFor,
  workspace,
  writeUserConfig,
  type Clients,
  type Workspace,
} from './api-helpers.js';

const run = promisify(execFile);
const ADMIN = 'admin';
const ADMIN_PASS = 'compat-admin-pw';
let ws: Workspace;
let server: RunningServer;
let anon: Clients;
let admin: Clients;
let used: Workspace;
let usedServer: RunningServer;
let user: Clients;
const warnings: string[] = [];

const codeOf = (p: Promise<unknown>) =>
  p.then(
    () => Code.Unknown + 1000,
    (e: unknown) => ConnectError.from(e).code,
  );

/** What SettingsModal.handleOk sends: the loaded config with auth, multihost and instance replaced from its form. */
async function saveSettingsDialog(
  c: Clients,
  form: { instance: string; disabled: boolean; newUsers?: { name: string; password: string }[] },
): Promise<Config> {
  const config = await c.backrest.getConfig({});
  const users = [
    ...(config.auth?.users ?? []).map((u) => toJson(UserSchema, u, { alwaysEmitImplicit: true })),
    ...(await Promise.all(
      (form.newUsers ?? []).map(async (u) => ({
        name: u.name,
        passwordBcrypt: (await c.auth.hashPassword({ value: u.password })).value,
      })),
    )),
  ];
  const next = clone(ConfigSchema, config);
  next.auth = fromJson(AuthSchema, { disabled: form.disabled, users });
  next.multihost = fromJson(MultihostSchema, {
    identity: { keyid: config.multihost?.identity?.keyid || '' },
    knownHosts: [],
    authorizedClients: [],
  });
  next.instance = form.instance;
  return c.backrest.setConfig(next);
}

async function readLog(ref: string): Promise<string> {
  let text = '';
  for await (const chunk of user.backrest.getLogs({ ref })) text += Buffer.from(chunk.value).toString('utf8');
  return text;
}

async function waitOp(id: bigint): Promise<Operation> {
  return waitFor(`operation ${id}`, async () => {
    const [op] = (await user.backrest.getOperations({ selector: { ids: [id] } })).operations;
    return op &&
      op.status !== OperationStatus.STATUS_PENDING &&
      op.status !== OperationStatus.STATUS_INPROGRESS
      ? op
      : undefined;
  });
}

beforeAll(async () => {
  ws = workspace('backrest-ui');
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      warnings.push(chunk.toString('utf8'));
      done();
    },
  });
  // no config file: the first run of a fresh install
  server = await serve(ws, { logger: pino({ level: 'warn' }, sink), keepAliveMs: 200 });
  anon = clients(server.url, { binary: false });
  admin = clients(server.url, { binary: false, authorization: basicHeader(ADMIN, ADMIN_PASS) });
  // a second install, set up already (its own config and data), for the screens used after setup
  used = workspace('backrest-ui-used');
  mkdirSync(join(used.src, 'docs'), { recursive: true });
  writeFileSync(join(used.src, 'hello.txt'), 'hello\n');
  writeFileSync(join(used.src, 'docs', 'a.md'), '# a\n');
  await writeUserConfig(used, { instance: 'compat-used' });
  usedServer = await serve(used);
  user = clients(usedServer.url, { binary: false, authorization: basicHeader() });
});

afterAll(async () => {
  await server?.close();
  await usedServer?.close();
  ws?.cleanup();
  used?.cleanup();
});

describe("Backrest 1.14.1's web UI against restora serve, first run", () => {
  it('first run: the polls behind the setup dialog answer without error and show nothing of the install', async () => {
    const dash = await anon.backrest.getSummaryDashboard({});
    expect([dash.planSummaries, dash.repoSummaries, dash.configPath, dash.dataPath]).toEqual([
      [],
      [],
      '',
      '',
    ]);
    const stop = new AbortController();
    const first = await (async () => {
      for await (const e of anon.backrest.getOperationEvents({}, { signal: stop.signal })) return e;
    })();
    stop.abort();
    expect(first?.event.case).toBe('keepAlive');
    // everything else stays closed
    expect(await codeOf(anon.backrest.getOperations({ selector: {} }))).toBe(Code.Unauthenticated);
  });

  it('first run: the Settings dialog keeping auth disabled is accepted (with a warning); the identity survives', async () => {
    const before = await anon.backrest.getConfig({});
    const keyid = before.multihost?.identity?.keyid ?? '';
    expect(keyid).toMatch(/^ed25519\./);
    // GetConfig sends the identity as its key id only, as Backrest's SanitizeForNetwork does
    expect(toJson(MultihostSchema, before.multihost!)).toEqual({ identity: { keyId: keyid } });
    const storedKey = () =>
      (JSON.parse(readFileSync(ws.configFile, 'utf8')) as { sync: { identity: { ed25519priv: string } } })
        .sync.identity.ed25519priv;

    const saved = await saveSettingsDialog(anon, { instance: 'compat-host', disabled: true });
    expect(saved.auth?.disabled).toBe(true);
    expect(saved.multihost?.identity?.keyid).toBe(keyid);
    const key = storedKey();
    expect(key).not.toBe('');
    expect(warnings.join('')).toMatch(/authentication disabled by SetConfig during first-run setup/);
    // auth disabled: the whole API is open, as in Backrest
    expect((await anon.backrest.getOperations({ selector: {} })).operations).toEqual([]);

    // the same dialog, later: add the first user and turn auth back on
    const withUser = await saveSettingsDialog(anon, {
      instance: 'compat-host',
      disabled: false,
      newUsers: [{ name: ADMIN, password: ADMIN_PASS }],
    });
    expect(withUser.auth?.users.map((u) => [u.name, u.password.value])).toEqual([[ADMIN, '********']]);
    expect(await codeOf(anon.backrest.getOperations({ selector: {} }))).toBe(Code.Unauthenticated);
    expect(await codeOf(anon.backrest.getSummaryDashboard({}))).toBe(Code.Unauthenticated);

    // and again, signed in: the existing user comes back as ********, a second one is added
    await saveSettingsDialog(admin, {
      instance: 'compat-host',
      disabled: false,
      newUsers: [{ name: 'second', password: 'second-pw' }],
    });
    for (const [username, password] of [
      [ADMIN, ADMIN_PASS],
      ['second', 'second-pw'],
    ] as const)
      expect((await anon.auth.login({ username, password })).token).toBeTruthy();
    expect(storedKey()).toBe(key);
    expect((await admin.backrest.getConfig({})).multihost?.identity?.keyid).toBe(keyid);
  });
});

describe("Backrest 1.14.1's web UI against restora serve, signed in", () => {
  it('dashboard: the pending scheduled run is not a recent backup; plans and repos carry nextBackupTimeMs', async () => {
    await addLocalRepoAndPlan(user, used, { case: 'cron', value: '0 3 1 1 *' });
    await user.backrest.backup({ value: 'home' });
    const pending = await waitFor('the next scheduled run', async () =>
      (await user.backrest.getOperations({ selector: { planId: 'home' } })).operations.find(
        (o) => o.status === OperationStatus.STATUS_PENDING,
      ),
    );
    const dash = await user.backrest.getSummaryDashboard({});
    const plan = dash.planSummaries.find((p) => p.id === 'home')!;
    const repo = dash.repoSummaries.find((r) => r.id === 'local')!;
    for (const s of [plan, repo]) {
      expect(s.recentBackups?.status).toEqual([OperationStatus.STATUS_SUCCESS]);
      expect(s.recentBackups?.durationMs.every((d) => d > 0n)).toBe(true);
      expect(s.backupsSuccessLast30days).toBe(1n);
      expect(s.nextBackupTimeMs).toBe(pending.unixTimeStartMs);
    }
  });

  it('"View logs" of a backup and of a restore shows the task\'s lines and restic\'s summary', async () => {
    const ops = (await user.backrest.getOperations({ selector: { planId: 'home' } })).operations;
    const backup = ops.find(
      (o) => o.op.case === 'operationBackup' && o.status === OperationStatus.STATUS_SUCCESS,
    )!;
    const backupLog = await readLog(backup.logref);
    expect(backupLog).toContain(`starting backup of plan "home" to repo "local": ${used.src}`);
    expect(backupLog).toMatch(/^Files: +2 new, +0 changed, +0 unmodified$/m);
    expect(backupLog).toContain(`snapshot ${backup.snapshotId.slice(0, 8)} saved`);

    const target = join(used.dir, 'restored');
    const { operationId } = await user.backrest.restore({
      repoId: 'local',
      planId: 'home',
      snapshotId: backup.snapshotId,
      path: join(used.src, 'docs'),
      target,
    });
    const restore = await waitOp(operationId);
    expect(restore.status).toBe(OperationStatus.STATUS_SUCCESS);
    const restoreLog = await readLog(restore.logref);
    expect(restoreLog).toContain(
      `restoring ${join(used.src, 'docs')} of snapshot ${backup.snapshotId.slice(0, 8)} to ${target}`,
    );
    expect(restoreLog).toMatch(/^restore finished/m);
  });

  it('downloads are named after the snapshot path, as Backrest names them', async () => {
    const [backup] = (await user.backrest.getOperations({ selector: { planId: 'home' } })).operations.filter(
      (o) => o.op.case === 'operationBackup' && o.snapshotId,
    );
    const index = await waitFor('index snapshot op', async () =>
      (await user.backrest.getOperations({ selector: { snapshotId: backup!.snapshotId } })).operations.find(
        (o) => o.op.case === 'operationIndexSnapshot',
      ),
    );
    const nameOf = async (filePath: string, hint = '') => {
      const url = await user.backrest.getDownloadURL({ opId: index.id, filePath });
      const res = await fetch(`${usedServer.url}/${url.value.slice(2)}${hint}`);
      await res.arrayBuffer();
      return res.headers.get('content-disposition');
    };
    expect(await nameOf(join(used.src, 'hello.txt'))).toBe(
      `attachment; filename="${join(used.src, 'hello.txt')}"`,
    );
    expect(await nameOf(join(used.src, 'docs'))).toBe(`attachment; filename="${join(used.src, 'docs')}.tar"`);
    // Restora's own UI appends the name it wants after the token; Backrest's UI appends nothing
    expect(await nameOf(join(used.src, 'docs'), 'docs')).toBe('attachment; filename=docs.tar');
    expect(await nameOf(join(used.src, 'docs'), 'd%C3%B6cs.zip?format=zip')).toBe(
      "attachment; filename*=utf-8''d%C3%B6cs.zip",
    );
  });

  it("a folder's tar and zip hold paths relative to the folder's parent (docs/...), not the absolute snapshot path", async () => {
    const [backup] = (await user.backrest.getOperations({ selector: { planId: 'home' } })).operations.filter(
      (o) => o.op.case === 'operationBackup' && o.snapshotId,
    );
    const index = (
      await user.backrest.getOperations({ selector: { snapshotId: backup!.snapshotId } })
    ).operations.find((o) => o.op.case === 'operationIndexSnapshot')!;
    const url = await user.backrest.getDownloadURL({ opId: index.id, filePath: join(used.src, 'docs') });
    const res = await fetch(`${usedServer.url}/${url.value.slice(2)}docs`);
    expect(res.status).toBe(200);
    const file = join(used.dir, 'docs.tar');
    writeFileSync(file, Buffer.from(await res.arrayBuffer()));
    const { stdout } = await run('tar', ['-tf', file]);
    expect(stdout.split('\n').filter(Boolean).sort()).toEqual(['docs/a.md']);
    mkdirSync(join(used.dir, 'untar'));
    await run('tar', ['-xf', file, '-C', join(used.dir, 'untar')]);
    expect(readFileSync(join(used.dir, 'untar', 'docs', 'a.md'), 'utf8')).toBe('# a\n');

    // the zip (?format=zip) holds the same names: restic 0.14's own zip has the absolute paths
    const zipUrl = await user.backrest.getDownloadURL({ opId: index.id, filePath: join(used.src, 'docs') });
    const zipRes = await fetch(`${usedServer.url}/${zipUrl.value.slice(2)}docs.zip?format=zip`);
    expect(zipRes.headers.get('content-disposition')).toBe('attachment; filename=docs.zip');
    const zipFile = join(used.dir, 'docs.zip');
    writeFileSync(zipFile, Buffer.from(await zipRes.arrayBuffer()));
    const listed = await run('unzip', ['-Z1', zipFile]);
    expect(listed.stdout.split('\n').filter(Boolean).sort()).toEqual(['docs/a.md']);
    await run('unzip', ['-q', zipFile, '-d', join(used.dir, 'unzip')]);
    expect(readFileSync(join(used.dir, 'unzip', 'docs', 'a.md'), 'utf8')).toBe('# a\n');
  });
});

// restora serve end to end with real restic 0.14: repo and plan through the API, the seed's curl lines, events,
// snapshot browsing, downloads, restore, cancel, RunCommand, ClearHistory; JSON and binary Connect clients.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { randomBytes } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { clone, create } from '@bufbuild/protobuf';
import { Code, ConnectError } from '@connectrpc/connect';
import {
  ConfigSchema,
  DoRepoTaskRequest_Task,
  OperationStatus,
  PlanSchema,
  RepoSchema,
  ScheduleSchema,
  type Operation,
  type OperationEvent,
} from '@restora/proto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '../../src/app.js';
import {
  basicHeader,
  clients,
  curl,
  PASS,
  REPO_PASSWORD,
  serve,
  USER,
  waitFor,
  workspace,
  writeUserConfig,
  type Clients,
  type Workspace,
} from './api-helpers.js';

const execFileP = promisify(execFile);
let ws: Workspace;
let server: RunningServer;
let json: Clients;
let bin: Clients;
let repoDir: string;
let slowDir: string;
const bigFile = randomBytes(150_000);

const ops = async (planId: string) =>
  (await json.backrest.getOperations({ selector: { planId } })).operations;
const finished = (op: Operation) =>
  op.status !== OperationStatus.STATUS_PENDING && op.status !== OperationStatus.STATUS_INPROGRESS;

async function waitOp(id: bigint): Promise<Operation> {
  return waitFor(`operation ${id}`, async () => {
    const [op] = (await bin.backrest.getOperations({ selector: { ids: [id] } })).operations;
    return op && finished(op) ? op : undefined;
  });
}

async function readLog(ref: string): Promise<string> {
  let text = '';
  for await (const chunk of json.backrest.getLogs({ ref })) text += Buffer.from(chunk.value).toString('utf8');
  return text;
}

beforeAll(async () => {
  ws = workspace('flow');
  repoDir = join(ws.dir, 'repo');
  slowDir = join(ws.dir, 'slow');
  mkdirSync(join(ws.src, 'sub'), { recursive: true });
  writeFileSync(join(ws.src, 'a.txt'), 'alpha\n');
  writeFileSync(join(ws.src, 'sub', 'b.bin'), bigFile);
  mkdirSync(slowDir);
  writeFileSync(join(slowDir, 'big.bin'), randomBytes(4_000_000));
  await writeUserConfig(ws);
  server = await serve(ws, { keepAliveMs: 300 });
  json = clients(server.url, { binary: false, authorization: basicHeader() });
  bin = clients(server.url, { binary: true, authorization: basicHeader() });
});

afterAll(async () => {
  await server?.close();
  ws?.cleanup();
});

describe('restora serve with real restic', () => {
  it('adds a repo (AddRepo runs restic init) and plans (SetConfig); secrets never leave the server', async () => {
    const repo = create(RepoSchema, {
      id: 'local',
      uri: repoDir,
      password: REPO_PASSWORD,
      env: ['B2_ACCOUNT_KEY=k1'],
    });
    expect((await json.backrest.checkRepoExists({ repo })).exists).toBe(false);
    const afterAdd = await json.backrest.addRepo({ repo });
    expect(afterAdd.repos[0]).toMatchObject({
      id: 'local',
      password: '********',
      env: ['B2_ACCOUNT_KEY=********'],
    });
    expect(afterAdd.repos[0]?.guid).toMatch(/^[0-9a-f]{64}$/);
    expect((await bin.backrest.checkRepoExists({ repo })).exists).toBe(true);
    const config = clone(ConfigSchema, await bin.backrest.getConfig({}));
    const manual = create(ScheduleSchema, { schedule: { case: 'disabled', value: true } });
    config.plans = [
      create(PlanSchema, { id: 'home', repo: 'local', paths: [ws.src], schedule: manual }),
      create(PlanSchema, {
        id: 'slow',
        repo: 'local',
        paths: [slowDir],
        schedule: manual,
        backupFlags: ['--limit-upload=1'],
      }),
    ];
    const saved = await bin.backrest.setConfig(config);
    expect(saved.plans.map((p) => p.id)).toEqual(['home', 'slow']);
    expect(saved.repos[0]?.password).toBe('********');
    const onDisk = readFileSync(ws.configFile, 'utf8');
    // sealed at rest (secrets/): the stored values are there, but not in plaintext
    expect(onDisk).not.toContain(REPO_PASSWORD);
    expect(onDisk).toMatch(/"password": "sealed:v1:/);
    expect(onDisk).toMatch(/"B2_ACCOUNT_KEY=sealed:v1:/);
    expect(await codeOf(json.backrest.removeRepo({ repoId: 'local' }))).toBe(Code.InvalidArgument);
  });

  it("runs the seed's curl lines verbatim (Backup blocks until done; GetOperations with {} and a selector)", async () => {
    const backup = await curl([
      '-X',
      'POST',
      `${server.url}/v1.Backrest/Backup`,
      '--data',
      '{"value": "home"}',
      '-H',
      'Content-Type: application/json',
      '-u',
      `${USER}:${PASS}`,
    ]);
    expect(backup).toEqual({ status: 200, body: '{}' });
    // Blocking: the backup has finished by the time curl returns.
    const done = (await ops('home')).filter((o) => o.op.case === 'operationBackup');
    expect(done.map((o) => o.status)).toEqual([OperationStatus.STATUS_SUCCESS]);
    const all = await curl([
      '-X',
      'POST',
      `${server.url}/v1.Backrest/GetOperations`,
      '--data',
      '{}',
      '-H',
      'Content-Type: application/json',
      '-u',
      `${USER}:${PASS}`,
    ]);
    expect(all.status).toBe(200);
    const list = JSON.parse(all.body) as { operations: { id: string; planId: string; status: string }[] };
    expect(list.operations.some((o) => o.planId === 'home' && o.status === 'STATUS_SUCCESS')).toBe(true);
    const byPlan = await curl([
      '-X',
      'POST',
      `${server.url}/v1.Backrest/GetOperations`,
      '--data',
      '{"selector": {"planId": "home"}}',
      '-H',
      'Content-Type: application/json',
      '-u',
      `${USER}:${PASS}`,
    ]);
    const planOps = (JSON.parse(byPlan.body) as typeof list).operations;
    expect(planOps.length).toBeGreaterThan(0);
    expect(planOps.every((o) => o.planId === 'home')).toBe(true);
    // The chained-plans form from the seed: curl gives up after 1 s, the backup goes on in the background.
    writeFileSync(join(ws.src, 'd.txt'), 'delta\n');
    await execFileP('sh', [
      '-c',
      `curl -s -X POST '${server.url}/v1.Backrest/Backup' --data '{"value": "home"}' -H 'Content-Type: application/json' -u ${USER}:${PASS} -m 1 || exit 0`,
    ]);
    await waitFor('chained backup', async () => {
      const backups = (await ops('home')).filter((o) => o.op.case === 'operationBackup');
      return backups.length === 2 && backups.every(finished) ? true : undefined;
    });
    const unknown = await curl([
      '-X',
      'POST',
      `${server.url}/v1.Backrest/Backup`,
      '--data',
      '{"value": "nope"}',
      '-H',
      'Content-Type: application/json',
      '-u',
      `${USER}:${PASS}`,
    ]);
    expect(unknown.status).toBe(404);
    expect(JSON.parse(unknown.body)).toEqual({ code: 'not_found', message: 'plan "nope" not found' });
  });

  it('streams GetOperationEvents (binary) while a backup runs, with keep-alives', async () => {
    const ac = new AbortController();
    const events: OperationEvent[] = [];
    const reading = (async () => {
      try {
        for await (const e of bin.backrest.getOperationEvents({}, { signal: ac.signal })) events.push(e);
      } catch (e) {
        if (!ac.signal.aborted) throw e;
      }
    })();
    writeFileSync(join(ws.src, 'c.txt'), 'charlie\n');
    await bin.backrest.backup({ value: 'home' });
    const seen = (status: OperationStatus) =>
      events.some(
        (e) =>
          (e.event.case === 'createdOperations' || e.event.case === 'updatedOperations') &&
          e.event.value.operations.some(
            (o) => o.planId === 'home' && o.op.case === 'operationBackup' && o.status === status,
          ),
      );
    await waitFor('events', async () =>
      seen(OperationStatus.STATUS_SUCCESS) && events.some((e) => e.event.case === 'keepAlive')
        ? true
        : undefined,
    );
    expect(seen(OperationStatus.STATUS_INPROGRESS)).toBe(true);
    ac.abort();
    await reading;
  });

  it('browses snapshots, downloads a file and a folder, in JSON and binary', async () => {
    const [a, b] = await Promise.all([
      json.backrest.listSnapshots({ repoId: 'local', planId: 'home' }),
      bin.backrest.listSnapshots({ repoId: 'local', planId: 'home' }),
    ]);
    expect(a.snapshots.map((s) => s.id)).toEqual(b.snapshots.map((s) => s.id));
    expect(a.snapshots.length).toBeGreaterThanOrEqual(3);
    const snap = a.snapshots.at(-1)!;
    expect(snap.tags).toEqual(expect.arrayContaining(['plan:home', 'created-by:e2e-host']));
    const files = await bin.backrest.listSnapshotFiles({
      repoId: 'local',
      snapshotId: snap.id,
      path: ws.src,
    });
    expect(files.path).toBe(ws.src);
    expect(files.entries.map((e) => e.name)).toEqual(expect.arrayContaining(['a.txt', 'c.txt', 'sub']));
    expect(files.entries.find((e) => e.name === 'a.txt')?.size).toBe(6n);

    const indexOp = await waitFor('index snapshot op', async () =>
      (await json.backrest.getOperations({ selector: { snapshotId: snap.id } })).operations.find(
        (o) => o.op.case === 'operationIndexSnapshot',
      ),
    );
    const url = await json.backrest.getDownloadURL({
      opId: indexOp.id,
      filePath: join(ws.src, 'sub', 'b.bin'),
    });
    expect(url.value).toMatch(/^\.\/download\/[^/]+\/$/);
    const file = await fetch(`${server.url}/${url.value.slice(2)}`);
    expect(file.status).toBe(200);
    // named after the snapshot path, as Backrest does
    expect(file.headers.get('content-disposition')).toBe(
      `attachment; filename="${join(ws.src, 'sub', 'b.bin')}"`,
    );
    expect(Buffer.from(await file.arrayBuffer()).equals(bigFile)).toBe(true);

    const dirUrl = await bin.backrest.getDownloadURL({ opId: indexOp.id, filePath: ws.src });
    const tar = Buffer.from(await (await fetch(`${server.url}/${dirUrl.value.slice(2)}`)).arrayBuffer());
    expect(tar.subarray(257, 262).toString()).toBe('ustar');
    expect(tar.includes(Buffer.from('charlie\n'))).toBe(true);

    const zip = await fetch(`${server.url}/${dirUrl.value.slice(2)}?format=zip`);
    expect(zip.headers.get('content-disposition')).toMatch(/\.zip"$/);
    expect(Buffer.from(await zip.arrayBuffer()).readUInt32LE(0)).toBe(0x04034b50);

    const bad = await fetch(`${server.url}/download/not-a-token/`);
    expect(bad.status).toBe(403);
    const backupOp = (await ops('home')).find((o) => o.op.case === 'operationBackup')!;
    expect(await codeOf(json.backrest.getDownloadURL({ opId: backupOp.id, filePath: '/' }))).toBe(
      Code.InvalidArgument,
    );
    expect(await codeOf(json.backrest.getDownloadURL({ opId: 999_999n, filePath: '/' }))).toBe(Code.NotFound);
    const listing = await bin.backrest.pathAutocomplete({ value: ws.src });
    expect(listing.values).toEqual(expect.arrayContaining(['a.txt', 'sub']));
  });

  it('restores a snapshot, compares the bytes and downloads the restore as tar.gz', async () => {
    const snap = (await bin.backrest.listSnapshots({ repoId: 'local', planId: 'home' })).snapshots.at(-1)!;
    const target = join(ws.dir, 'restored');
    const { operationId } = await bin.backrest.restore({
      repoId: 'local',
      planId: 'home',
      snapshotId: snap.id,
      path: ws.src,
      target,
    });
    const op = await waitOp(operationId);
    expect(op.status).toBe(OperationStatus.STATUS_SUCCESS);
    // restic >= 0.15 restores <target>/src/..., 0.14 the full snapshot path under the target.
    const restored = findFile(target, 'b.bin');
    expect(restored).toMatch(/\/src\/sub\/b\.bin$/);
    expect(readFileSync(restored!).equals(bigFile)).toBe(true);
    expect(readFileSync(join(restored!, '..', '..', 'a.txt'), 'utf8')).toBe('alpha\n');
    const again = await json.backrest
      .restore({ repoId: 'local', planId: 'home', snapshotId: snap.id, path: ws.src, target })
      .catch((e: unknown) => ConnectError.from(e));
    expect(again).toMatchObject({ code: Code.FailedPrecondition });
    const url = await json.backrest.getDownloadURL({ opId: operationId, filePath: '/' });
    const res = await fetch(`${server.url}/${url.value.slice(2)}`);
    expect(res.headers.get('content-type')).toBe('application/gzip');
    const tar = gunzipSync(Buffer.from(await res.arrayBuffer()));
    expect(tar.includes(bigFile.subarray(0, 1000))).toBe(true);
  });

  it('cancels a running backup (Backup answers Canceled, no stale lock) and runs RunCommand', async () => {
    const running = bin.backrest.backup({ value: 'slow' }).then(
      () => 'ok',
      (e: unknown) => ConnectError.from(e).code,
    );
    // Wait for restic's first progress report: cancelling while restic is still taking its lock can leave a
    // stale lock behind (a restic/engine race reported separately); here we cancel a backup that is running.
    const op = await waitFor('slow backup reporting progress', async () =>
      (await ops('slow')).find(
        (o) =>
          o.status === OperationStatus.STATUS_INPROGRESS &&
          o.op.case === 'operationBackup' &&
          o.op.value.lastStatus?.entry.case === 'status',
      ),
    );
    // GetLogs follows the live task log: the stream stays open while the backup runs.
    expect(op.logref).toMatch(/^t-/);
    let logEnded = false;
    const following = readLog(op.logref).then((text) => {
      logEnded = true;
      return text;
    });
    await new Promise((r) => setTimeout(r, 300));
    expect(logEnded).toBe(false);
    await json.backrest.cancel({ operationId: op.id });
    expect(await running).toBe(Code.Canceled);
    await following;
    expect(logEnded).toBe(true);
    expect((await waitOp(op.id)).status).toBe(OperationStatus.STATUS_USER_CANCELLED);

    const locks = await json.backrest.runCommand({ repoId: 'local', command: 'list locks --no-lock' });
    const cmdOp = await waitOp(locks.operationId);
    expect(cmdOp.status).toBe(OperationStatus.STATUS_SUCCESS);
    expect(cmdOp.op.case).toBe('operationRunCommand');
    if (cmdOp.op.case !== 'operationRunCommand') return;
    expect((await readLog(cmdOp.op.value.outputLogref)).trim()).toBe('');

    const snaps = await bin.backrest.runCommand({ repoId: 'local', command: 'snapshots --json' });
    const snapOp = await waitOp(snaps.operationId);
    if (snapOp.op.case !== 'operationRunCommand') throw new Error('not a run-command op');
    const listed = JSON.parse(await readLog(snapOp.op.value.outputLogref)) as { id: string }[];
    expect(listed.length).toBeGreaterThanOrEqual(2);
    expect(await readLog('t-does-not-exist')).toBe(
      'file associated with log t-does-not-exist not found, it may have expired.',
    );
  });

  it('forgets one snapshot (Forget with snapshotId) and filters the event stream by plan (gRPC, h2c)', async () => {
    const before = (await json.backrest.listSnapshots({ repoId: 'local', planId: 'home' })).snapshots;
    const ac = new AbortController();
    const seenPlans = new Set<string>();
    const reading = (async () => {
      try {
        // gRPC over h2c on the same port.
        const grpc = clients(server.url, { binary: true, protocol: 'grpc', authorization: basicHeader() });
        for await (const e of grpc.backrest.getOperationEvents(
          {},
          { signal: ac.signal, headers: { 'restora-plan-id': 'home' } },
        )) {
          if (e.event.case === 'createdOperations' || e.event.case === 'updatedOperations')
            for (const o of e.event.value.operations) seenPlans.add(o.planId);
        }
      } catch (e) {
        if (!ac.signal.aborted) throw e;
      }
    })();
    const { operationId } = await json.backrest.forget({
      repoId: 'local',
      planId: 'home',
      snapshotId: before[0]!.id,
    });
    expect((await waitOp(operationId)).status).toBe(OperationStatus.STATUS_SUCCESS);
    const stats = await json.backrest.doRepoTask({ repoId: 'local', task: DoRepoTaskRequest_Task.STATS });
    await waitOp(stats.operationId);
    const after = (await json.backrest.listSnapshots({ repoId: 'local', planId: 'home' })).snapshots;
    expect(after.map((s) => s.id)).toEqual(before.slice(1).map((s) => s.id));
    await waitFor('filtered events', async () => (seenPlans.has('home') ? true : undefined));
    ac.abort();
    await reading;
    expect([...seenPlans]).toEqual(['home']);
    expect(await codeOf(json.backrest.forget({ repoId: 'local', planId: '', snapshotId: '' }))).toBe(
      Code.InvalidArgument,
    );
  });

  it('reports the dashboard, metrics, repo tasks and clears history', async () => {
    const dash = await bin.backrest.getSummaryDashboard({});
    const home = dash.planSummaries.find((s) => s.id === 'home');
    expect(home?.backupsSuccessLast30days).toBeGreaterThanOrEqual(2n);
    expect(dash.configPath).toBe(ws.configFile);
    const unlock = await json.backrest.doRepoTask({ repoId: 'local', task: DoRepoTaskRequest_Task.UNLOCK });
    // issue 15: unlock is an op too (a run-command op with the command line), finished when DoRepoTask answers
    const unlockOp = await waitOp(unlock.operationId);
    expect(unlockOp.status).toBe(OperationStatus.STATUS_SUCCESS);
    expect(unlockOp.op.case === 'operationRunCommand' && unlockOp.op.value.command).toBe('restic unlock');
    const stats = await bin.backrest.doRepoTask({ repoId: 'local', task: DoRepoTaskRequest_Task.STATS });
    expect((await waitOp(stats.operationId)).status).toBe(OperationStatus.STATUS_SUCCESS);
    expect(
      await codeOf(json.backrest.doRepoTask({ repoId: 'local', task: DoRepoTaskRequest_Task.NONE })),
    ).toBe(Code.InvalidArgument);
    const metrics = await (
      await fetch(`${server.url}/metrics`, { headers: { authorization: basicHeader() } })
    ).text();
    expect(metrics).toMatch(/restora_operations_total\{kind="backup",status="success"\} [1-9]/);
    expect(metrics).toMatch(/restora_operations_total\{kind="backup",status="user_cancelled"\} 1/);
    expect(metrics).toMatch(/backrest_backup_bytes_added\{repo_id="local",plan_id="home"\}/);
    expect(metrics).toMatch(/restora_last_backup_success_timestamp_seconds\{plan_id="home"\} \d/);

    expect(await codeOf(json.backrest.clearHistory({}))).toBe(Code.InvalidArgument);
    expect((await ops('slow')).length).toBeGreaterThan(0);
    await json.backrest.clearHistory({ selector: { planId: 'slow' } });
    expect(await ops('slow')).toEqual([]);
    expect((await ops('home')).length).toBeGreaterThan(0);
    const lastTwo = await Promise.all([
      json.backrest.getOperations({ selector: { planId: 'home' }, lastN: 2n }),
      bin.backrest.getOperations({ selector: { planId: 'home' }, lastN: 2n }),
    ]);
    expect(lastTwo[0].operations.map((o) => o.id)).toEqual(lastTwo[1].operations.map((o) => o.id));
    expect(lastTwo[0].operations).toHaveLength(2);
  });
});

function findFile(dir: string, name: string): string | undefined {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isFile() && e.name === name) return p;
    if (e.isDirectory()) {
      const found = findFile(p, name);
      if (found) return found;
    }
  }
  return undefined;
}

async function codeOf(p: Promise<unknown>): Promise<Code | 'ok'> {
  try {
    await p;
    return 'ok';
  } catch (e) {
    return ConnectError.from(e).code;
  }
}

// REST restores (real restic 0.14) land in the operation log as Backrest OperationRestore ops, seen over Connect.
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../../src/api/rest/testing/harness.js';

type Json = Record<string, unknown>;

interface OpJson {
  id: string;
  flowId: string;
  repoId: string;
  repoGuid: string;
  planId: string;
  snapshotId?: string;
  instanceId: string;
  status: string;
  displayMessage?: string;
  unixTimeStartMs: string;
  unixTimeEndMs?: string;
  operationBackup?: Json;
  operationRestore?: { path?: string; target?: string; lastStatus?: Json };
}

describe('REST restores in the operation log (real restic 0.14)', () => {
  let h: Harness;
  let cookie: string;
  let src: string;
  let repo: { id: string; shortId: string };
  let snapId: string;
  const call = (m: string, p: string, json?: unknown) =>
    h.call(m, p, { cookie, ...(json !== undefined ? { json } : {}) });
  const connect = (method: string, body: unknown) => h.connect(method, body);
  const operations = async () =>
    ((await connect('GetOperations', {})).operations ?? []) as unknown as OpJson[];
  const restores = async () => (await operations()).filter((o) => o.operationRestore);
  const waitTask = async (id: string, ms = 60_000): Promise<Json> => {
    const end = Date.now() + ms;
    for (;;) {
      const t = (await call('GET', `/api/v1/tasks/${id}`)).body as Json;
      if (!['queued', 'running', 'cancelling'].includes(String(t.status))) return t;
      if (Date.now() > end) throw new Error(`task ${id} still ${String(t.status)}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  };
  /** The restore op once it is running (the repo is download-limited, so it stays running a while). */
  const runningRestore = async (): Promise<OpJson> => {
    const end = Date.now() + 30_000;
    let op: OpJson | undefined;
    while (!(op = (await restores()).find((o) => o.status === 'STATUS_INPROGRESS'))) {
      if (Date.now() > end) throw new Error('restore op never started');
      await new Promise((res) => setTimeout(res, 50));
    }
    return op;
  };
  const restore = async (body: Json) => {
    const r = await call('POST', `/api/v1/repositories/${repo.shortId}/restore`, body);
    expect(r.status, r.text).toBe(202);
    return (r.body as { restoreId: string }).restoreId;
  };

  beforeAll(async () => {
    h = await startHarness('restore-oplog');
    cookie = await h.login();
    src = path.join(h.dir, 'src');
    fs.mkdirSync(path.join(src, 'docs'), { recursive: true });
    fs.writeFileSync(path.join(src, 'docs', 'readme.md'), '# readme\n');
    // one data pack big enough that a download-limited restore is still running when cancelled
    fs.writeFileSync(path.join(src, 'big.bin'), randomBytes(4 << 20));
    const created = await call('POST', '/api/v1/repositories', {
      name: 'Primary',
      config: { backend: 'local', path: path.join(h.dir, 'repos') },
    });
    expect(created.status).toBe(201);
    repo = (created.body as { repository: typeof repo }).repository;
    const sched = await call('POST', '/api/v1/backups', {
      name: 'Home',
      repositoryId: repo.id,
      enabled: true,
      cronExpression: '0 3 * * *',
      includePaths: [src],
    });
    const run = await call('POST', `/api/v1/backups/${(sched.body as { shortId: string }).shortId}/run`);
    expect((await waitTask((run.body as { taskId: string }).taskId, 90_000)).status).toBe('succeeded');
    const snaps = (await call('GET', `/api/v1/repositories/${repo.shortId}/snapshots`)).body as Json[];
    snapId = String(snaps[0]?.id);
  });
  afterAll(async () => h?.close());

  it('records a REST restore as one OperationRestore in the backup flow, and the task once', async () => {
    const target = path.join(h.dir, 'restored');
    const include = path.join(src, 'docs');
    const id = await restore({ snapshotId: snapId, include: [include], targetPath: target });
    expect((await waitTask(id)).status).toBe('succeeded');
    expect(fs.readFileSync(path.join(target, include, 'readme.md'), 'utf8')).toBe('# readme\n');

    const ops = await operations();
    const backup = ops.find((o) => o.operationBackup && o.snapshotId === snapId);
    expect(backup).toBeDefined();
    const [op, ...more] = ops.filter((o) => o.operationRestore);
    expect(more).toEqual([]);
    expect(op).toMatchObject({
      status: 'STATUS_SUCCESS',
      snapshotId: snapId,
      repoId: backup?.repoId,
      repoGuid: backup?.repoGuid,
      planId: backup?.planId,
      flowId: backup?.flowId,
      instanceId: 'rest-test',
      operationRestore: {
        path: include,
        target,
        lastStatus: { messageType: 'summary', percentDone: 1 },
      },
    });
    expect(Number(op!.unixTimeEndMs)).toBeGreaterThanOrEqual(Number(op!.unixTimeStartMs));
    expect(op!.displayMessage ?? '').toBe('');

    // the op is the REST task, not a second task
    const history = (await call('GET', '/api/v1/tasks/history?kind=restore')).body as { items: Json[] };
    expect(history.items.map((i) => i.id)).toEqual([id]);
    expect(((await call('GET', `/api/v1/tasks/${op!.id}`)).body as Json).id).toBe(id);
  });

  it('ends a restore that cannot write its target ERROR with the reason; an unknown snapshot is a 404', async () => {
    const before = (await restores()).length;
    const file = path.join(h.dir, 'a-file');
    fs.writeFileSync(file, 'x');
    const id = await restore({ snapshotId: snapId, targetPath: path.join(file, 'sub') });
    const task = await waitTask(id);
    expect(task).toMatchObject({ status: 'failed', error: expect.stringContaining('ENOTDIR') });
    const op = (await restores()).at(-1);
    expect(op).toMatchObject({
      status: 'STATUS_ERROR',
      snapshotId: snapId,
      displayMessage: task.error,
      operationRestore: { path: '/', target: path.join(file, 'sub') },
    });
    expect((await restores()).length).toBe(before + 1);

    const missing = await call('POST', `/api/v1/repositories/${repo.shortId}/restore`, {
      snapshotId: 'deadbeef',
      targetPath: path.join(h.dir, 'never'),
    });
    expect(missing.status).toBe(404);
    expect((await restores()).length).toBe(before + 1);
  });

  it('cancelling the REST task ends the op USER_CANCELLED; the running restore is listed once', async () => {
    // restic reads the repo at 64 KiB/s: the 4 MiB pack keeps the restore running until cancelled
    const cfg = (await connect('GetConfig', {})) as { repos: Json[] };
    const repoId = (await operations()).find((o) => o.operationBackup)?.repoId;
    const r = cfg.repos.find((x) => x.id === repoId)!;
    await connect('AddRepo', {
      repo: { ...r, flags: [...((r.flags as string[]) ?? []), '--limit-download=64'] },
    });

    const id = await restore({ snapshotId: snapId, targetPath: path.join(h.dir, 'cancelled') });
    const op = await runningRestore();
    const active = (await call('GET', '/api/v1/tasks?kind=restore')).body as Json[];
    expect(active.map((t) => t.id)).toEqual([id]);

    expect((await call('POST', `/api/v1/tasks/${id}/cancel`)).status).toBeLessThan(300);
    expect((await waitTask(id, 30_000)).status).toBe('cancelled');
    const done = (await restores()).find((o) => o.id === op.id);
    expect(done).toMatchObject({ status: 'STATUS_USER_CANCELLED', unixTimeEndMs: expect.any(String) });
  });

  it("Backrest's Cancel of the recorded op stops the REST restore (the repo is still download-limited)", async () => {
    const id = await restore({ snapshotId: snapId, targetPath: path.join(h.dir, 'cancelled-by-backrest') });
    const op = await runningRestore();
    await connect('Cancel', { operationId: op.id });
    expect((await waitTask(id, 30_000)).status).toBe('cancelled');
    expect((await restores()).find((o) => o.id === op.id)).toMatchObject({
      status: 'STATUS_USER_CANCELLED',
    });
  });
});

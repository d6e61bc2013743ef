// Issue 15 item 1 (real restic 0.14): Zerobyte's tasks are projections of oplog operations. A Zerobyte job is a
// Backrest op (GetOperations lists it, Cancel stops it), a Backrest op is a Zerobyte task, and rest-api.sqlite
// holds no task rows.
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../../src/api/rest/testing/harness.js';

type Json = Record<string, unknown>;

interface OpJson {
  id: string;
  repoId: string;
  status: string;
  displayMessage?: string;
  zerobyteTask?: string;
  operationRunCommand?: { command?: string };
  operationRestore?: Json;
  operationCheck?: Json;
}

describe('one operation model for both APIs (real restic 0.14)', () => {
  let h: Harness;
  let cookie: string;
  let repo: { id: string; shortId: string };
  let repoId: string;
  let snapId: string;
  const call = (m: string, p: string, json?: unknown) =>
    h.call(m, p, { cookie, ...(json !== undefined ? { json } : {}) });
  const connect = (method: string, body: unknown) => h.connect(method, body);
  const operations = async () =>
    ((await connect('GetOperations', {})).operations ?? []) as unknown as OpJson[];
  const task = async (id: string) => {
    const r = await call('GET', `/api/v1/tasks/${id}`);
    expect(r.status).toBe(200);
    return r.body as Json;
  };
  const until = async (what: string, ok: () => Promise<boolean>, ms = 60_000) => {
    const end = Date.now() + ms;
    while (!(await ok())) {
      if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  };
  const settled = async (id: string) => {
    let t: Json = {};
    await until(`task ${id}`, async () => {
      t = await task(id);
      return !['queued', 'running', 'cancelling'].includes(String(t.status));
    });
    return t;
  };
  /** Rows of rest-api.sqlite by kind (the sidecar: no kind 'task' may exist). */
  const sidecarKinds = () => {
    const db = new Database(path.join(h.dir, 'data', 'rest-api.sqlite'), { readonly: true });
    try {
      return (db.prepare('SELECT DISTINCT kind FROM zb_meta').all() as { kind: string }[]).map((r) => r.kind);
    } finally {
      db.close();
    }
  };

  beforeAll(async () => {
    h = await startHarness('one-model');
    cookie = await h.login();
    const src = path.join(h.dir, 'src');
    fs.mkdirSync(src, { recursive: true });
    // one data pack big enough that a download-limited restore keeps running until cancelled
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
      enabled: false,
      cronExpression: '',
      includePaths: [src],
    });
    const run = await call('POST', `/api/v1/backups/${(sched.body as { shortId: string }).shortId}/run`);
    expect((await settled((run.body as { taskId: string }).taskId)).status).toBe('succeeded');
    snapId = String(
      ((await call('GET', `/api/v1/repositories/${repo.shortId}/snapshots`)).body as Json[])[0]?.id,
    );
    repoId = (await operations()).find((o) => o.operationRunCommand === undefined)!.repoId;
  });
  afterAll(async () => h?.close());

  it('a Zerobyte doctor is a Backrest op in GetOperations; a Backrest check is a Zerobyte task', async () => {
    const doc = await call('POST', `/api/v1/repositories/${repo.shortId}/doctor`);
    expect(doc.status).toBe(202);
    const taskId = (doc.body as { taskId: string }).taskId;
    expect((await settled(taskId)).status).toBe('succeeded');
    const op = (await operations()).find((o) => o.id === taskId);
    expect(op).toMatchObject({
      repoId,
      status: 'STATUS_SUCCESS',
      displayMessage: 'zerobyte doctor',
      operationRunCommand: { command: expect.stringContaining('restic check') },
    });
    expect(JSON.parse(op!.zerobyteTask!)).toMatchObject({ kind: 'doctor', resourceId: repo.shortId });

    const { operationId } = (await connect('DoRepoTask', { repoId, task: 'TASK_CHECK' })) as {
      operationId: string;
    };
    expect(await settled(operationId)).toMatchObject({ kind: 'check', status: 'succeeded' });
    const history = (await call('GET', '/api/v1/tasks/history?pageSize=100')).body as { items: Json[] };
    expect(history.items.map((i) => i.id)).toEqual(expect.arrayContaining([taskId, operationId]));
    expect(sidecarKinds()).not.toContain('task');
  });

  it("Backrest's Cancel stops a running Zerobyte job and one queued behind it; both feeds agree", async () => {
    // restic reads the repo at 64 KiB/s: the restore runs until cancelled, the tag job waits for the repo
    const cfg = (await connect('GetConfig', {})) as { repos: Json[] };
    const r = cfg.repos.find((x) => x.id === repoId)!;
    await connect('AddRepo', {
      repo: { ...r, flags: [...((r.flags as string[]) ?? []), '--limit-download=64'] },
    });
    const started = await call('POST', `/api/v1/repositories/${repo.shortId}/restore`, {
      snapshotId: snapId,
      targetPath: path.join(h.dir, 'restored'),
    });
    expect(started.status).toBe(202);
    const restoreId = (started.body as { restoreId: string }).restoreId;
    await until('the restore to run', async () => (await task(restoreId)).status === 'running');
    const tagged = await call('POST', `/api/v1/repositories/${repo.shortId}/snapshots/tag`, {
      snapshotIds: [snapId],
      add: ['never'],
    });
    expect(tagged.status).toBe(202);
    const tagId = (tagged.body as { taskId: string }).taskId;
    expect(await task(tagId)).toMatchObject({ kind: 'tagSnapshots', status: 'queued' });
    const active = (await call('GET', '/api/v1/tasks')).body as Json[];
    expect(active.map((t) => [t.id, t.status])).toEqual(
      expect.arrayContaining([
        [restoreId, 'running'],
        [tagId, 'queued'],
      ]),
    );
    const ops = await operations();
    expect(ops.find((o) => o.id === tagId)).toMatchObject({
      status: 'STATUS_PENDING',
      operationRunCommand: { command: `restic tag --add never ${snapId}` },
    });
    expect(ops.find((o) => o.id === restoreId)).toMatchObject({ status: 'STATUS_INPROGRESS' });

    await connect('Cancel', { operationId: tagId });
    expect(await settled(tagId)).toMatchObject({ status: 'cancelled', cancellationRequested: true });
    await connect('Cancel', { operationId: restoreId });
    expect(await settled(restoreId)).toMatchObject({ status: 'cancelled' });
    const after = await operations();
    expect(after.find((o) => o.id === tagId)?.status).toBe('STATUS_USER_CANCELLED');
    expect(after.find((o) => o.id === restoreId)?.status).toBe('STATUS_USER_CANCELLED');
    // the snapshot was never tagged: the queued job did not run
    const snaps = (await call('GET', `/api/v1/repositories/${repo.shortId}/snapshots`)).body as Json[];
    expect(snaps.flatMap((s) => s.tags as string[])).not.toContain('never');
    const outcomes = (
      (await call('GET', '/api/v1/tasks/history?outcome=cancelled')).body as { items: Json[] }
    ).items;
    expect(outcomes.map((i) => i.id)).toEqual(expect.arrayContaining([tagId, restoreId]));
    expect(sidecarKinds()).not.toContain('task');
  });
});

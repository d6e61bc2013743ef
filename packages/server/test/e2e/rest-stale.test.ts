// Zerobyte's `stale` (real restic 0.14): a backup interrupted by a shutdown or a crash is reported as a stale task
// (status and history outcome) after the restart; a backup the user cancelled stays `cancelled`. The repository
// is upload-limited, so a backup of a few MiB of random data is still running in restic when it is interrupted.
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PASSWORD, startHarness, USER, type Harness } from '../../src/api/rest/testing/harness.js';
import { spawnFixture } from './fixture-process.js';
import { restClient, type RestClient } from './rest-client.js';

type Json = Record<string, unknown>;
interface Task {
  id: string;
  status: string;
  error: string | null;
  progress: Json | null;
  finishedAt: number | null;
}
interface HistoryItem {
  id: string;
  outcome: string;
  status: string;
  message: string | null;
}

const here = path.dirname(fileURLToPath(import.meta.url));

describe('interrupted backups are stale tasks after a restart (real restic 0.14)', () => {
  let dir: string;
  let h: Harness | undefined;
  /** Base URL and session of the server under test (in-process harness or the child process). */
  let base = '';
  let rest: RestClient;
  let repoId: string;
  const basic = `Basic ${Buffer.from(`${USER}:${PASSWORD}`).toString('base64')}`;

  const login = async () => {
    rest = await restClient(base);
  };
  const call = (method: string, p: string, json?: unknown) => rest.call(method, p, json);
  const get = <T>(p: string) => rest.get<T>(p);
  /** Backrest's view of a backup op: the status the engine recorded (SYSTEM_CANCELLED, ERROR, ...). */
  const opStatus = async (opId: string) => {
    const r = await fetch(`${base}/v1.Backrest/GetOperations`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: basic },
      body: JSON.stringify({ selector: { ids: [opId] } }),
    });
    const ops = ((await r.json()) as { operations?: { id: string; status: string }[] }).operations ?? [];
    return ops.find((o) => o.id === opId)?.status;
  };
  const waitFor = async (what: string, check: () => Promise<boolean>, ms = 60_000) => {
    const end = Date.now() + ms;
    while (!(await check())) {
      if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  };
  const start = async () => {
    h = await startHarness('stale', { dir });
    base = h.url;
    await login();
  };
  const stop = async () => {
    await h?.stop();
    h = undefined;
  };
  /** A schedule over the random source, without retries (an interrupted run is not run again). */
  const schedule = async (name: string) => {
    const r = await call('POST', '/api/v1/backups', {
      name,
      repositoryId: repoId,
      enabled: false,
      cronExpression: '0 3 * * *',
      includePaths: [path.join(dir, 'src')],
      maxRetries: 0,
    });
    expect(r.status, r.text).toBe(201);
    return (r.body as { shortId: string }).shortId;
  };
  /** Runs the schedule's backup; resolves once restic reports progress (the backup is running in restic). */
  const runBusy = async (shortId: string) => {
    const r = await call('POST', `/api/v1/backups/${shortId}/run`);
    expect(r.status, r.text).toBe(202);
    const taskId = (r.body as { taskId: string }).taskId;
    await waitFor(`backup ${taskId} to run`, async () => {
      const t = await get<Task>(`/api/v1/tasks/${taskId}`);
      expect(t.status, t.error ?? '').not.toMatch(/succeeded|failed|cancelled|stale/);
      return t.status === 'running' && t.progress !== null;
    });
    const active = await get<Task[]>(`/api/v1/tasks?resourceId=${shortId}`);
    expect(active.map((t) => [t.id, t.status])).toEqual([[taskId, 'running']]);
    return taskId;
  };
  const history = async (query = '') =>
    (await get<{ items: HistoryItem[] }>(`/api/v1/tasks/history?pageSize=200${query}`)).items;
  const lastBackup = async (shortId: string) =>
    get<{ lastBackupStatus: string | null; lastBackupError: string | null }>(`/api/v1/backups/${shortId}`);

  beforeAll(async () => {
    h = await startHarness('stale');
    dir = h.dir;
    base = h.url;
    await login();
    fs.mkdirSync(path.join(dir, 'src'));
    // random data restic cannot compress or dedupe: at 512 Kbps its upload takes over a minute
    fs.writeFileSync(path.join(dir, 'src', 'random.bin'), randomBytes(4 << 20));
    const created = await call('POST', '/api/v1/repositories', {
      name: 'Slow repo',
      config: {
        backend: 'local',
        path: path.join(dir, 'repo'),
        uploadLimit: { enabled: true, value: 512, unit: 'Kbps' },
      },
    });
    expect(created.status, created.text).toBe(201);
    repoId = (created.body as { repository: { id: string } }).repository.id;
  });
  afterAll(async () => {
    await h?.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('a backup stopped by a shutdown is stale after the restart; a user-cancelled one stays cancelled', async () => {
    const cancelledSchedule = await schedule('Cancelled');
    const cancelledId = await runBusy(cancelledSchedule);
    expect((await call('POST', `/api/v1/tasks/${cancelledId}/cancel`)).status).toBe(202);
    await waitFor(
      'the cancel',
      async () => (await get<Task>(`/api/v1/tasks/${cancelledId}`)).status === 'cancelled',
    );

    const stoppedSchedule = await schedule('Stopped');
    const stoppedId = await runBusy(stoppedSchedule);
    await stop(); // SIGINT to restic, the op ends SYSTEM_CANCELLED
    await start();

    // the premise, as the engine recorded it
    expect(await opStatus(stoppedId)).toBe('STATUS_SYSTEM_CANCELLED');
    expect(await opStatus(cancelledId)).toBe('STATUS_USER_CANCELLED');

    const stale = await get<Task>(`/api/v1/tasks/${stoppedId}`);
    expect(stale).toMatchObject({ status: 'stale', error: expect.stringMatching(/shutdown/) });
    expect(stale.finishedAt).toEqual(expect.any(Number));
    expect(await get<Task>(`/api/v1/tasks/${cancelledId}`)).toMatchObject({
      status: 'cancelled',
      error: null,
    });
    expect(await get<Task[]>('/api/v1/tasks')).toEqual([]);

    const items = await history();
    expect(items.find((i) => i.id === stoppedId)).toMatchObject({
      outcome: 'stale',
      status: 'stale',
      message: expect.stringMatching(/shutdown/),
    });
    expect(items.find((i) => i.id === cancelledId)).toMatchObject({
      outcome: 'cancelled',
      status: 'cancelled',
    });
    expect((await history('&outcome=stale')).map((i) => i.id)).toEqual([stoppedId]);
    expect((await history('&outcome=cancelled')).map((i) => i.id)).toEqual([cancelledId]);

    // a schedule's lastBackupStatus has no `stale`: Zerobyte shows a backup cut short by a restart as a warning
    expect(await lastBackup(stoppedSchedule)).toMatchObject({
      lastBackupStatus: 'warning',
      lastBackupError: expect.stringMatching(/shutdown/),
    });
    expect((await lastBackup(cancelledSchedule)).lastBackupStatus).toBe('error');
  });

  it('a backup left running by a crash (SIGKILL of the server and restic) is stale after the restart', async () => {
    await stop();
    const f = spawnFixture(path.join(here, 'fixtures', 'rest-serve-child.ts'), [dir]);
    let crashedSchedule = '';
    let crashedId = '';
    try {
      await waitFor('the child server', async () => /url \S+\n/.test(f.out()) || f.child.exitCode !== null);
      const url = /url (\S+)\n/.exec(f.out())?.[1];
      expect(url, f.err()).toBeDefined();
      base = url!;
      await login();
      crashedSchedule = await schedule('Crashed');
      crashedId = await runBusy(crashedSchedule);
      f.killGroup(); // the server and restic die without cleanup
      await f.exited;
    } finally {
      f.killGroup();
    }

    await start();
    expect(await opStatus(crashedId)).toBe('STATUS_ERROR'); // the startup scrub's verdict on the leftover
    expect(await get<Task>(`/api/v1/tasks/${crashedId}`)).toMatchObject({
      status: 'stale',
      error: expect.stringMatching(/incomplete when orchestrator was restarted/),
    });
    expect((await history('&outcome=stale')).map((i) => i.id)).toContain(crashedId);
    expect((await history('&outcome=error')).map((i) => i.id)).not.toContain(crashedId);
    expect(await lastBackup(crashedSchedule)).toMatchObject({
      lastBackupStatus: 'warning',
      lastBackupError: expect.stringMatching(/restarted/),
    });
  });
});

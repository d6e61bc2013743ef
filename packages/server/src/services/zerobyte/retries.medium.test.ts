// Schedule retries across restarts: real servers (startServer) over one data dir, real restic 0.14 behind a
// wrapper that can hold `restic backup` (a backup still running when the server stops).
import fs from 'node:fs';
import path from 'node:path';
import { OperationStatus } from '@restora/proto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PASSWORD, startHarness, USER, type Harness } from '../../api/rest/testing/harness.js';
import { SqliteOpLog } from '../../oplog/sqlite-store.js';
import { MetaStore } from './meta-store.js';
import type { RetryState } from './retries.js';

interface Ended {
  status: string;
  start: number;
  end: number;
}

describe('schedule retries survive a restart (real restic 0.14)', () => {
  let dir: string;
  let h: Harness;
  let cookie: string;
  let repoId: string;
  const basic = `Basic ${Buffer.from(`${USER}:${PASSWORD}`).toString('base64')}`;
  const hold = () => path.join(dir, 'hold');
  const started = () => path.join(dir, 'backup-started');

  const start = async (retryMinuteMs: number) => {
    await h?.stop(); // idempotent: a failed test may have left it running
    h = await startHarness('retry-restart', {
      dir,
      retryMinuteMs,
      resticCommand: path.join(dir, 'restic.sh'),
    });
    cookie = await h.login();
  };
  const call = (m: string, p: string, json?: unknown) =>
    h.call(m, p, { cookie, ...(json !== undefined ? { json } : {}) });
  /** Finished backups of a plan, oldest first (Backrest's GetOperations). */
  const ended = async (planId: string): Promise<Ended[]> => {
    const r = await fetch(`${h.url}/v1.Backrest/GetOperations`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: basic },
      body: JSON.stringify({ selector: { planId } }),
    });
    const ops = (
      (await r.json()) as {
        operations?: {
          status: string;
          operationBackup?: unknown;
          unixTimeStartMs: string;
          unixTimeEndMs?: string;
        }[];
      }
    ).operations;
    return (ops ?? [])
      .filter((o) => o.operationBackup && !['STATUS_INPROGRESS', 'STATUS_PENDING'].includes(o.status))
      .map((o) => ({
        status: o.status,
        start: Number(o.unixTimeStartMs),
        end: Number(o.unixTimeEndMs ?? 0),
      }));
  };
  const waitFor = async (what: string, check: () => boolean | Promise<boolean>) => {
    const end = Date.now() + 30_000;
    while (!(await check())) {
      if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  };
  const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
  /** A schedule backing up `<dir>/<name>` (missing until a test creates it: the backup fails), run once. */
  const scheduleAndRun = async (name: string, maxRetries: number) => {
    const r = await call('POST', '/api/v1/backups', {
      name,
      repositoryId: repoId,
      enabled: false,
      cronExpression: '0 3 * * *',
      includePaths: [path.join(dir, name)],
      maxRetries,
      retryDelay: 1,
    });
    expect(r.status, r.text).toBe(201);
    const shortId = (r.body as { shortId: string }).shortId;
    expect((await call('POST', `/api/v1/backups/${shortId}/run`)).status).toBe(202);
    return { planId: name, shortId };
  };
  const makeSource = (name: string) => {
    fs.mkdirSync(path.join(dir, name), { recursive: true });
    fs.writeFileSync(path.join(dir, name, 'file.txt'), 'data');
  };
  /** The stored retry row of a plan (read while the server is stopped). */
  const stored = (planId: string) => {
    const meta = new MetaStore(path.join(dir, 'data', 'rest-api.sqlite'));
    try {
      return meta.get<RetryState>('retry', planId);
    } finally {
      meta.close();
    }
  };

  beforeAll(async () => {
    h = await startHarness('retry-restart');
    dir = h.dir;
    await h.stop();
    fs.writeFileSync(
      path.join(dir, 'restic.sh'),
      `#!/bin/sh
# while ${hold()} exists, \`restic backup\` waits: a backup still running when the server stops
case " $* " in
  *" backup "*)
    if [ -e '${hold()}' ]; then
      trap 'exit 130' INT TERM
      touch '${started()}'
      while [ -e '${hold()}' ]; do sleep 0.05; done
    fi ;;
esac
exec /usr/bin/restic "$@"
`,
      { mode: 0o755 },
    );
    await start(1000);
    const created = await call('POST', '/api/v1/repositories', {
      name: 'Retry repo',
      config: { backend: 'local', path: path.join(dir, 'repo') },
    });
    expect(created.status, created.text).toBe(201);
    repoId = (created.body as { repository: { id: string } }).repository.id;
  });
  afterAll(async () => h?.close());

  it('a retry pending at shutdown runs after a restart, and its count is kept', async () => {
    await start(2000);
    const { planId } = await scheduleAndRun('pending', 1);
    await waitFor('the failed backup', async () => (await ended(planId)).length === 1);
    await h.stop();
    const s = stored(planId);
    expect(s).toMatchObject({ retries: 1 });
    expect(s!.dueAt).toBeGreaterThan(Date.now()); // still pending when the server went down

    await start(2000);
    await waitFor('the retry', async () => (await ended(planId)).length === 2);
    await sleep(3000); // past another retry delay: the retry was the last one (1 of maxRetries 1)
    expect((await ended(planId)).map((o) => o.status)).toEqual(['STATUS_ERROR', 'STATUS_ERROR']);
    await h.stop();
    expect(stored(planId)).toMatchObject({ retries: 0, dueAt: null });
  }, 60_000);

  it('a retry that came due while the server was down runs once, right after start', async () => {
    await start(1500);
    const { planId } = await scheduleAndRun('missed', 2);
    await waitFor('the failed backup', async () => (await ended(planId)).length === 1);
    await h.stop();
    await sleep(5000); // three retry delays pass while the server is down
    await start(1500);
    const up = Date.now();
    await waitFor('all retries', async () => (await ended(planId)).length === 3);
    const [, first, second] = await ended(planId);
    expect(first!.start).toBeLessThan(up + 1500); // did not wait another delay
    expect(second!.start - first!.end).toBeGreaterThanOrEqual(1500); // the next one keeps retryDelay
    await sleep(2500);
    expect(await ended(planId)).toHaveLength(3); // 1 + maxRetries 2
  }, 60_000);

  it('a good backup clears the stored state', async () => {
    await start(1500);
    const { planId } = await scheduleAndRun('recovers', 2);
    await waitFor('the failed backup', async () => (await ended(planId)).length === 1);
    await h.stop();
    expect(stored(planId)).toMatchObject({ retries: 1 });
    makeSource('recovers');
    await start(1500);
    await waitFor('the retry', async () => (await ended(planId)).length === 2);
    expect((await ended(planId)).map((o) => o.status)).toEqual(['STATUS_ERROR', 'STATUS_SUCCESS']);
    await h.stop();
    expect(stored(planId)).toBeUndefined();
  }, 60_000);

  it('deleting the schedule clears the stored state', async () => {
    await start(60_000);
    const { planId, shortId } = await scheduleAndRun('deleted', 2);
    await waitFor('the failed backup', async () => (await ended(planId)).length === 1);
    await h.stop();
    expect(stored(planId)).toMatchObject({ retries: 1 });
    await start(60_000);
    expect((await call('DELETE', `/api/v1/backups/${shortId}`)).status).toBeLessThan(300);
    await h.stop();
    expect(stored(planId)).toBeUndefined();
  }, 60_000);

  /** Runs a schedule's backup, held inside restic, and stops the server while it runs. */
  const interrupt = async (name: string) => {
    await start(1000);
    makeSource(name);
    fs.writeFileSync(hold(), '');
    fs.rmSync(started(), { force: true });
    const { planId } = await scheduleAndRun(name, 1);
    await waitFor('restic backup to start', () => fs.existsSync(started()));
    await h.stop();
    fs.rmSync(hold());
    return planId;
  };

  it('a backup stopped by a shutdown is retried after the restart', async () => {
    const planId = await interrupt('shutdown');
    await start(1000);
    await waitFor('the retry', async () => (await ended(planId)).length === 2);
    expect((await ended(planId)).map((o) => o.status)).toEqual(['STATUS_SYSTEM_CANCELLED', 'STATUS_SUCCESS']);
  }, 60_000);

  it('a backup left running by a crash is retried after the restart', async () => {
    const planId = await interrupt('crash');
    // what a crash leaves: the op still INPROGRESS
    const oplog = SqliteOpLog.open({ file: path.join(dir, 'data', 'oplog.sqlite') });
    const [op] = oplog.query({ planId, kinds: ['operationBackup'] });
    oplog.update(
      Object.assign(op!, {
        status: OperationStatus.STATUS_INPROGRESS,
        unixTimeEndMs: 0n,
        displayMessage: '',
      }),
    );
    oplog.close();
    await start(1000);
    await waitFor('the retry', async () => (await ended(planId)).length === 2);
    expect((await ended(planId)).map((o) => o.status)).toEqual(['STATUS_ERROR', 'STATUS_SUCCESS']);
  }, 60_000);
});

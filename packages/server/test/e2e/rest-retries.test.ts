// Zerobyte's maxRetries/retryDelay on a failing schedule (real restic 0.14; a retry-delay "minute" is 100 ms here).
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PASSWORD, startHarness, USER, type Harness } from '../../src/api/rest/testing/harness.js';

describe('schedule retries (real restic 0.14)', () => {
  let h: Harness;
  let cookie: string;
  let repoId: string;
  const basic = `Basic ${Buffer.from(`${USER}:${PASSWORD}`).toString('base64')}`;
  const call = (m: string, p: string, json?: unknown) =>
    h.call(m, p, { cookie, ...(json !== undefined ? { json } : {}) });
  /** Finished backup ops of a plan, from Backrest's GetOperations. */
  const finishedBackups = async (planId: string) => {
    const r = await fetch(`${h.url}/v1.Backrest/GetOperations`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: basic },
      body: JSON.stringify({ selector: { planId } }),
    });
    const ops = ((await r.json()) as { operations?: { status: string; operationBackup?: unknown }[] })
      .operations;
    return (ops ?? []).filter((o) => o.operationBackup && o.status !== 'STATUS_INPROGRESS');
  };
  const waitFor = async (what: string, check: () => Promise<boolean>) => {
    const end = Date.now() + 60_000;
    while (!(await check())) {
      if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  };
  const failingSchedule = async (name: string, maxRetries: number) => {
    const r = await call('POST', '/api/v1/backups', {
      name,
      repositoryId: repoId,
      enabled: false,
      cronExpression: '0 3 * * *',
      includePaths: [path.join(h.dir, 'does-not-exist')],
      maxRetries,
      retryDelay: 1,
    });
    expect(r.status, r.text).toBe(201);
    const s = r.body as { shortId: string };
    expect((await call('POST', `/api/v1/backups/${s.shortId}/run`)).status).toBe(202);
    return name.toLowerCase(); // the plan id is the name's slug
  };

  beforeAll(async () => {
    h = await startHarness('retries', { retryMinuteMs: 100 });
    cookie = await h.login();
    const created = await call('POST', '/api/v1/repositories', {
      name: 'Retry repo',
      config: { backend: 'local', path: path.join(h.dir, 'repo') },
    });
    expect(created.status).toBe(201);
    repoId = (created.body as { repository: { id: string } }).repository.id;
  });
  afterAll(async () => h?.close());

  it('a failed backup runs again maxRetries times, retryDelay apart, then stops', async () => {
    const planId = await failingSchedule('Flaky', 2);
    await waitFor('three failed backups', async () => (await finishedBackups(planId)).length >= 3);
    // well past two more retry delays: no fourth attempt
    await new Promise((r) => setTimeout(r, 1500));
    const ops = await finishedBackups(planId);
    expect(ops.map((o) => o.status)).toEqual(['STATUS_ERROR', 'STATUS_ERROR', 'STATUS_ERROR']);
  });

  it('maxRetries 0 means one attempt only', async () => {
    const planId = await failingSchedule('Once', 0);
    await waitFor('the failed backup', async () => (await finishedBackups(planId)).length >= 1);
    await new Promise((r) => setTimeout(r, 1000));
    expect((await finishedBackups(planId)).map((o) => o.status)).toEqual(['STATUS_ERROR']);
  });
});

// ScheduleWebhooks against real receivers: insecureTls per webhook, the run-time allow-list check, post outcomes.
import { create } from '@bufbuild/protobuf';
import { OperationSchema, PlanSchema, RepoSchema } from '@restora/proto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { selfSignedCert, startReceiver } from '../../hooks/test-receiver.js';
import { ScheduleWebhooks } from './backup-webhooks.js';
import type { RepositoryService } from './repositories.js';
import type { ScheduleService } from './schedules.js';
import type { BackupWebhooks } from './webhook-rules.js';

type Receiver = Awaited<ReturnType<typeof startReceiver>>;
let plain: Receiver;
let tls: Receiver;
beforeAll(async () => {
  plain = await startReceiver();
  tls = await startReceiver(() => ({ status: 204, body: '' }), { tls: selfSignedCert() });
});
afterAll(async () => Promise.all([plain?.close(), tls?.close()]));

const ctx = {
  plan: create(PlanSchema, { id: 'nightly', repo: 'r1', paths: ['/srv/app', '/etc/app'] }),
  repo: create(RepoSchema, { id: 'r1' }),
  op: create(OperationSchema, { id: 42n, unixTimeStartMs: 1000n, unixTimeEndMs: 2000n, snapshotId: 'abc' }),
  log: () => {},
};

function webhooksFor(hooks: BackupWebhooks, allowedOrigins = [plain.url, tls.url]) {
  const schedules = { webhookTarget: () => ({ name: 'Nightly', webhooks: hooks }) };
  const repos = { toDto: () => ({ name: 'Main repo' }) };
  return new ScheduleWebhooks(
    { allowedOrigins, timeoutMs: 5000 },
    schedules as unknown as ScheduleService,
    repos as unknown as RepositoryService,
  );
}

describe('ScheduleWebhooks', () => {
  it('skips certificate checks only for a webhook with insecureTls', async () => {
    const strict = webhooksFor({ pre: { url: `${tls.url}/pre` }, post: null });
    await expect(strict.before(ctx, new AbortController().signal)).rejects.toThrow(
      /^pre-backup webhook: request failed: .*self.signed/i,
    );
    const lax = webhooksFor({ pre: { url: `${tls.url}/pre`, insecureTls: true }, post: null });
    await lax.before(ctx, new AbortController().signal);
    expect(tls.requests).toHaveLength(1);
    expect(JSON.parse(tls.requests[0]!.body)).toMatchObject({ event: 'backup.pre', jobId: '42' });
  });

  it('checks the allow-list again at run time: a webhook saved before the list shrank is refused', async () => {
    const before = plain.requests.length;
    const hooks = webhooksFor({ pre: { url: `${plain.url}/pre` }, post: { url: `${plain.url}/post` } }, []);
    await expect(hooks.before(ctx, new AbortController().signal)).rejects.toThrow(
      `pre-backup webhook refused: url origin ${plain.url} is not allowed: add it to WEBHOOK_ALLOWED_ORIGINS`,
    );
    expect(await hooks.after({ ...ctx, outcome: 'success' })).toMatch(
      /^post-backup webhook refused: url origin/,
    );
    expect(plain.requests.length).toBe(before);
  });

  it('tells post the outcome and error of a cancelled backup', async () => {
    const hooks = webhooksFor({ pre: null, post: { url: `${plain.url}/post` } });
    expect(await hooks.after({ ...ctx, outcome: 'cancelled', error: 'cancelled by user' })).toBeUndefined();
    expect(JSON.parse(plain.requests.at(-1)!.body)).toEqual({
      phase: 'post',
      event: 'backup.post',
      jobId: '42',
      scheduleId: expect.any(String),
      scheduleName: 'Nightly',
      sourcePath: '/srv/app',
      sourcePaths: ['/srv/app', '/etc/app'],
      repositoryId: expect.stringMatching(/^[0-9a-f-]{36}$/),
      repositoryName: 'Main repo',
      startedAt: 1000,
      status: 'cancelled',
      finishedAt: 2000,
      snapshotId: 'abc',
      error: 'cancelled by user',
    });
  });
});

// Zerobyte's pre/post backup webhooks (§5.5) around real restic 0.14 backups, with receivers on 127.0.0.1:0.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PASSWORD, USER } from '../../src/api/rest/testing/harness.js';
import { startServer, type RunningServer } from '../../src/app.js';
import { hashPassword } from '../../src/auth/passwords.js';
import { startReceiver } from '../../src/hooks/test-receiver.js';
import { parseServeOptions } from '../../src/main.js';

type Receiver = Awaited<ReturnType<typeof startReceiver>>;
type Webhook = { url: string; headers?: string[]; body?: string };
interface ScheduleDto {
  shortId: string;
  lastBackupStatus: string | null;
  lastBackupError: string | null;
}

const SECRET = 's3cret-token';
const URL_TOKEN = 'URLSECRET';

describe('backup webhooks (real restic 0.14)', () => {
  let dir: string;
  let server: RunningServer;
  let cookie: string;
  let hooks: Receiver;
  let other: Receiver;
  let repoId: string;
  let repoDir: string;
  let src: string;
  /** Snapshot files in the repository when each webhook request arrived (pre must see none of the new one). */
  const snapshotsAt: number[] = [];
  const snapshotFiles = () =>
    fs.existsSync(path.join(repoDir, 'snapshots')) ? fs.readdirSync(path.join(repoDir, 'snapshots')) : [];

  const call = async (method: string, p: string, json?: unknown) => {
    const res = await fetch(`${server.url}${p}`, {
      method,
      headers: { cookie, ...(json !== undefined ? { 'content-type': 'application/json' } : {}) },
      ...(json !== undefined ? { body: JSON.stringify(json) } : {}),
    });
    const text = await res.text();
    return { status: res.status, text, body: JSON.parse(text || 'null') as Record<string, unknown> };
  };
  const createSchedule = (name: string, backupWebhooks: { pre: Webhook | null; post: Webhook | null }) =>
    call('POST', '/api/v1/backups', {
      name,
      repositoryId: repoId,
      enabled: false,
      cronExpression: '0 3 * * *',
      includePaths: [src],
      maxRetries: 0,
      backupWebhooks,
    });
  /** Creates the schedule, runs it once and returns the schedule when the backup has ended. */
  const runOnce = async (name: string, backupWebhooks: { pre: Webhook | null; post: Webhook | null }) => {
    const created = await createSchedule(name, backupWebhooks);
    expect(created.status, created.text).toBe(201);
    const { shortId } = created.body as unknown as ScheduleDto;
    expect((await call('POST', `/api/v1/backups/${shortId}/run`)).status).toBe(202);
    const end = Date.now() + 60_000;
    for (;;) {
      const s = (await call('GET', `/api/v1/backups/${shortId}`)).body as unknown as ScheduleDto;
      if (s.lastBackupStatus !== null && s.lastBackupStatus !== 'in_progress') return s;
      if (Date.now() > end) throw new Error(`backup of ${name} did not end`);
      await new Promise((r) => setTimeout(r, 100));
    }
  };
  const secretHeaders = [`Authorization: Bearer ${SECRET}`, 'X-Trace: a:b'];

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'restora-webhooks-'));
    src = path.join(dir, 'src');
    fs.mkdirSync(src);
    fs.writeFileSync(path.join(src, 'data.txt'), 'hello webhooks\n');
    hooks = await startReceiver((r) => {
      snapshotsAt.push(snapshotFiles().length);
      if (r.url.startsWith('/fail')) return { status: 500, body: 'maintenance refused' };
      if (r.url.startsWith('/redirect')) return { status: 302, headers: { location: `${other.url}/landed` } };
      if (r.url.startsWith('/slow')) return { delayMs: 5000 };
      return { status: 204, body: '' };
    });
    other = await startReceiver();
    const configFile = path.join(dir, 'config', 'config.json');
    fs.mkdirSync(path.dirname(configFile), { recursive: true });
    fs.writeFileSync(
      configFile,
      JSON.stringify({
        version: 6,
        instance: 'webhook-test',
        auth: { users: [{ name: USER, passwordBcrypt: await hashPassword(PASSWORD) }] },
      }),
    );
    // the env variables as a user sets them: both receivers allowed, a one-second timeout
    const options = parseServeOptions(
      {
        bindAddress: '127.0.0.1:0',
        configFile,
        dataDir: path.join(dir, 'data'),
        resticCmd: '/usr/bin/restic',
        logLevel: 'silent',
      },
      { HOME: dir, WEBHOOK_ALLOWED_ORIGINS: `${hooks.url}/, ${other.url}`, WEBHOOK_TIMEOUT: '1' },
    );
    server = await startServer({ ...options, webDir: false });
    const login = await fetch(`${server.url}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: USER, password: PASSWORD }),
    });
    cookie = (login.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
    const repo = await call('POST', '/api/v1/repositories', {
      name: 'Hooked repo',
      config: { backend: 'local', path: path.join(dir, 'repo') },
    });
    expect(repo.status, repo.text).toBe(201);
    const created = repo.body.repository as { id: string; shortId: string };
    repoId = created.id;
    repoDir = path.join(dir, 'repo', created.shortId); // like Zerobyte, a local repository lives in <path>/<shortId>
    expect(fs.existsSync(path.join(repoDir, 'config'))).toBe(true);
  });
  afterAll(async () => {
    await server?.close();
    await Promise.all([hooks?.close(), other?.close()]);
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('refuses a disallowed origin, a non-http URL or a bad header line with a 400 naming the field', async () => {
    const denied = await createSchedule('Denied', { pre: { url: 'http://127.0.0.1:9/pre' }, post: null });
    expect(denied.status).toBe(400);
    expect(denied.body.message).toContain(
      'backupWebhooks.pre.url: origin http://127.0.0.1:9 is not allowed: add it to WEBHOOK_ALLOWED_ORIGINS',
    );
    const ftp = await createSchedule('Ftp', { pre: null, post: { url: 'ftp://127.0.0.1/x' } });
    expect([ftp.status, ftp.text]).toEqual([400, expect.stringContaining('backupWebhooks.post.url')]);
    const header = await createSchedule('Header', {
      pre: { url: `${hooks.url}/pre`, headers: [`Bad Name: ${SECRET}`] },
      post: null,
    });
    expect([header.status, header.text]).toEqual([
      400,
      expect.stringContaining('backupWebhooks.pre.headers[0]'),
    ]);
    expect(header.text).not.toContain(SECRET);
    const names = ((await call('GET', '/api/v1/backups')).body as unknown as { name: string }[]).map(
      (s) => s.name,
    );
    expect(names).not.toContain('Denied');

    const ok = await createSchedule('Patched', { pre: null, post: null });
    expect(ok.status).toBe(201);
    const { shortId } = ok.body as unknown as ScheduleDto;
    const patch = await call('PATCH', `/api/v1/backups/${shortId}`, {
      repositoryId: repoId,
      cronExpression: '0 3 * * *',
      backupWebhooks: { pre: null, post: { url: 'https://evil.example/hook' } },
    });
    expect(patch.status).toBe(400);
    expect(patch.body.message).toContain(
      'backupWebhooks.post.url: origin https://evil.example is not allowed',
    );
  });

  it('POSTs pre before restic makes the snapshot and post after it, with headers and payload', async () => {
    const mark = hooks.requests.length;
    const before = snapshotFiles();
    const s = await runOnce('Webhooked', {
      pre: { url: `${hooks.url}/pre?token=${URL_TOKEN}`, headers: secretHeaders },
      post: { url: `${hooks.url}/post`, headers: secretHeaders },
    });
    expect([s.lastBackupStatus, s.lastBackupError]).toEqual(['success', null]);
    const made = snapshotFiles().filter((f) => !before.includes(f));
    expect(made).toHaveLength(1);

    const [pre, post, ...more] = hooks.requests.slice(mark);
    expect(more).toEqual([]);
    expect([pre!.url, post!.url]).toEqual([`/pre?token=${URL_TOKEN}`, '/post']);
    expect(snapshotsAt.slice(mark)).toEqual([before.length, before.length + 1]);
    for (const r of [pre!, post!]) {
      expect(r.method).toBe('POST');
      expect(r.headers.authorization).toBe(`Bearer ${SECRET}`);
      expect(r.headers['x-trace']).toBe('a:b');
      expect(r.headers['content-type']).toBe('application/json');
    }
    const common = {
      jobId: expect.stringMatching(/^\d+$/),
      scheduleId: s.shortId,
      scheduleName: 'Webhooked',
      sourcePath: src,
      sourcePaths: [src],
      repositoryId: repoId,
      repositoryName: 'Hooked repo',
      startedAt: expect.any(Number),
    };
    const preBody = JSON.parse(pre!.body) as Record<string, unknown>;
    const postBody = JSON.parse(post!.body) as Record<string, unknown>;
    expect(preBody).toEqual({ phase: 'pre', event: 'backup.pre', ...common });
    expect(postBody).toEqual({
      phase: 'post',
      event: 'backup.post',
      ...common,
      status: 'success',
      finishedAt: expect.any(Number),
      snapshotId: made[0],
    });
    expect(postBody.jobId).toBe(preBody.jobId);
    expect(postBody.finishedAt as number).toBeGreaterThanOrEqual(postBody.startedAt as number);
  });

  it('a failing pre webhook fails the backup before restic runs and skips post', async () => {
    const mark = hooks.requests.length;
    const before = snapshotFiles().length;
    const s = await runOnce('Pre fails', {
      pre: { url: `${hooks.url}/fail?token=${URL_TOKEN}`, headers: secretHeaders },
      post: { url: `${hooks.url}/post-after-failed-pre` },
    });
    expect(s.lastBackupStatus).toBe('error');
    expect(s.lastBackupError).toBe('pre-backup webhook: unexpected HTTP status 500');
    expect(hooks.requests.slice(mark).map((r) => r.url)).toEqual([`/fail?token=${URL_TOKEN}`]);
    expect(snapshotFiles()).toHaveLength(before);
  });

  it('a failing post webhook turns the backup into a warning that names it', async () => {
    const mark = hooks.requests.length;
    const before = snapshotFiles().length;
    const s = await runOnce('Post fails', {
      pre: null,
      post: { url: `${hooks.url}/fail?token=${URL_TOKEN}`, headers: secretHeaders, body: 'maintenance off' },
    });
    expect(s.lastBackupStatus).toBe('warning');
    expect(s.lastBackupError).toBe('post-backup webhook: unexpected HTTP status 500');
    expect(snapshotFiles()).toHaveLength(before + 1);
    const [post] = hooks.requests.slice(mark);
    expect(post!.body).toBe('maintenance off'); // a configured body replaces the JSON payload
    expect(post!.headers['content-type']).toBeUndefined();
  });

  it('does not follow a redirect: the 302 fails the pre webhook and its target is never called', async () => {
    const s = await runOnce('Redirected', { pre: { url: `${hooks.url}/redirect` }, post: null });
    expect(s.lastBackupStatus).toBe('error');
    expect(s.lastBackupError).toBe(
      'pre-backup webhook: unexpected HTTP status 302 (redirects are not followed)',
    );
    expect(other.requests).toEqual([]);
  });

  it('gives up on a webhook after WEBHOOK_TIMEOUT seconds', async () => {
    const started = Date.now();
    const s = await runOnce('Slow', { pre: { url: `${hooks.url}/slow` }, post: null });
    expect(s.lastBackupStatus).toBe('error');
    expect(s.lastBackupError).toBe('pre-backup webhook: no response within 1000 ms');
    expect(Date.now() - started).toBeLessThan(4500); // the receiver would answer after 5 s
  });

  it('never writes header values or URL tokens in plaintext anywhere in the data dir', () => {
    const leaks: string[] = [];
    const scan = (d: string) => {
      for (const e of fs.readdirSync(d, { withFileTypes: true })) {
        const p = path.join(d, e.name);
        if (e.isDirectory()) scan(p);
        // rest-api.sqlite holds the schedules themselves, sealed (secrets/): no plaintext there either
        else {
          const bytes = fs.readFileSync(p);
          if (bytes.includes(SECRET) || bytes.includes(URL_TOKEN)) leaks.push(p);
        }
      }
    };
    scan(path.join(dir, 'data'));
    expect(fs.readdirSync(path.join(dir, 'data', 'tasklogs')).length).toBeGreaterThan(0);
    expect(leaks).toEqual([]);
  });
});

// POST /api/v1/repositories/:id/exec (Zerobyte's dev panel) over a real server and real restic: off by default,
// browser sessions only, allow-listed commands with argv arguments, output streamed as SSE with secrets hidden.
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../../src/api/rest/testing/harness.js';

type Json = Record<string, unknown>;
interface SseEvent {
  event: string;
  data: Json;
}

const REPO_PASSWORD = 'exec-repo-secret-3f9a';

/** Posts to the exec route and reads the whole SSE answer (the stream ends after `done` or `error`). */
async function exec(h: Harness, cookie: string, shortId: string, command: string, args?: string[]) {
  const r = await fetch(`${h.url}/api/v1/repositories/${shortId}/exec`, {
    method: 'POST',
    headers: { cookie, 'content-type': 'application/json' },
    body: JSON.stringify(args ? { command, args } : { command }),
  });
  const text = await r.text();
  if (!(r.headers.get('content-type') ?? '').startsWith('text/event-stream'))
    return { status: r.status, body: JSON.parse(text) as Json, events: [] as SseEvent[], text };
  const events = text
    .split('\n\n')
    .filter((b) => b.trim())
    .map((b) => ({
      event: /^event: (.*)$/m.exec(b)?.[1] ?? '',
      data: JSON.parse(/^data: (.*)$/m.exec(b)?.[1] ?? 'null') as Json,
    }));
  return { status: r.status, body: null, events, text };
}

const lines = (events: SseEvent[], type: 'stdout' | 'stderr') =>
  events.filter((e) => e.event === 'output' && e.data.type === type).map((e) => String(e.data.line));

describe('repository exec (dev panel) on real restic', () => {
  let h: Harness;
  let cookie: string;
  let shortId: string;
  let snapshotId: string;

  beforeAll(async () => {
    h = await startHarness('exec', { devPanel: true });
    cookie = await h.login();
    const repoPath = path.join(h.dir, 'repo');
    const created = await h.call('POST', '/api/v1/repositories', {
      cookie,
      json: { name: 'Exec', config: { backend: 'local', path: repoPath, customPassword: REPO_PASSWORD } },
    });
    expect(created.status, created.text).toBe(201);
    shortId = (created.body as { repository: { shortId: string } }).repository.shortId;
    const src = path.join(h.dir, 'src');
    fs.mkdirSync(src);
    fs.writeFileSync(path.join(src, 'hello.txt'), 'hello exec\n');
    const stored = path.join(repoPath, shortId); // local repos get /<shortId> appended, as in Zerobyte
    // async: the server runs in this process, and a blocked event loop makes it drop idle keep-alive sockets
    const { stdout: out } = await promisify(execFile)('/usr/bin/restic', ['backup', '--json', src], {
      env: { ...process.env, RESTIC_REPOSITORY: stored, RESTIC_PASSWORD: REPO_PASSWORD },
    });
    snapshotId = (JSON.parse(out.trim().split('\n').pop()!) as { snapshot_id: string }).snapshot_id;
  });
  afterAll(() => h?.close());

  it('runs snapshots --json and streams its output, then done with exit code 0', async () => {
    const r = await exec(h, cookie, shortId, 'snapshots', ['--json']);
    expect(r.status).toBe(200);
    expect(r.events[0]?.event).toBe('connected');
    const listed = JSON.parse(lines(r.events, 'stdout').join('\n')) as { id: string; paths: string[] }[];
    expect(listed).toHaveLength(1);
    expect(listed[0]!.id.startsWith(snapshotId)).toBe(true);
    expect(r.events.at(-1)).toEqual({ event: 'done', data: { type: 'done', exitCode: 0 } });
  });

  it('passes arguments as argv: ls of one snapshot with a path containing shell characters', async () => {
    const r = await exec(h, cookie, shortId, 'ls', [snapshotId.slice(0, 8), '/; touch /tmp/pwned-$(id)']);
    expect(r.events.at(-1)?.event).toBe('done');
    expect(fs.existsSync('/tmp/pwned-$(id)')).toBe(false);
    const ok = await exec(h, cookie, shortId, 'ls', ['--json', snapshotId]);
    expect(lines(ok.events, 'stdout').join('\n')).toContain('hello.txt');
  });

  it('reports a failing command as done with its exit code and stderr, the repository password hidden', async () => {
    const r = await exec(h, cookie, shortId, 'cat', ['snapshot', REPO_PASSWORD]);
    const done = r.events.at(-1)!;
    expect(done.event).toBe('done');
    expect(done.data.exitCode).not.toBe(0);
    expect(lines(r.events, 'stderr').join('\n')).toMatch(/\*\*\*/);
    expect(r.text).not.toContain(REPO_PASSWORD);
  });

  it('runs check and reports no errors', async () => {
    const r = await exec(h, cookie, shortId, 'check');
    expect(lines(r.events, 'stdout').join('\n')).toMatch(/no errors were found/);
    expect(r.events.at(-1)?.data).toEqual({ type: 'done', exitCode: 0 });
  });

  it.each([
    [['backup', ['/etc']], /command: restic "backup" is not allowed/],
    [['forget', ['--keep-last', '1', '--prune']], /command: restic "forget" is not allowed/],
    [['snapshots', ['--repo', '/tmp/other']], /args\[0\]: "--repo" is not allowed for restic snapshots/],
    [['snapshots', ['-r', '/tmp/other']], /args\[0\]: "-r" is not allowed/],
    [['snapshots', ['-vr', '/tmp/other']], /args\[0\]: "-vr" is not allowed/],
    [['snapshots', ['--password-command=cat /etc/shadow']], /"--password-command" is not allowed/],
    [['snapshots', ['-o', 'sftp.command=sh -c id']], /"-o" is not allowed/],
    [['cat', ['masterkey']], /restic cat "masterkey" is not allowed/],
    [['key', ['add']], /restic key "add" is not allowed/],
    [['unlock', ['--remove-all']], /"--remove-all" is not allowed for restic unlock/],
    [['find', ['--host']], /--host needs a value/],
    [['list', []], /restic list needs one of/],
  ] as const)('refuses %j with a 400 naming it, before restic runs', async ([command, args], message) => {
    const r = await exec(h, cookie, shortId, command, [...args]);
    expect(r.status).toBe(400);
    expect(r.body?.message).toMatch(message);
  });

  it('needs a browser session: an API key is refused', async () => {
    const key = await h.call('POST', '/api/v1/auth/api-keys', {
      cookie,
      json: { name: 'exec', password: 'correct horse battery' },
    });
    const r = await h.call('POST', `/api/v1/repositories/${shortId}/exec`, {
      headers: { 'x-api-key': (key.body as { key: string }).key },
      json: { command: 'snapshots' },
    });
    expect(r).toMatchObject({ status: 401, body: { message: 'Browser session required' } });
  });

  it('answers 404 for an unknown repository', async () => {
    const r = await exec(h, cookie, 'nope1234', 'snapshots');
    expect(r).toMatchObject({ status: 404, body: { message: 'Repository not found' } });
  });
});

describe('repository exec without the dev panel', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness('exec-off');
  });
  afterAll(() => h?.close());

  it('is off by default: 403 naming the switch, and system/dev-panel says so', async () => {
    const cookie = await h.login();
    const created = await h.call('POST', '/api/v1/repositories', {
      cookie,
      json: { name: 'Off', config: { backend: 'local', path: path.join(h.dir, 'repo') } },
    });
    const { shortId } = (created.body as { repository: { shortId: string } }).repository;
    const r = await exec(h, cookie, shortId, 'snapshots');
    expect(r.status).toBe(403);
    expect(r.body?.message).toMatch(/Dev panel not enabled.*ENABLE_DEV_PANEL/);
    const panel = await h.call('GET', '/api/v1/system/dev-panel', { cookie });
    expect(panel.body).toEqual({ enabled: false });
  });
});

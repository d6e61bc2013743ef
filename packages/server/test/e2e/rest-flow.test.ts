// End to end over the REST API with real restic 0.14: repository → schedule run (SSE progress) → browse,
// dump, restore, tag, forget, delete; mirrors; notification destinations as hooks; same config as Connect.
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startReceiver } from '../../src/hooks/test-receiver.js';
import { PASSWORD, startHarness, USER, type Harness } from '../../src/api/rest/testing/harness.js';

interface Sse {
  events: { event: string; data: unknown }[];
  close(): void;
  waitFor(pred: (e: { event: string; data: unknown }) => boolean, ms?: number): Promise<void>;
}

/** Minimal SSE client over fetch (Node 20 has no EventSource). */
async function openSse(url: string, cookie: string): Promise<Sse> {
  const ctrl = new AbortController();
  const res = await fetch(url, { headers: { cookie, accept: 'text/event-stream' }, signal: ctrl.signal });
  if (res.status !== 200 || !res.body) throw new Error(`SSE status ${res.status}`);
  const events: Sse['events'] = [];
  const waiters: { pred: (e: Sse['events'][number]) => boolean; resolve: () => void }[] = [];
  void (async () => {
    const decoder = new TextDecoder();
    let buf = '';
    try {
      for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
        buf += decoder.decode(chunk, { stream: true });
        let i: number;
        while ((i = buf.indexOf('\n\n')) >= 0) {
          const frame = buf.slice(0, i);
          buf = buf.slice(i + 2);
          const event = /^event: (.*)$/m.exec(frame)?.[1] ?? 'message';
          const data = JSON.parse(/^data: (.*)$/m.exec(frame)?.[1] ?? 'null') as unknown;
          const e = { event, data };
          events.push(e);
          for (const w of waiters.filter((x) => x.pred(e))) w.resolve();
        }
      }
    } catch {
      // aborted
    }
  })();
  return {
    events,
    close: () => ctrl.abort(),
    waitFor: (pred, ms = 60_000) =>
      events.some(pred)
        ? Promise.resolve()
        : new Promise<void>((resolve, reject) => {
            const t = setTimeout(() => reject(new Error('SSE event not seen in time')), ms);
            waiters.push({ pred, resolve: () => (clearTimeout(t), resolve()) });
          }),
  };
}

type Json = Record<string, unknown>;

describe('REST API end to end (real restic 0.14)', () => {
  let h: Harness;
  let cookie: string;
  let src: string;
  const call = (m: string, p: string, json?: unknown) =>
    h.call(m, p, { cookie, ...(json !== undefined ? { json } : {}) });

  const waitTask = async (id: string, ms = 60_000): Promise<Json> => {
    const end = Date.now() + ms;
    for (;;) {
      const r = await call('GET', `/api/v1/tasks/${id}`);
      expect(r.status).toBe(200);
      const t = r.body as Json;
      if (!['queued', 'running', 'cancelling'].includes(String(t.status))) return t;
      if (Date.now() > end) throw new Error(`task ${id} still ${String(t.status)}`);
      await new Promise((r2) => setTimeout(r2, 100));
    }
  };

  beforeAll(async () => {
    h = await startHarness('flow');
    cookie = await h.login();
    src = path.join(h.dir, 'src');
    fs.mkdirSync(path.join(src, 'docs', 'deep'), { recursive: true });
    fs.writeFileSync(path.join(src, 'hello.txt'), 'hello world\n');
    fs.writeFileSync(path.join(src, 'docs', 'readme.md'), '# readme\n');
    fs.writeFileSync(path.join(src, 'docs', 'deep', 'x.bin'), randomBytes(1024));
    // enough data for restic to print status lines while the SSE client watches
    const big = fs.openSync(path.join(src, 'big.bin'), 'w');
    for (let i = 0; i < 48; i++) fs.writeSync(big, randomBytes(1 << 20));
    fs.closeSync(big);
  });
  afterAll(async () => h?.close());

  it('backs up through a schedule run, streams progress over SSE, then browses, dumps, restores and edits snapshots', async () => {
    const created = await call('POST', '/api/v1/repositories', {
      name: 'Primary',
      compressionMode: 'max',
      config: { backend: 'local', path: path.join(h.dir, 'repos') },
    });
    expect(created.status).toBe(201);
    const repo = (created.body as { repository: { id: string; shortId: string } }).repository;

    const sched = await call('POST', '/api/v1/backups', {
      name: 'Home files',
      repositoryId: repo.id,
      enabled: true,
      cronExpression: '0 3 * * *',
      includePaths: [src],
      excludePatterns: ['*.tmp'],
      retentionPolicy: { keepLast: 3, keepDaily: 7 },
      tags: ['ignored'],
    });
    expect(sched.status).toBe(201);
    const schedule = sched.body as { shortId: string; id: number; enabled: boolean; repositoryId: string };
    expect(schedule).toMatchObject({ enabled: true, repositoryId: repo.id });

    const sse = await openSse(`${h.url}/api/v1/tasks/events`, cookie);
    await sse.waitFor((e) => e.event === 'connected');
    await sse.waitFor((e) => e.event === 'tasks:snapshot');

    const run = await call('POST', `/api/v1/backups/${schedule.shortId}/run`);
    expect(run.status).toBe(202);
    const taskId = (run.body as { taskId: string }).taskId;
    const again = await call('POST', `/api/v1/backups/${schedule.shortId}/run`);
    expect(again.status).toBe(409);
    expect(again.body).toEqual({ message: 'Backup is already running for this schedule' });

    const mine = (e: { event: string; data: unknown }) =>
      e.event === 'task:changed' && (e.data as Json).id === taskId;
    await sse.waitFor((e) => mine(e) && (e.data as Json).status === 'succeeded', 90_000);
    const seen = sse.events.filter(mine).map((e) => e.data as Json);
    expect(seen.some((t) => t.status === 'running')).toBe(true);
    // live progress while it runs, not only the final totals
    const progress = seen
      .filter((t) => t.status === 'running')
      .map((t) => t.progress as Json | null)
      .filter((p): p is Json => p !== null);
    expect(progress.length).toBeGreaterThan(0);
    expect(progress[0]).toMatchObject({ percent_done: expect.any(Number), total_bytes: expect.any(Number) });
    expect(seen.at(-1)).toMatchObject({
      kind: 'backup',
      resourceType: 'backup_schedule',
      resourceId: schedule.shortId,
    });
    sse.close();

    const got = await call('GET', `/api/v1/backups/${schedule.shortId}`);
    expect(got.body).toMatchObject({ lastBackupStatus: 'success', repository: { shortId: repo.shortId } });

    const snaps = await call(
      'GET',
      `/api/v1/repositories/${repo.shortId}/snapshots?backupId=${schedule.shortId}`,
    );
    expect(snaps.status).toBe(200);
    const list = snaps.body as { id: string; short_id: string; paths: string[]; time: number }[];
    expect(list).toHaveLength(1);
    const snap = list[0]!;
    expect(snap.paths).toEqual([src]);

    const one = await call('GET', `/api/v1/repositories/${repo.shortId}/snapshots/${snap.short_id}`);
    expect(one.body).toMatchObject({ id: snap.id, hostname: expect.any(String) });

    const files = await call(
      'GET',
      `/api/v1/repositories/${repo.shortId}/snapshots/${snap.short_id}/files?path=${encodeURIComponent(src)}&limit=2`,
    );
    expect(files.status).toBe(200);
    expect(files.headers.get('cache-control')).toContain('max-age=300');
    const listing = files.body as {
      files: { name: string; type: string }[];
      total: number;
      hasMore: boolean;
    };
    expect(listing.total).toBe(3);
    expect(listing.hasMore).toBe(true);
    expect(listing.files.map((f) => f.name)).toEqual(['big.bin', 'docs']);

    const raw = await fetch(
      `${h.url}/api/v1/repositories/${repo.shortId}/snapshots/${snap.short_id}/dump?path=${encodeURIComponent(path.join(src, 'hello.txt'))}`,
      { headers: { cookie } },
    );
    expect(raw.status).toBe(200);
    expect(raw.headers.get('content-disposition')).toContain('filename="hello.txt"');
    expect(await raw.text()).toBe('hello world\n');

    const tar = await fetch(
      `${h.url}/api/v1/repositories/${repo.shortId}/snapshots/${snap.short_id}/dump?path=${encodeURIComponent(path.join(src, 'docs'))}&kind=dir`,
      { headers: { cookie } },
    );
    expect(tar.headers.get('content-type')).toBe('application/x-tar');
    expect(tar.headers.get('content-disposition')).toContain('docs.tar');
    const tarBytes = Buffer.from(await tar.arrayBuffer());
    expect(tarBytes.toString('latin1')).toContain('# readme');
    // entries named docs/..., not by their absolute path in the snapshot (restic 0.14's dump)
    const tarFile = path.join(h.dir, 'docs.tar');
    fs.writeFileSync(tarFile, tarBytes);
    const names = execFileSync('tar', ['-tf', tarFile], { encoding: 'utf8' }).trim().split('\n');
    expect(names).toContain('docs/readme.md');
    expect(names.every((n) => n === 'docs' || n.startsWith('docs/'))).toBe(true);

    const target = path.join(h.dir, 'restored');
    const restore = await call('POST', `/api/v1/repositories/${repo.shortId}/restore`, {
      snapshotId: snap.id,
      include: [path.join(src, 'docs')],
      targetPath: target,
    });
    expect(restore.status).toBe(202);
    const restoreTask = await waitTask((restore.body as { restoreId: string }).restoreId);
    expect(restoreTask.status).toBe('succeeded');
    expect(fs.readFileSync(path.join(target, src, 'docs', 'readme.md'), 'utf8')).toBe('# readme\n');
    expect(fs.existsSync(path.join(target, src, 'hello.txt'))).toBe(false);

    const tag = await call('POST', `/api/v1/repositories/${repo.shortId}/snapshots/tag`, {
      snapshotIds: [snap.id],
      add: ['keep'],
    });
    expect(tag.status).toBe(202);
    expect((await waitTask((tag.body as { taskId: string }).taskId)).status).toBe('succeeded');
    // restic rewrites a tagged snapshot under a new id
    const tagged = (await call('GET', `/api/v1/repositories/${repo.shortId}/snapshots`)).body as typeof list;
    expect(tagged).toHaveLength(1);
    expect((tagged[0] as unknown as { tags: string[] }).tags).toContain('keep');
    const retagged = tagged[0]!;

    const forget = await call('POST', `/api/v1/backups/${schedule.shortId}/forget`);
    expect(forget.status).toBe(202);
    expect((await waitTask((forget.body as { taskId: string }).taskId)).status).toBe('succeeded');

    const stats = await call('GET', `/api/v1/repositories/${repo.shortId}/stats`);
    expect(stats.body).toMatchObject({ snapshots_count: 1, total_file_count: expect.any(Number) });
    expect((stats.body as Json).total_file_count).toBeGreaterThanOrEqual(4);

    const del = await call('DELETE', `/api/v1/repositories/${repo.shortId}/snapshots/${retagged.short_id}`);
    expect(del.status).toBe(202);
    expect((await waitTask((del.body as { taskId: string }).taskId)).status).toBe('succeeded');
    expect((await call('GET', `/api/v1/repositories/${repo.shortId}/snapshots`)).body).toEqual([]);

    const history = await call('GET', '/api/v1/tasks/history?pageSize=100');
    const kinds = (history.body as { items: { kind: string; outcome: string }[] }).items.map((i) => i.kind);
    expect(kinds).toEqual(expect.arrayContaining(['backup', 'restore', 'tagSnapshots', 'deleteSnapshots']));
  });

  it('shares repos and plans with the Connect API config, mirrors backups and maps destinations onto hooks', async () => {
    const basic = `Basic ${Buffer.from(`${USER}:${PASSWORD}`).toString('base64')}`;
    const getConfig = async () => {
      const r = await fetch(`${h.url}/v1.Backrest/GetConfig`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: basic },
        body: '{}',
      });
      expect(r.status).toBe(200);
      return (await r.json()) as {
        repos?: { id: string; uri: string; flags?: string[] }[];
        plans?: { id: string; repo: string; hooks?: unknown[]; schedule?: Json }[];
      };
    };
    const mk = async (name: string) => {
      const r = await call('POST', '/api/v1/repositories', {
        name,
        config: { type: 'local', path: path.join(h.dir, name) },
      });
      expect(r.status).toBe(201);
      return (r.body as { repository: { id: string; shortId: string } }).repository;
    };
    const a = await mk('src-repo');
    const b = await mk('mirror-repo');
    const cfg = await getConfig();
    expect(cfg.repos?.map((r) => r.id)).toEqual(expect.arrayContaining(['src-repo', 'mirror-repo']));

    // doctor: one at a time per repository, result kept on the repository
    const doc = await call('POST', `/api/v1/repositories/${b.shortId}/doctor`);
    expect(doc.status).toBe(202);
    const twice = await call('POST', `/api/v1/repositories/${b.shortId}/doctor`);
    expect(twice.status).toBe(409);
    expect((await waitTask((doc.body as { taskId: string }).taskId)).status).toBe('succeeded');
    const checked = (await call('GET', `/api/v1/repositories/${b.shortId}`)).body as Json;
    expect(checked).toMatchObject({ status: 'healthy', lastError: null });
    const steps = (checked.doctorResult as { steps: { step: string; success: boolean }[] }).steps;
    expect(steps.map((x) => [x.step, x.success])).toEqual([
      ['unlock', true],
      ['check', true],
    ]);

    // the other way round: a repo added through the Connect API is a REST repository
    const added = await fetch(`${h.url}/v1.Backrest/AddRepo`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: basic },
      body: JSON.stringify({
        repo: { id: 'made-by-connect', uri: path.join(h.dir, 'connect-repo'), password: 'pw-connect' },
      }),
    });
    expect(added.status, await added.clone().text()).toBe(200);
    const listed = (await call('GET', '/api/v1/repositories')).body as Json[];
    expect(listed.find((r) => r.name === 'made-by-connect')).toMatchObject({
      type: 'local',
      config: { backend: 'local', path: path.join(h.dir, 'connect-repo') },
      compressionMode: 'auto',
    });

    // duplicate names conflict; PATCH is partial and lands in the config
    expect(
      (
        await call('POST', '/api/v1/repositories', {
          name: 'SRC-repo',
          config: { type: 'local', path: h.dir },
        })
      ).status,
    ).toBe(409);
    const patched = await call('PATCH', `/api/v1/repositories/${a.shortId}`, { compressionMode: 'off' });
    expect(patched.body).toMatchObject({ name: 'src-repo', compressionMode: 'off', type: 'local' });
    expect((await getConfig()).repos?.find((r) => r.id === 'src-repo')).toMatchObject({
      flags: ['--compression=off'],
    });
    const noBackendChange = await call('PATCH', `/api/v1/repositories/${a.shortId}`, {
      config: { type: 's3' },
    });
    expect(noBackendChange.status).toBe(400);
    expect((noBackendChange.body as Json).message).toContain('Repository backend cannot be changed');

    const s = await call('POST', '/api/v1/backups', {
      name: 'Mirrored',
      repositoryId: a.shortId,
      enabled: false,
      cronExpression: '',
      includePaths: [path.join(src, 'docs')],
    });
    expect(s.status).toBe(201);
    const shortId = (s.body as { shortId: string }).shortId;
    expect((await getConfig()).plans?.find((p) => p.id === 'mirrored')?.repo).toBe('src-repo');

    const bad = await call('PUT', `/api/v1/backups/${shortId}/mirrors`, {
      mirrors: [{ repositoryId: a.id, enabled: true }],
    });
    expect(bad.status).toBe(400);
    const m = await call('PUT', `/api/v1/backups/${shortId}/mirrors`, {
      mirrors: [{ repositoryId: b.id, enabled: true }],
    });
    expect(m.status).toBe(200);

    const run = await call('POST', `/api/v1/backups/${shortId}/run`);
    expect((await waitTask((run.body as { taskId: string }).taskId)).status).toBe('succeeded');
    const end = Date.now() + 30_000;
    let status: Json = {};
    while (Date.now() < end) {
      status = (await call('GET', `/api/v1/backups/${shortId}/mirrors/${b.shortId}/status`)).body as Json;
      if (status.mirrorCount === 1) break;
      await new Promise((r) => setTimeout(r, 200));
    }
    expect(status).toMatchObject({ sourceCount: 1, mirrorCount: 1, missingSnapshots: [] });

    // schedules: PATCH keeps absent fields, lands in the plan; cancel a run; delete removes the plan
    const upd = await call('PATCH', `/api/v1/backups/${shortId}`, {
      repositoryId: a.id,
      cronExpression: '15 4 * * *',
      enabled: true,
    });
    expect(upd.body).toMatchObject({
      enabled: true,
      cronExpression: '15 4 * * *',
      includePaths: [path.join(src, 'docs')],
    });
    expect((await getConfig()).plans?.find((p) => p.id === 'mirrored')?.schedule).toMatchObject({
      cron: '15 4 * * *',
    });
    const badCron = await call('PATCH', `/api/v1/backups/${shortId}`, {
      repositoryId: a.id,
      cronExpression: '61 * * * *',
    });
    expect(badCron.status).toBe(400);
    expect((badCron.body as Json).message).toContain('cronExpression');
    const again = await call('POST', `/api/v1/backups/${shortId}/run`);
    expect(again.status).toBe(202);
    const againId = (again.body as { taskId: string }).taskId;
    const cancel = await call('POST', `/api/v1/tasks/${againId}/cancel`);
    if (cancel.status === 202) {
      expect(cancel.body).toEqual({ status: 'cancelling' });
      expect((await waitTask(againId)).status).toBe('cancelled');
    } else {
      // the tiny backup finished before the cancel: then it is not cancellable
      expect(cancel.status).toBe(409);
    }
    expect((await call('POST', `/api/v1/tasks/${againId}/cancel`)).status).toBe(409);

    const receiver = await startReceiver();
    try {
      const d = await call('POST', '/api/v1/notifications/destinations', {
        name: 'Local hook',
        config: { type: 'generic', url: `${receiver.url}/notify`, method: 'POST' },
      });
      expect(d.status).toBe(201);
      const dest = d.body as { id: number; config: Json };
      // a webhook URL's path may be its token (issue 14): only scheme and host are shown
      expect(dest.config.url).toBe(`${receiver.url}/********`);
      const test = await call('POST', `/api/v1/notifications/destinations/${dest.id}/test`);
      expect(test).toMatchObject({ status: 200, body: { success: true } });
      expect(receiver.requests.some((r) => r.url === '/notify')).toBe(true);

      const assign = await call('PUT', `/api/v1/backups/${shortId}/notifications`, {
        assignments: [
          {
            destinationId: dest.id,
            notifyOnStart: false,
            notifyOnSuccess: true,
            notifyOnWarning: true,
            notifyOnFailure: true,
          },
        ],
      });
      expect(assign.status).toBe(200);
      expect((await getConfig()).plans?.find((p) => p.id === 'mirrored')?.hooks).toHaveLength(1);
      const off = await call('PATCH', `/api/v1/notifications/destinations/${dest.id}`, { enabled: false });
      expect(off.body).toMatchObject({ enabled: false });
      expect((await getConfig()).plans?.find((p) => p.id === 'mirrored')?.hooks ?? []).toHaveLength(0);
      expect((await call('DELETE', `/api/v1/notifications/destinations/${dest.id}`)).body).toEqual({
        message: 'Notification destination deleted',
      });
    } finally {
      await receiver.close();
    }
    expect((await call('DELETE', `/api/v1/repositories/${a.shortId}`)).status).toBe(409);
    expect((await call('DELETE', `/api/v1/backups/${shortId}`)).body).toEqual({ success: true });
    expect(((await getConfig()).plans ?? []).some((p) => p.id === 'mirrored')).toBe(false);
    expect((await call('DELETE', `/api/v1/repositories/${a.shortId}`)).status).toBe(200);
  });
});

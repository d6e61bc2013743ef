// Zerobyte's background health jobs over a real server (crons shortened to every second): a volume whose directory
// disappears turns `error` (and the event stream says so), comes back by itself once it returns; a repository whose
// pack file is lost turns `error` after the periodic restic check (a real restic, one engine operation).
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../../src/api/rest/testing/harness.js';

type Json = Record<string, unknown>;
const EVERY_SECOND = '* * * * * *';
const run = promisify(execFile);

async function until<T>(
  what: string,
  read: () => Promise<T>,
  ok: (v: T) => boolean,
  ms = 20_000,
): Promise<T> {
  const end = Date.now() + ms;
  let last: T = await read();
  while (!ok(last)) {
    if (Date.now() > end) throw new Error(`${what}: still ${JSON.stringify(last)}`);
    await new Promise((r) => setTimeout(r, 250));
    last = await read();
  }
  return last;
}

describe('periodic health checks of volumes and repositories', () => {
  let h: Harness;
  let cookie: string;
  const call = (m: string, p: string, json?: unknown) =>
    h.call(m, p, { cookie, ...(json !== undefined ? { json } : {}) });

  beforeAll(async () => {
    h = await startHarness('health', {
      // the repository job runs every second too; a check already running for a repository is not stacked
      zerobyteHealth: { volumes: EVERY_SECOND, remount: EVERY_SECOND, repositories: EVERY_SECOND },
    });
    cookie = await h.login();
  });
  afterAll(() => h?.close());

  it('marks a volume whose directory vanished as error, streams the change, and remounts it when it returns', async () => {
    const dir = path.join(h.dir, 'vol');
    fs.mkdirSync(dir);
    fs.writeFileSync(path.join(dir, 'a.txt'), 'a');
    const v = await call('POST', '/api/v1/volumes', {
      name: 'Vol',
      config: { backend: 'directory', path: dir },
    });
    expect(v.body).toMatchObject({ status: 'mounted' });
    const shortId = (v.body as Json).shortId as string;

    const ctrl = new AbortController();
    const res = await fetch(`${h.url}/api/v1/events`, { headers: { cookie }, signal: ctrl.signal });
    let text = '';
    const reading = (async () => {
      const dec = new TextDecoder();
      try {
        for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>)
          text += dec.decode(chunk, { stream: true });
      } catch {
        // aborted
      }
    })();
    try {
      fs.rmSync(dir, { recursive: true });
      const broken = await until(
        'volume error',
        async () => (await call('GET', `/api/v1/volumes/${shortId}`)).body as { volume: Json },
        (b) => b.volume.status === 'error',
      );
      expect(broken.volume.lastError).toMatch(/ENOENT|no such file/i);
      await until(
        'status_changed event',
        async () => text,
        (t) => /event: volume:status_changed\ndata: .*"status":"error"/.test(t),
      );
      fs.mkdirSync(dir);
      const back = await until(
        'volume remounted',
        async () => (await call('GET', `/api/v1/volumes/${shortId}`)).body as { volume: Json },
        (b) => b.volume.status === 'mounted',
      );
      expect(back.volume.lastError).toBeNull();
    } finally {
      ctrl.abort();
      await reading;
    }
  });

  it('checks repositories with restic check: an intact one stays healthy, one whose packs are damaged turns error', async () => {
    const src = path.join(h.dir, 'src');
    fs.mkdirSync(src);
    fs.writeFileSync(path.join(src, 'f.txt'), 'data for a pack');
    /** A repository with one snapshot, imported as it is; `damage` garbles its pack files first. */
    const importRepo = async (name: string, damage: boolean) => {
      const repoDir = path.join(h.dir, name);
      const env = { ...process.env, RESTIC_REPOSITORY: repoDir, RESTIC_PASSWORD: 'health-check-pw' };
      // async: the server runs in this process, and a blocked event loop makes it drop idle keep-alive sockets
      await run('/usr/bin/restic', ['init', '-q'], { env });
      await run('/usr/bin/restic', ['backup', '-q', src], { env });
      // garbled, not deleted: restic retries a missing pack for minutes before it reports it
      const data = path.join(repoDir, 'data');
      if (damage)
        for (const sub of fs.readdirSync(data))
          for (const f of fs.readdirSync(path.join(data, sub))) {
            const file = path.join(data, sub, f);
            fs.chmodSync(file, 0o600);
            const fd = fs.openSync(file, 'r+');
            fs.writeSync(fd, Buffer.alloc(64, 0x5a), 0, 64, 8);
            fs.closeSync(fd);
          }
      const r = await call('POST', '/api/v1/repositories', {
        name,
        config: {
          backend: 'local',
          path: repoDir,
          customPassword: 'health-check-pw',
          isExistingRepository: true,
        },
      });
      expect(r.status, r.text).toBe(201);
      const { shortId } = (r.body as { repository: { shortId: string } }).repository;
      const created = (await call('GET', `/api/v1/repositories/${shortId}`)).body as Json;
      expect(created.status).toBe('healthy'); // opening it works: only a check finds the loss
      return { shortId, createdAt: created.createdAt as number };
    };
    const intact = await importRepo('intact', false);
    const broken = await importRepo('broken', true);
    const read = (id: string) => async () => (await call('GET', `/api/v1/repositories/${id}`)).body as Json;
    const good = await until(
      'a periodic check',
      read(intact.shortId),
      (r) => (r.lastChecked as number) > intact.createdAt,
    );
    expect(good).toMatchObject({ status: 'healthy', lastError: null });
    const bad = await until('repository error', read(broken.shortId), (r) => r.status === 'error');
    expect(bad.lastChecked as number).toBeGreaterThan(broken.createdAt);
    expect(String(bad.lastError)).toMatch(/error/i);
    const history = (await call('GET', '/api/v1/tasks/history?kind=check')).body as { items: Json[] };
    expect(history.items.some((i) => i.outcome === 'error')).toBe(true);
  });
});

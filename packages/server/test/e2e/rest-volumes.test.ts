// Zerobyte volumes end to end: a directory, and WebDAV and SFTP shares served by `rclone serve` on loopback and
// mounted with `rclone mount`; a schedule backs its volume up with real restic 0.14.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../../src/api/rest/testing/harness.js';
import { kernelSupports, mountPoints } from '../../src/services/zerobyte/volume-backends.js';

type Json = Record<string, unknown>;

const which = (name: string) =>
  (process.env.PATH ?? '').split(':').some((d) => fs.existsSync(path.join(d, name)));
// rclone mount needs the FUSE device and fusermount (Debian: fuse3) and, in a container, CAP_SYS_ADMIN
const fuseMissing = !fs.existsSync('/dev/fuse')
  ? '/dev/fuse is missing'
  : !which('fusermount3') && !which('fusermount')
    ? 'fusermount is missing (apt-get install fuse3)'
    : !which('rclone')
      ? 'rclone is missing'
      : process.getuid?.() !== 0
        ? 'rclone mount of a FUSE volume here needs root'
        : '';

async function freePort(): Promise<number> {
  const srv = net.createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const { port } = srv.address() as net.AddressInfo;
  await new Promise((r) => srv.close(r));
  return port;
}

/** `rclone serve webdav|sftp` over `dir` on 127.0.0.1 with a user and password; resolves once it accepts. */
async function rcloneServe(
  kind: 'webdav' | 'sftp',
  dir: string,
): Promise<{ port: number; child: ChildProcess }> {
  const port = await freePort();
  const child = spawn(
    'rclone',
    ['serve', kind, dir, '--addr', `127.0.0.1:${port}`, '--user', 'zb', '--pass', 'share-pw'],
    {
      stdio: 'ignore',
    },
  );
  const deadline = Date.now() + 15_000;
  for (;;) {
    const ok = await new Promise<boolean>((r) => {
      const s = net.connect(port, '127.0.0.1', () => (s.destroy(), r(true)));
      s.on('error', () => r(false));
    });
    if (ok) return { port, child };
    if (Date.now() > deadline) throw new Error(`rclone serve ${kind} did not start`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('Zerobyte volumes (real rclone, real restic 0.14)', () => {
  let h: Harness;
  let cookie: string;
  let share: string;
  let repoId: string;
  let repoShort: string;
  const servers: ChildProcess[] = [];
  const call = (m: string, p: string, json?: unknown) =>
    h.call(m, p, { cookie, ...(json !== undefined ? { json } : {}) });

  const waitTask = async (id: string): Promise<Json> => {
    for (const end = Date.now() + 90_000; Date.now() < end;) {
      const t = (await call('GET', `/api/v1/tasks/${id}`)).body as Json;
      if (!['queued', 'running', 'cancelling'].includes(String(t.status))) return t;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`task ${id} did not finish`);
  };

  /** A schedule over the volume, run once; the snapshot's paths and its listing of the volume root. */
  const backUp = async (name: string, volumeId: number | string) => {
    const s = await call('POST', '/api/v1/backups', {
      name,
      volumeId,
      repositoryId: repoId,
      enabled: false,
      cronExpression: '',
    });
    expect(s.status, JSON.stringify(s.body)).toBe(201);
    const sched = s.body as { shortId: string };
    const run = await call('POST', `/api/v1/backups/${sched.shortId}/run`);
    expect(run.status).toBe(202);
    expect(await waitTask((run.body as { taskId: string }).taskId)).toMatchObject({ status: 'succeeded' });
    // a file restic could not read would make it a warning
    expect((await call('GET', `/api/v1/backups/${sched.shortId}`)).body).toMatchObject({
      lastBackupStatus: 'success',
    });
    const snaps = (await call('GET', `/api/v1/repositories/${repoShort}/snapshots?backupId=${sched.shortId}`))
      .body as { short_id: string; paths: string[] }[];
    expect(snaps).toHaveLength(1);
    const files = await call(
      'GET',
      `/api/v1/repositories/${repoShort}/snapshots/${snaps[0]!.short_id}/files?path=${encodeURIComponent(snaps[0]!.paths[0]!)}`,
    );
    expect(files.status, JSON.stringify(files.body)).toBe(200);
    return {
      sched,
      paths: snaps[0]!.paths,
      names: (files.body as { files: { name: string }[] }).files.map((f) => f.name),
    };
  };

  beforeAll(async () => {
    h = await startHarness('volumes');
    cookie = await h.login();
    share = path.join(h.dir, 'share');
    fs.mkdirSync(path.join(share, 'docs'), { recursive: true });
    fs.writeFileSync(path.join(share, 'hello.txt'), 'hello volume\n');
    for (let i = 0; i < 5; i++) fs.writeFileSync(path.join(share, 'docs', `f${i}.txt`), `file ${i}\n`);
    const r = await call('POST', '/api/v1/repositories', {
      name: 'Vault',
      config: { backend: 'local', path: path.join(h.dir, 'repo') },
    });
    expect(r.status).toBe(201);
    ({ id: repoId, shortId: repoShort } = (
      r.body as { repository: { id: string; shortId: string } }
    ).repository);
  }, 60_000);

  afterAll(async () => {
    // unmount what the server mounted before its data dir goes
    for (const v of ((await call('GET', '/api/v1/volumes')).body as { shortId: string }[]) ?? [])
      await call('POST', `/api/v1/volumes/${v.shortId}/unmount`);
    // whatever a failed test left mounted goes too: removing the temp dir must never delete through a mount
    for (const mp of mountPoints().keys())
      if (h && mp.startsWith(`${h.dir}/`)) spawnSync('umount', ['-l', mp], { stdio: 'ignore' });
    for (const c of servers) c.kill();
    await h?.close();
  });

  it('serves a directory volume: files paged, never outside it, backed up by a schedule, kept while in use', async () => {
    const c = await call('POST', '/api/v1/volumes', {
      name: 'Share',
      config: { backend: 'directory', path: share },
    });
    expect(c.status).toBe(201);
    const vol = c.body as Json & { shortId: string; id: number };
    expect(vol).toMatchObject({
      name: 'Share',
      type: 'directory',
      status: 'mounted',
      path: share,
      autoRemount: true,
    });

    const page = await call('GET', `/api/v1/volumes/${vol.shortId}/files?path=/docs&offset=1&limit=2`);
    expect(page.status).toBe(200);
    expect(page.headers.get('cache-control')).toBe('public, max-age=10, stale-while-revalidate=60');
    expect(page.body).toMatchObject({ path: '/docs', offset: 1, limit: 2, total: 5, hasMore: true });
    expect((page.body as { files: Json[] }).files).toEqual([
      expect.objectContaining({ name: 'f1.txt', path: '/docs/f1.txt', type: 'file', size: 7 }),
      expect.objectContaining({ name: 'f2.txt', path: '/docs/f2.txt', type: 'file' }),
    ]);
    const out = await call(
      'GET',
      `/api/v1/volumes/${vol.shortId}/files?path=${encodeURIComponent('/../..')}`,
    );
    expect(out.status).toBe(200); // normalised to the root, as a path can never climb above "/"
    expect((out.body as Json).path).toBe('/');
    fs.symlinkSync('/etc', path.join(share, 'escape'));
    const link = await call('GET', `/api/v1/volumes/${vol.shortId}/files?path=/escape`);
    expect(link.status).toBe(400);
    expect((link.body as Json).message).toMatch(/outside the volume/);
    fs.unlinkSync(path.join(share, 'escape'));

    const details = await call('GET', `/api/v1/volumes/${vol.shortId}`);
    expect((details.body as { statfs: { total: number } }).statfs.total).toBeGreaterThan(0);
    const browse = await call('GET', `/api/v1/volumes/filesystem/browse?path=${encodeURIComponent(h.dir)}`);
    expect((browse.body as { directories: Json[] }).directories).toContainEqual({
      name: 'share',
      path: share,
    });

    const { sched, paths, names } = await backUp('Share nightly', vol.id);
    expect(paths).toEqual([share]);
    expect(names.sort()).toEqual(['docs', 'hello.txt']);
    const got = (await call('GET', `/api/v1/backups/${sched.shortId}`)).body as Json;
    expect(got).toMatchObject({
      volumeId: vol.id,
      includePaths: [],
      volume: { shortId: vol.shortId, name: 'Share' },
    });

    const del = await call('DELETE', `/api/v1/volumes/${vol.shortId}`);
    expect(del.status).toBe(409);
    expect((del.body as Json).message).toMatch(/Share nightly/);
    const unknown = await call('POST', '/api/v1/backups', {
      name: 'Nowhere',
      volumeId: 'nope1234',
      repositoryId: repoId,
      enabled: false,
      cronExpression: '',
    });
    expect(unknown.status).toBe(404);
    expect(unknown.body).toMatchObject({ message: 'Volume not found' });
  }, 120_000);

  it('refuses what it cannot honour with a 400 naming the field, and names the missing tool for NFS', async () => {
    const bad = await call('POST', '/api/v1/volumes', {
      name: 'S',
      config: { backend: 'sftp', host: 'h', username: 'u', password: 'p', path: '/' },
    });
    expect(bad.status).toBe(400);
    expect((bad.body as Json).message).toMatch(/config\.knownHosts: required unless skipHostKeyCheck/);
    const extra = await call('POST', '/api/v1/volumes', {
      name: 'D',
      config: { backend: 'directory', path: share, colour: 'red' },
    });
    expect(extra.status).toBe(400);
    expect((extra.body as Json).message).toMatch(/colour/);
    if (which('mount.nfs')) return; // the machine has nfs-common: the error below is not what it would answer
    const nfs = await call('POST', '/api/v1/volumes', {
      name: 'Nas',
      config: { backend: 'nfs', server: '127.0.0.1', exportPath: '/srv', version: '4' },
    });
    expect(nfs.status).toBe(201);
    expect(nfs.body).toMatchObject({
      status: 'error',
      lastError: expect.stringContaining('mount.nfs (Debian package nfs-common)'),
    });
    const mount = await call('POST', `/api/v1/volumes/${(nfs.body as Json).shortId as string}/mount`);
    expect(mount.status).toBe(500);
    expect(mount.body).toMatchObject({ status: 'error', error: expect.stringContaining('mount.nfs') });
  });

  // This machine's kernel has neither nfs nor cifs (not in /proc/filesystems, no /lib/modules): no NFS or SMB share
  // can be mounted here whatever is installed, so these kinds are proven by their errors, not end to end.
  it.skipIf(kernelSupports('nfs') && kernelSupports('smb'))(
    "names the kernel's missing file system for NFS and SMB (and the missing helper)",
    async () => {
      const cases = [
        ['nfs', { server: '127.0.0.1', exportPath: '/srv', version: '4.1' }, 'mount.nfs', 'nfs'],
        ['smb', { server: '127.0.0.1', share: 'data', guest: true }, 'mount.cifs', 'cifs'],
      ] as const;
      for (const [backend, fields, helper, fsType] of cases) {
        if (kernelSupports(backend)) continue;
        const v = await call('POST', '/api/v1/volumes', {
          name: `K-${backend}`,
          config: { backend, ...fields },
        });
        expect(v.status, v.text).toBe(201);
        const err = String((v.body as Json).lastError);
        expect((v.body as Json).status).toBe('error');
        expect(err).toContain(`the kernel's ${fsType} file system`);
        if (!which(helper)) expect(err).toContain(`${helper} (Debian package`);
        const check = await call(
          'POST',
          `/api/v1/volumes/${(v.body as Json).shortId as string}/health-check`,
        );
        expect(check.body).toMatchObject({ status: 'error' });
        expect((await call('DELETE', `/api/v1/volumes/${(v.body as Json).shortId as string}`)).status).toBe(
          200,
        );
      }
    },
  );

  it.skipIf(fuseMissing)(
    'mounts a WebDAV share with rclone mount, lists, backs it up, unmounts and remounts',
    async () => {
      const { port, child } = await rcloneServe('webdav', share);
      servers.push(child);
      const c = await call('POST', '/api/v1/volumes', {
        name: 'Dav',
        config: {
          backend: 'webdav',
          server: '127.0.0.1',
          port,
          path: '/',
          username: 'zb',
          password: 'share-pw',
        },
      });
      expect(c.status).toBe(201);
      const vol = c.body as Json & { shortId: string; path: string; config: Json };
      expect(vol, JSON.stringify(vol)).toMatchObject({ status: 'mounted', lastError: null });
      expect(vol.config.password).not.toBe('share-pw');
      expect(JSON.stringify((await call('GET', '/api/v1/volumes')).body)).not.toContain('share-pw');
      const files = await call('GET', `/api/v1/volumes/${vol.shortId}/files`);
      expect((files.body as { files: { name: string }[] }).files.map((f) => f.name)).toEqual([
        'docs',
        'hello.txt',
      ]);

      const { sched, paths, names } = await backUp('Dav copy', vol.shortId);
      expect(paths).toEqual([vol.path]);
      expect(names.sort()).toEqual(['docs', 'hello.txt']);

      expect((await call('POST', `/api/v1/volumes/${vol.shortId}/unmount`)).body).toEqual({
        status: 'unmounted',
      });
      const gone = await call('GET', `/api/v1/volumes/${vol.shortId}/files`);
      expect(gone.status).toBe(400);
      expect((gone.body as Json).message).toBe('Volume "Dav" is not mounted');
      expect((await call('POST', `/api/v1/volumes/${vol.shortId}/health-check`)).body).toEqual({
        status: 'unmounted',
      });
      // a backup of an unmounted share mounts it first (never backs up the empty mount point)
      const again = await call('POST', `/api/v1/backups/${sched.shortId}/run`);
      expect(await waitTask((again.body as { taskId: string }).taskId)).toMatchObject({
        status: 'succeeded',
      });
      const snaps = (
        await call('GET', `/api/v1/repositories/${repoShort}/snapshots?backupId=${sched.shortId}`)
      ).body as { short_id: string; time: number }[];
      expect(snaps).toHaveLength(2);
      const newest = snaps.reduce((a, b) => (b.time > a.time ? b : a));
      const listed = await call(
        'GET',
        `/api/v1/repositories/${repoShort}/snapshots/${newest.short_id}/files?path=${encodeURIComponent(vol.path)}`,
      );
      expect((listed.body as { files: { name: string }[] }).files.map((f) => f.name).sort()).toEqual([
        'docs',
        'hello.txt',
      ]);
      expect((await call('POST', `/api/v1/volumes/${vol.shortId}/health-check`)).body).toEqual({
        status: 'mounted',
      });

      const wrong = await call('POST', '/api/v1/volumes/test-connection', {
        config: {
          backend: 'webdav',
          server: '127.0.0.1',
          port,
          path: '/',
          username: 'zb',
          password: 'wrong',
        },
      });
      expect(wrong.body).toMatchObject({ success: false });
    },
    120_000,
  );

  it.skipIf(fuseMissing)(
    'mounts an SFTP share with rclone mount (password login)',
    async () => {
      const { port, child } = await rcloneServe('sftp', share);
      servers.push(child);
      const config = {
        backend: 'sftp',
        host: '127.0.0.1',
        port,
        username: 'zb',
        password: 'share-pw',
        path: '/',
        skipHostKeyCheck: true,
      };
      expect((await call('POST', '/api/v1/volumes/test-connection', { config })).body).toEqual({
        success: true,
        message: 'Connection successful',
      });
      const c = await call('POST', '/api/v1/volumes', { name: 'Ssh', config });
      expect(c.body, JSON.stringify(c.body)).toMatchObject({ status: 'mounted' });
      const files = await call(
        'GET',
        `/api/v1/volumes/${(c.body as Json).shortId as string}/files?path=/docs&limit=1`,
      );
      expect(files.body).toMatchObject({
        total: 5,
        hasMore: true,
        files: [{ name: 'f0.txt', type: 'file' }],
      });
    },
    60_000,
  );

  it('refuses a test-connection naming a host, remote or path a tool could misread, before any tool runs', async () => {
    const cases: [Json, RegExp][] = [
      [
        {
          backend: 'sftp',
          host: '-oProxyCommand=x',
          username: 'u',
          password: 'p',
          path: '/',
          skipHostKeyCheck: true,
        },
        /config\.host: must be a host name/,
      ],
      [{ backend: 'webdav', server: 'a b/c@d', path: '/' }, /config\.server: must be a host name/],
      [{ backend: 'rclone', remote: ':sftp,host=10.0.0.1', path: '/' }, /config\.remote: must be the name/],
      [
        { backend: 'nfs', server: '127.0.0.1', exportPath: '/srv\u0000x', version: '4' },
        /config\.exportPath: must hold no control/,
      ],
    ];
    for (const [config, message] of cases) {
      const r = await call('POST', '/api/v1/volumes/test-connection', { config });
      expect([r.status, (r.body as Json).message]).toEqual([400, expect.stringMatching(message)]);
    }
  });

  it.skipIf(fuseMissing)(
    'answers a test-connection to a server that never replies with a failure naming the time limit',
    async () => {
      // accepts connections and says nothing: rclone would wait on it far longer than a request may
      const sockets: net.Socket[] = [];
      const silent = net.createServer((s) => void sockets.push(s));
      await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
      const { port } = silent.address() as net.AddressInfo;
      try {
        const started = Date.now();
        const r = await call('POST', '/api/v1/volumes/test-connection', {
          config: { backend: 'webdav', server: '127.0.0.1', port, path: '/' },
        });
        expect(r.status).toBe(200);
        expect(r.body).toEqual({ success: false, message: expect.stringMatching(/10 s/) });
        expect(Date.now() - started).toBeLessThan(15_000);
      } finally {
        for (const s of sockets) s.destroy();
        await new Promise((r) => silent.close(r));
      }
    },
    60_000,
  );
});

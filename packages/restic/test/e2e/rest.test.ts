import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ResticError, Restic } from '@restora/restic';
import { makeSource, newRestic, PASSWORD, startRcloneRest, tempDir } from './helpers.js';

// A `rest:` repository served by `rclone serve restic` on 127.0.0.1 (started here, stopped in afterAll).
let tmp: { path: string; cleanup: () => Promise<void> };
let server: { url: string; stop: () => Promise<void> };
let restic: Restic;

beforeAll(async () => {
  tmp = await tempDir('rest');
  await makeSource(join(tmp.path, 'src'));
  server = await startRcloneRest(join(tmp.path, 'served'));
  restic = newRestic(`${server.url}repo`, { cacheDir: join(tmp.path, 'cache'), cwd: tmp.path });
});
afterAll(async () => {
  await server?.stop();
  await tmp?.cleanup();
});

describe('restic 0.14 on a rest: repository (rclone serve restic)', () => {
  it('init, backup, snapshots', async () => {
    expect(await restic.init()).toMatch(/^[0-9a-f]{64}$/);
    const res = await restic.backup({ paths: ['src'], tags: ['rest'] });
    expect(res.snapshotId).toMatch(/^[0-9a-f]{64}$/);
    const snaps = await restic.snapshots({ tags: ['rest'] });
    expect(snaps.map((s) => s.id)).toEqual([res.snapshotId]);
  });

  it('ls, find, stats, restore', async () => {
    const names: string[] = [];
    for await (const n of restic.ls('latest', { path: '/src' })) names.push(n.name);
    expect(names).toContain('hello.txt');
    expect((await restic.find('*.md'))[0]?.hits).toBe(1);
    expect((await restic.stats()).totalSize).toBeGreaterThan(70_000);
    const target = join(tmp.path, 'out');
    await restic.restore({ targetDir: target });
    expect(await readFile(join(target, 'src', 'hello.txt'), 'utf8')).toBe('hello world\n');
  });

  it('forget, prune, check', async () => {
    await restic.backup({ paths: ['src/hello.txt'] });
    const res = await restic.forget({ keepLast: 1, groupBy: [] });
    expect(res.removed).toHaveLength(1);
    await restic.prune();
    expect((await restic.check()).ok).toBe(true);
  });

  it('a wrong password is a typed error', async () => {
    const wrong = await restic
      .with({ password: 'not-the-password' })
      .snapshots()
      .catch((e: unknown) => e);
    expect((wrong as ResticError).code).toBe('wrong-password');
    expect((wrong as ResticError).stderrTail).not.toContain(PASSWORD);
  });
});

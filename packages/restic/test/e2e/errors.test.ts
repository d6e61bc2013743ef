import { open, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Restic, ResticError } from '@restora/restic';
import { newRestic, tempDir } from './helpers.js';

let tmp: { path: string; cleanup: () => Promise<void> };
beforeAll(async () => {
  tmp = await tempDir('errors');
});
afterAll(async () => tmp.cleanup());

async function failure(p: Promise<unknown>): Promise<ResticError> {
  const e = await p.then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(ResticError);
  return e as ResticError;
}

describe('typed errors from restic 0.14', () => {
  it('repo-not-found for a missing local repository', async () => {
    const err = await failure(newRestic(join(tmp.path, 'missing')).snapshots());
    expect(err.code).toBe('repo-not-found');
    expect(err.exitCode).toBe(1);
    expect(err.stderrTail).toMatch(/Is there a repository/);
  });

  it('not-installed names how to install restic', async () => {
    const err = await failure(new Restic({ binaryPath: join(tmp.path, 'no-restic') }).version());
    expect(err.code).toBe('not-installed');
    expect(err.message).toMatch(/apt-get install restic/);
  });

  it('invalid-argument before spawning for bad options', async () => {
    const r = newRestic(join(tmp.path, 'missing'), { binaryPath: join(tmp.path, 'no-restic') });
    // The binary does not exist: these can only fail in validation.
    expect((await failure(r.backup({ paths: [] }))).code).toBe('invalid-argument');
    expect((await failure(r.forget({ keepLast: -1 }))).message).toMatch(
      /keepLast must be a non-negative integer/,
    );
    expect((await failure(r.forget({}))).message).toMatch(/keep policy/);
    expect((await failure(r.forget({ keepWithin: '2 days' }))).code).toBe('invalid-argument');
    expect((await failure(r.restore({ targetDir: '' }))).code).toBe('invalid-argument');
    expect((await failure(r.find([]))).code).toBe('invalid-argument');
    expect((await failure(r.backup({ paths: ['x'], tags: ['a,b'] }))).code).toBe('invalid-argument');
    expect((await failure(r.stats({ mode: 'bogus' as 'raw-data' }))).code).toBe('invalid-argument');
    expect((await failure(r.generate({}))).code).toBe('invalid-argument');
    expect((await failure(r.tag({ snapshotIds: ['abc'] }))).code).toBe('invalid-argument');
    expect(() => new Restic({ password: 'a', passwordFile: '/x' })).toThrow(/only one of/);
    expect(
      (await failure(new Restic({ repository: '/x', binaryPath: '/usr/bin/restic' }).snapshots())).message,
    ).toMatch(/no password configured/);
  });

  it('invalid-argument from restic for a bad snapshot id', async () => {
    const r = newRestic(join(tmp.path, 'repo'), { cacheDir: join(tmp.path, 'cache') });
    await r.init();
    const err = await failure(r.restore({ snapshotId: 'ffffffff', targetDir: join(tmp.path, 'out') }));
    expect(err.code).toBe('invalid-argument');
    expect(err.message).toMatch(/ffffffff/);
  });

  it('check reports a damaged repository as ok: false with the errors, not as a swallowed failure', async () => {
    const repo = join(tmp.path, 'repo');
    const r = newRestic(repo, { cacheDir: join(tmp.path, 'cache') });
    await writeFile(join(tmp.path, 'file.txt'), 'some content to damage\n'.repeat(100));
    await r.backup({ paths: [join(tmp.path, 'file.txt')] });
    const packs = await r.list('packs');
    // Flip bytes inside every pack: the data no longer matches its id.
    for (const id of packs) {
      const dirs = await readdir(join(repo, 'data'));
      for (const d of dirs) {
        if (!(await readdir(join(repo, 'data', d))).includes(id)) continue;
        const fh = await open(join(repo, 'data', d, id), 'r+');
        await fh.write(Buffer.from('CORRUPTED'), 0, 9, 20);
        await fh.close();
      }
    }
    const res = await r.check({ readData: true });
    expect(res.ok).toBe(false);
    expect(res.errors.length).toBeGreaterThan(0);
    expect(res.numErrors).toBeGreaterThan(0);
  });
});

import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import { collect, collector, sha256, storeContract } from '../../test/store-contract.js';
import { FsStore } from './fs-store.js';

const dirs: string[] = [];
const tmp = (): string => {
  const d = mkdtempSync(join(tmpdir(), 'restora-fs-store-'));
  dirs.push(d);
  return d;
};
// Each repository has 261 folders: removing them all took 7-10 s while the shared disk was busy.
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })), 60_000);

storeContract('FsStore', { make: () => new FsStore(tmp()) });
// Small uploads take the native addon's one-job commit when it is built; the TypeScript commit must hold as well.
storeContract('FsStore, TypeScript commit', { make: () => new FsStore(tmp(), { nativeCommit: false }) });

describe('FsStore on-disk layout (same as rest-server)', () => {
  it('creates data/00..ff and the type folders with 0700, files 0600', async () => {
    const root = tmp();
    const store = new FsStore(root);
    await store.createRepo(['r']);
    expect(readdirSync(join(root, 'r')).sort()).toEqual(['data', 'index', 'keys', 'locks', 'snapshots']);
    expect(readdirSync(join(root, 'r', 'data'))).toHaveLength(256);
    expect(statSync(join(root, 'r', 'data', 'ff')).mode & 0o777).toBe(0o700);
    const body = Buffer.from('x');
    const id = sha256(body);
    await store.write({ repo: ['r'], type: 'data', name: id }, Readable.from([body]), {});
    const p = join(root, 'r', 'data', id.slice(0, 2), id);
    expect(statSync(p).mode & 0o777).toBe(0o600);
    await store.write({ repo: ['r'], type: 'keys', name: id }, Readable.from([body]), {});
    expect(statSync(join(root, 'r', 'keys', id)).isFile()).toBe(true);
    expect(readdirSync(join(root, 'r', 'data', id.slice(0, 2)))).toEqual([id]); // no temp file left
  });

  it('indexes a new repository at creation without missing objects written there before or after', async () => {
    const root = tmp();
    const store = new FsStore(root);
    const outside = randomBytes(32).toString('hex'); // another program's object, there before the create
    mkdirSync(join(root, 'n', 'data', outside.slice(0, 2)), { recursive: true });
    writeFileSync(join(root, 'n', 'data', outside.slice(0, 2), outside), 'abc');
    await store.createRepo(['n']);
    await new Promise((r) => setTimeout(r, 50)); // the index reads the new folders after the create answers
    const body = Buffer.from('ours');
    await store.write({ repo: ['n'], type: 'data', name: sha256(body) }, Readable.from([body]), { size: 4 });
    const later = randomBytes(32).toString('hex'); // and one written by another program after the create
    writeFileSync(join(root, 'n', 'data', later.slice(0, 2), later), 'later!');
    const listed = await collect(store, ['n'], 'data');
    expect(listed.sort((a, b) => a.name.localeCompare(b.name))).toEqual(
      [
        { name: outside, size: 3 },
        { name: sha256(body), size: 4 },
        { name: later, size: 6 },
      ].sort((a, b) => a.name.localeCompare(b.name)),
    );
  });

  it('uses 0770/0660 with group-accessible repos', async () => {
    const root = tmp();
    const old = process.umask(0o007);
    try {
      const store = new FsStore(root, { groupAccessible: true });
      await store.createRepo(['g']);
      const body = Buffer.from('g');
      await store.write({ repo: ['g'], type: 'locks', name: sha256(body) }, Readable.from([body]), {});
      expect(statSync(join(root, 'g', 'locks')).mode & 0o777).toBe(0o770);
      expect(statSync(join(root, 'g', 'locks', sha256(body))).mode & 0o777).toBe(0o660);
    } finally {
      process.umask(old);
    }
  });

  it('serves an existing directory as is and ignores stray and temp files in listings', async () => {
    const root = tmp();
    const store = new FsStore(root);
    await store.createRepo([]);
    const body = Buffer.from('existing');
    const id = sha256(body);
    writeFileSync(join(root, 'data', id.slice(0, 2), id), body);
    writeFileSync(join(root, 'data', 'stray-file'), 'x');
    writeFileSync(join(root, 'data', id.slice(0, 2), `${id}.rest-server-temp123`), 'partial');
    expect(await collect(store, [], 'data')).toEqual([{ name: id, size: body.length }]);
    expect(await store.stat({ repo: [], type: 'data', name: id })).toBe(body.length);
  });

  it('TestJoin: paths never leave the root, even with folder names the HTTP layer would refuse', () => {
    const root = tmp();
    const store = new FsStore(root);
    expect(store.filePath({ repo: ['a', 'b'], type: 'data', name: 'ab'.repeat(32) })).toBe(
      join(root, 'a', 'b', 'data', 'ab', 'ab'.repeat(32)),
    );
    expect(store.filePath({ repo: [], type: 'config', name: '' })).toBe(join(root, 'config'));
    expect(() => store.repoDir(['..'])).toThrow(/escapes/);
    expect(() => store.repoDir(['a', '..', '..', 'etc'])).toThrow(/escapes/);
    expect(() => store.repoDir(['../x'])).toThrow(/escapes/);
  });

  it.skipIf(!existsSync('/proc/self/fd'))(
    'a multi-part reader keeps one fd across parts and releases it on close',
    async () => {
      const store = new FsStore(tmp());
      const body = randomBytes(1000);
      const file = { repo: ['m'], type: 'data' as const, name: sha256(body) };
      await store.write(file, Readable.from([body]), {});
      const fds = (): number => readdirSync('/proc/self/fd').length;
      const before = fds();
      const r = await store.open(file);
      await r?.sendPart(collector().dest, 0, 9);
      await r?.sendPart(collector().dest, 500, 999);
      expect(fds()).toBe(before + 1);
      r?.close();
      // close(2) runs in the thread pool: wait for it, bounded by a count, not a clock.
      for (let i = 0; i < 1000 && fds() > before; i++) await new Promise((res) => setImmediate(res));
      expect(fds()).toBe(before);
    },
  );

  it('sums the whole tree for quota initialisation', async () => {
    const root = tmp();
    writeFileSync(join(root, '.htpasswd'), '1234567890');
    const store = new FsStore(root);
    await store.createRepo(['a']);
    const body = Buffer.alloc(1000);
    await store.write({ repo: ['a'], type: 'data', name: sha256(body) }, Readable.from([body]), {});
    expect(await store.usage()).toBe(1010);
  });
});

describe('FsStore listings after a restart (warmed before the server listens)', () => {
  it("lists every object at once, then another program's writes, growth and deletes at the next listing", async () => {
    const root = tmp();
    const first = new FsStore(root);
    await first.createRepo(['r']);
    const bodies = Array.from({ length: 40 }, (_, i) => randomBytes(100 + i));
    for (const b of bodies)
      await first.write({ repo: ['r'], type: 'data', name: sha256(b) }, Readable.from([b]), {});
    const idx = randomBytes(10);
    await first.write({ repo: ['r'], type: 'index', name: sha256(idx) }, Readable.from([idx]), {});
    writeFileSync(join(root, 'r', 'config'), 'c');

    const restarted = new FsStore(root); // a new process: nothing in its index yet
    await restarted.warmListings(10_000); // what the server does before it listens
    const expected = bodies.map((b) => ({ name: sha256(b), size: b.length }));
    const byName = (a: { name: string }, b: { name: string }): number => a.name.localeCompare(b.name);
    expect((await collect(restarted, ['r'], 'data')).sort(byName)).toEqual(expected.sort(byName));
    expect(await collect(restarted, ['r'], 'index')).toEqual([{ name: sha256(idx), size: 10 }]);

    // Another program (restic on the same disk, a copy) changes the folders after the warm-up.
    const gone = bodies[0]!;
    rmSync(join(root, 'r', 'data', sha256(gone).slice(0, 2), sha256(gone)));
    const added = randomBytes(77);
    const addedPath = join(root, 'r', 'data', sha256(added).slice(0, 2), sha256(added));
    writeFileSync(addedPath, added.subarray(0, 7)); // still being written
    const after = await collect(restarted, ['r'], 'data');
    expect(after.find((e) => e.name === sha256(gone))).toBeUndefined();
    expect(after.find((e) => e.name === sha256(added))).toEqual({ name: sha256(added), size: 7 });
    writeFileSync(addedPath, added); // grows in place: the folder itself does not change
    expect((await collect(restarted, ['r'], 'data')).find((e) => e.name === sha256(added))?.size).toBe(77);
    expect(after).toHaveLength(bodies.length);
  });
});

import { existsSync } from 'node:fs';
import { readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { buffer } from 'node:stream/consumers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ResticError, type BackupMessage, type LsNode, type Restic } from '@restora/restic';
import { makeSource, newRestic, PASSWORD, tempDir } from './helpers.js';

// One repository shared by the tests below (they run in order); each step builds on the previous one.
let tmp: { path: string; cleanup: () => Promise<void> };
let restic: Restic;
let src: string;
let first: string;
let second: string;

beforeAll(async () => {
  tmp = await tempDir('local');
  src = join(tmp.path, 'src');
  await makeSource(src);
  restic = newRestic(join(tmp.path, 'repo'), { cacheDir: join(tmp.path, 'cache'), cwd: tmp.path });
});
afterAll(async () => tmp.cleanup());

describe('restic 0.14 on a local repository', () => {
  it('reports the binary version', async () => {
    const v = await restic.version();
    expect(v.resticVersion).toMatch(/^\d+\.\d+\.\d+/);
    expect(v.platform).toBe(process.platform);
    expect(v.goVersion).toMatch(/^\d+\.\d+/);
  });

  it('init returns the full repository id', async () => {
    const id = await restic.init();
    expect(id).toMatch(/^[0-9a-f]{64}$/);
    expect((await restic.cat.config()).id).toBe(id);
  });

  it('maps a second init to a typed error', async () => {
    const err = await restic.init().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ResticError);
    expect((err as ResticError).command).toContain('restic');
    expect((err as ResticError).command).not.toContain(PASSWORD);
  });

  it('backup returns a summary with the full snapshot id and streams progress', async () => {
    const seen: BackupMessage[] = [];
    const res = await restic.backup({
      paths: ['src'],
      excludePatterns: ['*.tmp'],
      tags: ['e2e', 'first'],
      host: 'e2e-host',
      onProgress: (m) => seen.push(m),
    });
    expect(res.snapshotId).toMatch(/^[0-9a-f]{64}$/);
    expect(res.filesNew).toBe(3);
    expect(res.incomplete).toBe(false);
    expect(seen.at(-1)?.messageType).toBe('summary');
    first = res.snapshotId ?? '';
  });

  it('dry-run backup writes no snapshot', async () => {
    const res = await restic.backup({ paths: ['src'], dryRun: true });
    expect(res.dryRun).toBe(true);
    expect(await restic.snapshots()).toHaveLength(1);
  });

  it('backupStream yields typed messages and the result', async () => {
    await writeFile(join(src, 'new.txt'), 'second run\n');
    const stream = restic.backupStream({
      paths: ['src'],
      excludePatterns: ['*.tmp'],
      tags: ['e2e'],
      host: 'e2e-host',
      verbose: true,
    });
    const types = new Set<string>();
    for await (const m of stream) types.add(m.messageType);
    const res = await stream.result;
    expect(types.has('summary')).toBe(true);
    expect(types.has('verbose_status')).toBe(true);
    expect(res.filesNew).toBe(1);
    expect(res.filesUnmodified).toBe(3);
    second = res.snapshotId ?? '';
    expect(second).toMatch(/^[0-9a-f]{64}$/);
  });

  it('backup of a missing source is reported as incomplete, not lost', async () => {
    const res = await restic.backup({ paths: ['src/hello.txt', 'does-not-exist'], host: 'other-host' });
    expect(res.incomplete).toBe(true);
    expect(res.errors[0]?.item).toBe('does-not-exist');
    expect(res.snapshotId).toMatch(/^[0-9a-f]{64}$/);
    const strict = await restic
      .backup({ paths: ['src/hello.txt', 'does-not-exist'], host: 'other-host', strict: true })
      .catch((e: unknown) => e);
    expect((strict as ResticError).code).toBe('incomplete-backup');
  });

  it('snapshots filter and group', async () => {
    const all = await restic.snapshots();
    expect(all.length).toBe(4);
    expect(all[0]?.id).toBe(first);
    const tagged = await restic.snapshots({ tags: [['e2e', 'first']] });
    expect(tagged.map((s) => s.id)).toEqual([first]);
    const groups = await restic.snapshots({ groupBy: ['host'] });
    expect(groups.map((g) => g.groupKey.hostname).sort()).toEqual(['e2e-host', 'other-host']);
    expect(await restic.resolveSnapshotId(first.slice(0, 8))).toBe(first);
  });

  it('ls streams nodes', async () => {
    const nodes: LsNode[] = [];
    let snapId = '';
    for await (const n of restic.ls(second, { onSnapshot: (s) => (snapId = s.id) })) nodes.push(n);
    expect(snapId).toBe(second);
    const paths = nodes.map((n) => n.path);
    expect(paths.some((p) => p.endsWith('/src/new.txt'))).toBe(true);
    expect(paths.some((p) => p.endsWith('skip.tmp'))).toBe(false);
    const dir = nodes.find((n) => n.path.endsWith('/src/docs'));
    expect(dir?.type).toBe('dir');
    await expect(async () => {
      for await (const _ of restic.ls('deadbeef')) void _;
    }).rejects.toMatchObject({ code: 'invalid-argument' });
  });

  it('find returns matches per snapshot', async () => {
    const hits = await restic.find('readme.md');
    expect(hits).toHaveLength(2);
    expect(hits[0]?.matches[0]?.path).toMatch(/readme\.md$/);
    expect(await restic.find('no-such-file-xyz')).toEqual([]);
  });

  it('diff lists changes between snapshots', async () => {
    const d = await restic.diff(first, 'latest');
    expect(d.changes.length).toBeGreaterThan(0);
    const d2 = await restic.diff(first, second);
    expect(d2.changes.some((c) => c.modifier === '+' && c.path.endsWith('new.txt'))).toBe(true);
    expect(d2.added.files).toBe(1);
  });

  it('dump streams a file, a tar and a zip', async () => {
    // restic 0.14 stores a relative backup path `src` as `/src` in the tree.
    const abs = '/src';
    const file = await buffer(restic.dump(second, `${abs}/hello.txt`));
    expect(file.toString()).toBe('hello world\n');
    const tar = await buffer(restic.dump(second, `${abs}/docs`));
    expect(tar.subarray(257, 262).toString()).toBe('ustar');
    const zip = await buffer(restic.dump(second, `${abs}/docs`, { archive: 'zip' }));
    expect(zip.subarray(0, 2).toString()).toBe('PK');
    await expect(buffer(restic.dump(second, '/nope/missing'))).rejects.toBeInstanceOf(ResticError);
  });

  it('restore with include and restoreStream', async () => {
    const target = join(tmp.path, 'restore1');
    const summary = await restic.restore({ snapshotId: first, targetDir: target, include: '/**/readme.md' });
    expect(summary.targetDir).toBe(target);
    const restored = join(target, 'src', 'docs', 'readme.md');
    expect(await readFile(restored, 'utf8')).toBe('# readme\n');
    expect(existsSync(join(target, 'src', 'hello.txt'))).toBe(false);

    const target2 = join(tmp.path, 'restore2');
    const stream = restic.restoreStream({ targetDir: target2, exclude: ['*.bin'], host: 'e2e-host' });
    const kinds: string[] = [];
    for await (const m of stream) kinds.push(m.messageType);
    expect(kinds.at(-1)).toBe('summary');
    expect((await stream.result).snapshotId).toBe(second.slice(0, 8));
    expect((await stat(join(target2, 'src', 'new.txt'))).isFile()).toBe(true);
    expect(existsSync(join(target2, 'src', 'docs', 'deep', 'data.bin'))).toBe(false);
  });

  it('stats in every mode', async () => {
    const rs = await restic.stats({ mode: 'restore-size' });
    expect(rs.totalSize).toBeGreaterThan(70_000);
    const raw = await restic.stats({ mode: 'raw-data' });
    expect(raw.totalBlobCount).toBeGreaterThan(0);
    const byContents = await restic.stats({ mode: 'files-by-contents', snapshotIds: [second] });
    expect(byContents.totalFileCount).toBeGreaterThanOrEqual(4);
    const bpf = await restic.stats({ mode: 'blobs-per-file', host: 'e2e-host' });
    expect(bpf.totalBlobCount).toBeGreaterThan(0);
  });

  it('tag adds and removes tags', async () => {
    expect((await restic.tag({ snapshotIds: [first], add: ['keep-me'] })).changedSnapshots).toBe(1);
    const snap = (await restic.snapshots({ tags: ['keep-me'] }))[0];
    expect(snap?.tags).toContain('keep-me');
    // tag rewrites the snapshot: its id changes.
    first = snap?.id ?? '';
  });

  it('cat returns repository objects', async () => {
    const mk = await restic.cat.masterkey();
    expect(mk.encrypt.length).toBeGreaterThan(0);
    const snap = await restic.cat.snapshot(second);
    expect(snap.paths).toEqual([join(tmp.path, 'src')]);
    const [index] = await restic.list('index');
    const idx = await restic.cat.index(index ?? '');
    expect(Array.isArray(idx.packs)).toBe(true);
    const [keyId] = await restic.list('keys');
    expect((await restic.cat.key(keyId ?? '')).kdf).toBe('scrypt');
    const blobs = await restic.list('blobs');
    const tree = blobs.find((b) => b.type === 'tree');
    expect(JSON.parse((await restic.cat.blob(tree?.id ?? '')).toString()).nodes).toBeDefined();
    const [pack] = await restic.list('packs');
    expect((await restic.cat.pack(pack ?? '')).length).toBeGreaterThan(32);
  });

  it('cat.lock reads a lock held by a running restic', async () => {
    // A backup limited to 16 KiB/s of 300 KB holds its lock long enough to read it.
    const ac = new AbortController();
    const slow = newRestic(join(tmp.path, 'repo'), { cacheDir: join(tmp.path, 'cache'), limitUpload: 16 });
    await writeFile(join(tmp.path, 'rand.bin'), (await import('node:crypto')).randomBytes(300_000));
    const running = slow
      .backup({ paths: [join(tmp.path, 'rand.bin')], signal: ac.signal, onProgress: () => undefined })
      .catch((e: unknown) => e);
    let locks: string[] = [];
    for (let i = 0; i < 50 && locks.length === 0; i++) {
      locks = await restic.list('locks', { noLock: true });
      if (locks.length === 0) await new Promise((r) => setTimeout(r, 100));
    }
    expect(locks.length).toBeGreaterThan(0);
    const lock = await restic.cat.lock(locks[0] ?? '', { lock: false });
    expect(lock.exclusive).toBe(false);
    expect(typeof lock.pid).toBe('number');
    const err = await restic.prune().catch((e: unknown) => e);
    expect((err as ResticError).code).toBe('locked');
    ac.abort();
    expect(((await running) as ResticError).code).toBe('interrupted');
    expect(await restic.list('locks', { noLock: true })).toEqual([]);
  });

  it('forget with a policy (dry run, then real) and prune', async () => {
    const dry = await restic.forget({ keepLast: 1, groupBy: [], dryRun: true });
    expect(dry.kept).toHaveLength(1);
    expect(dry.removed.length).toBeGreaterThan(0);
    expect(await restic.snapshots()).toHaveLength(4);
    const res = await restic.forget({ keepLast: 1, keepTags: ['keep-me'], groupBy: ['host'], prune: true });
    expect(res.kept).toContain(first);
    expect(res.pruneOutput).toMatch(/(remove|packs|done)/i);
    // Kept: per host the latest, plus the keep-me tagged one.
    const ids = (await restic.snapshots()).map((s) => s.id);
    expect(ids).toHaveLength(3);
    expect(ids).toContain(first);
    expect(ids).toContain(second);
    expect((await restic.prune({ maxUnused: '0%' })).output).toMatch(/done|remaining/i);
  });

  it('check succeeds on a healthy repository, also reading data', async () => {
    const ok = await restic.check({ readDataSubset: '1/2' });
    expect(ok.ok).toBe(true);
    expect(ok.errors).toEqual([]);
    expect((await restic.check({ readData: true })).ok).toBe(true);
  });

  it('keys: add, list, passwd, remove', async () => {
    const addedId = await restic.key.add({ newPassword: 'second-password', host: 'h2', user: 'u2' });
    const keys = await restic.key.list();
    expect(keys).toHaveLength(2);
    const other = keys.find((k) => !k.current);
    expect(other?.hostName).toBe('h2');
    expect(addedId).toBe(other?.id);
    const viaSecond = restic.with({ password: 'second-password' });
    expect((await viaSecond.snapshots()).length).toBe(3);
    await viaSecond.key.passwd({ newPassword: 'third-password' });
    const viaThird = restic.with({ password: 'third-password' });
    const third = (await viaThird.key.list()).find((k) => k.current);
    await restic.key.remove(third?.id ?? '');
    expect(await restic.key.list()).toHaveLength(1);
    expect(((await viaThird.snapshots().catch((e: unknown) => e)) as ResticError).code).toBe(
      'wrong-password',
    );
    // a password made of restic's own words is masked in the message, yet the error is still recognised
    const wrong = (await restic
      .with({ password: 'wrong' })
      .snapshots()
      .catch((e: unknown) => e)) as ResticError;
    expect(wrong.code).toBe('wrong-password');
    expect(wrong.stderrTail).not.toMatch(/\bwrong\b/);
  });

  it('copy into a second repository', async () => {
    const dest = newRestic(join(tmp.path, 'repo2'), { cacheDir: join(tmp.path, 'cache') });
    await dest.init({
      from: { repository: join(tmp.path, 'repo'), password: PASSWORD },
      copyChunkerParams: true,
    });
    const res = await dest.copy({
      from: { repository: join(tmp.path, 'repo'), password: PASSWORD },
      host: 'e2e-host',
    });
    expect(res.copied.length).toBe(2);
    expect((await dest.snapshots()).length).toBe(2);
  });

  it('unlock, list, run', async () => {
    await restic.unlock();
    await restic.unlock({ removeAll: true });
    expect(await restic.list('locks')).toEqual([]);
    expect((await restic.list('snapshots')).length).toBe(3);
    const out = await restic.run(['snapshots', '--json']);
    expect(JSON.parse(out.stdout)).toHaveLength(3);
    expect(out.exitCode).toBe(0);
  });

  it('rewrite is reported as unsupported on restic 0.14', async () => {
    const err = await restic.rewrite({ exclude: ['*.md'], snapshotIds: [second] }).catch((e: unknown) => e);
    expect((err as ResticError).code).toBe((await restic.supports('rewrite')) ? undefined : 'unsupported');
  });

  it('generate writes completions and man pages', async () => {
    const dir = join(tmp.path, 'gen');
    await restic.generate({
      bashCompletionPath: join(tmp.path, 'restic.bash'),
      zshCompletionPath: join(tmp.path, 'restic.zsh'),
      manDirectory: dir,
    });
    expect(await readFile(join(tmp.path, 'restic.bash'), 'utf8')).toMatch(/bash completion/);
    expect((await stat(join(tmp.path, 'restic.zsh'))).size).toBeGreaterThan(0);
    expect((await readdir(dir)).some((f) => f.endsWith('.1'))).toBe(true);
  });

  it('selfUpdate refuses to replace a package-managed restic', async () => {
    const err = await restic.selfUpdate().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ResticError);
    expect((err as ResticError).code).toBe('unsupported');
    expect((err as ResticError).message).toMatch(/apt-get/);
    // With an explicit output it really runs restic, which fails cleanly (no network via a dead proxy).
    const out = join(tmp.path, 'restic-new');
    const err2 = await restic
      .selfUpdate({
        output: out,
        env: { HTTPS_PROXY: 'http://127.0.0.1:9', https_proxy: 'http://127.0.0.1:9' },
      })
      .catch((e: unknown) => e);
    expect((err2 as ResticError).code).toBe('failed');
    expect((err2 as ResticError).message).toMatch(/unable to update restic/);
  });
});

import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import { sha256 } from '../../test/store-contract.js';
import { ExistsError } from './errors.js';
import { FsStore } from './fs-store.js';
import { CommitError, commitSmall } from './native-commit.js';

const root = mkdtempSync(join(tmpdir(), 'restora-native-commit-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
let n = 0;
const freshDir = (): string => {
  const d = join(root, `d${n++}`);
  mkdirSync(d);
  return d;
};

// The addon is built by `npm run build` (node-gyp, like better-sqlite3). Without it the server still works through
// the TypeScript commit, which fs-store.medium.test.ts covers; here its absence is a build failure.
const commit = commitSmall;
if (!commit) throw new Error('native/build/Release/small_commit.node is missing: run npm run build');

async function failure(p: Promise<unknown>): Promise<CommitError> {
  const err: unknown = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(err instanceof CommitError)) throw new Error(`expected a CommitError, got ${String(err)}`);
  return err;
}

describe('native small-upload commit', () => {
  it('writes every part to the final name with the mode, and leaves no temp file', async () => {
    const dir = freshDir();
    const parts = [randomBytes(1000), randomBytes(65536), Buffer.alloc(0), randomBytes(7)];
    await commit(dir, join(dir, 'f.tmp'), join(dir, 'f'), parts, 0o640, false);
    expect(readFileSync(join(dir, 'f')).equals(Buffer.concat(parts))).toBe(true);
    expect(statSync(join(dir, 'f')).mode & 0o777).toBe(0o640 & ~process.umask());
    expect(readdirSync(dir)).toEqual(['f']);
  });

  it('writes an empty object, and more parts than one system call takes', async () => {
    const dir = freshDir();
    await commit(dir, join(dir, 'e.tmp'), join(dir, 'e'), [], 0o600, false);
    expect(statSync(join(dir, 'e')).size).toBe(0);
    const parts = Array.from({ length: 300 }, (_, i) => Buffer.alloc(100, i));
    await commit(dir, join(dir, 'm.tmp'), join(dir, 'm'), parts, 0o600, false);
    expect(readFileSync(join(dir, 'm')).equals(Buffer.concat(parts))).toBe(true);
  });

  it('never replaces an existing object: rename fails with EEXIST, the object and the directory are untouched', async () => {
    const dir = freshDir();
    writeFileSync(join(dir, 'x'), 'first');
    const err = await failure(
      commit(dir, join(dir, 'x.tmp'), join(dir, 'x'), [Buffer.from('second')], 0o600, false),
    );
    expect([err.step, err.code]).toEqual(['rename', 'EEXIST']);
    expect(readFileSync(join(dir, 'x'), 'utf8')).toBe('first');
    expect(readdirSync(dir)).toEqual(['x']);
  });

  it('names the step and the errno: a missing directory, a taken temp name', async () => {
    const dir = freshDir();
    const missing = await failure(
      commit(join(dir, 'no'), join(dir, 'no', 't'), join(dir, 'no', 'f'), [], 0o600, false),
    );
    expect([missing.step, missing.code, missing.message]).toEqual(['create', 'ENOENT', 'create: ENOENT']);
    writeFileSync(join(dir, 't'), 'someone else');
    const taken = await failure(
      commit(dir, join(dir, 't'), join(dir, 'f'), [Buffer.from('x')], 0o600, false),
    );
    expect([taken.step, taken.code]).toEqual(['create', 'EEXIST']);
    expect(readFileSync(join(dir, 't'), 'utf8')).toBe('someone else');
    expect(readdirSync(dir)).toEqual(['t']);
  });

  it('rejects bad arguments with a TypeError instead of crashing', async () => {
    const addonCall = commit as unknown as (...a: unknown[]) => Promise<void>;
    await expect(addonCall('/tmp', '/tmp/a', '/tmp/b', ['not a buffer'], 0o600, false)).rejects.toThrow(
      TypeError,
    );
    await expect(addonCall('/tmp', 'x'.repeat(5000), '/tmp/b', [], 0o600, false)).rejects.toThrow(TypeError);
    await expect(addonCall('/tmp', '/tmp/a', '/tmp/b', [], 0o600, 'yes')).rejects.toThrow(TypeError);
  });

  it('frees the memory of owned parts once committed, and only buffers that span their whole ArrayBuffer', async () => {
    const dir = freshDir();
    const own = Buffer.from(randomBytes(5000)); // a copy: its own ArrayBuffer
    const slab = Buffer.from(randomBytes(6000));
    const slice = slab.subarray(1000, 2000); // shares its ArrayBuffer: never detached
    const expected = Buffer.concat([own, slice]);
    await commit(dir, join(dir, 'r.tmp'), join(dir, 'r'), [own, slice], 0o600, true);
    expect(readFileSync(join(dir, 'r')).equals(expected)).toBe(true);
    expect([own.length, own.buffer.byteLength]).toEqual([0, 0]);
    expect([slice.length, slab.length]).toEqual([1000, 6000]);
    const kept = Buffer.from(randomBytes(5000));
    await commit(dir, join(dir, 'k.tmp'), join(dir, 'k'), [kept], 0o600, false);
    expect(kept.length).toBe(5000);
    const failed = Buffer.from(randomBytes(5000)); // a failed commit keeps them: the pool path retries with them
    await failure(commit(dir, join(dir, 'f.tmp'), join(dir, 'k'), [failed], 0o600, true));
    expect(failed.length).toBe(5000);
  });
});

describe('FsStore with the native commit', () => {
  it('answers the loser of two concurrent uploads of one object with ExistsError (403), never a replace', async () => {
    const store = new FsStore(freshDir());
    await store.createRepo(['r']);
    const body = randomBytes(50_000);
    const file = { repo: ['r'], type: 'data' as const, name: sha256(body) };
    // Both pass the existence check before either renames: only RENAME_NOREPLACE tells them apart.
    const results = await Promise.allSettled(
      [0, 1].map(() =>
        store.write(file, Readable.from([body]), { size: body.length, expectedSha256: file.name }),
      ),
    );
    const statuses = results.map((r) => r.status).sort();
    expect(statuses).toEqual(['fulfilled', 'rejected']);
    const lost = results.find((r) => r.status === 'rejected');
    expect(lost?.status === 'rejected' && lost.reason instanceof ExistsError).toBe(true);
  });

  it('creates a missing data/xx directory through the TypeScript path', async () => {
    const path = freshDir();
    const store = new FsStore(path);
    await store.createRepo(['r']);
    const body = randomBytes(10);
    const id = sha256(body);
    rmSync(join(path, 'r', 'data', id.slice(0, 2)), { recursive: true });
    await store.write({ repo: ['r'], type: 'data', name: id }, Readable.from([body]), { size: 10 });
    expect(readFileSync(join(path, 'r', 'data', id.slice(0, 2), id)).equals(body)).toBe(true);
  });
});

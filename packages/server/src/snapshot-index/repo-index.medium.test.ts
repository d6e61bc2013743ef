import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { LsNode } from '@restora/restic';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { RepoIndex } from './repo-index.js';

const T = '2026-01-01T00:00:00Z';
const dir = (p: string): LsNode => ({ name: path.posix.basename(p), type: 'dir', path: p, mtime: T });
const file = (p: string, size = 1, mtime = T): LsNode => ({
  name: path.posix.basename(p),
  type: 'file',
  path: p,
  size,
  mtime,
});
async function* stream(nodes: LsNode[]) {
  yield* nodes;
}
/** Depth-first, as restic ls prints it. */
const tree = (changed = 1) => [
  dir('/a'),
  dir('/a/b'),
  file('/a/b/x.txt', changed),
  file('/a/b/y.log'),
  file('/a/c.txt'),
  dir('/a/empty'),
  dir('/d'),
  file('/d/z.txt'),
];

let tmp: string;
let idx: RepoIndex;
beforeEach(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'restora-index-'));
  idx = RepoIndex.open(path.join(tmp, 'r.sqlite'));
});
afterEach(() => {
  idx.close();
  fs.rmSync(tmp, { recursive: true, force: true });
});

describe('RepoIndex', () => {
  it('answers folders as restic ls does: the node itself, then its children by name', async () => {
    await idx.add({ id: 'aaaa1111', time: T }, stream(tree()), 0);
    const s = idx.find('aaaa')!;
    expect(idx.list(s.seq, '/').map((n) => n.path)).toEqual(['/a', '/d']);
    expect(idx.list(s.seq, '/a').map((n) => n.path)).toEqual(['/a', '/a/b', '/a/c.txt', '/a/empty']);
    expect(idx.list(s.seq, '/a/empty').map((n) => n.path)).toEqual(['/a/empty']);
    expect(idx.list(s.seq, '/a/b/x.txt')).toEqual([file('/a/b/x.txt')]);
    expect(idx.list(s.seq, '/nope')).toEqual([]);
    expect(s).toMatchObject({ files: 4, dirs: 5 });
  });

  it('stores unchanged listings once, searches and diffs across snapshots', async () => {
    await idx.add({ id: 'aaaa1111', time: T }, stream(tree(1)), 0);
    const one = fs.statSync(idx.file).size + fs.statSync(`${idx.file}-wal`).size;
    await idx.add({ id: 'bbbb2222', time: '2026-01-02T00:00:00Z' }, stream(tree(2)), 0);
    expect(one).toBeGreaterThan(0);
    const [a, b] = idx.snapshots();
    const hits = idx.search('*.txt', idx.snapshots(), { ignoreCase: false, offset: 0, limit: 10 });
    expect(hits.items.map((h) => [h.node.path, h.node.size, h.snapshotIds])).toEqual(
      [
        ['/a/c.txt', undefined, ['aaaa1111', 'bbbb2222']],
        ['/a/b/x.txt', 1, ['aaaa1111']],
        ['/a/b/x.txt', 2, ['bbbb2222']],
        ['/d/z.txt', undefined, ['aaaa1111', 'bbbb2222']],
      ].map(([p, size, ids]) => [p, size ?? 1, ids]),
    );
    const page = idx.search('*.TXT', idx.snapshots(), { ignoreCase: true, offset: 1, limit: 2 });
    expect(page.items).toHaveLength(2);
    expect(page.hasMore).toBe(true);
    const d = idx.diff(a!.seq, b!.seq);
    expect(d.map((x) => [x.kind, x.node.path, x.before?.size, x.node.size])).toEqual([
      ['changed', '/a/b/x.txt', 1, 2],
    ]);
    const back = idx.diff(b!.seq, a!.seq);
    expect(back).toHaveLength(1);
  });

  it('reports added and removed subtrees, and forgets a snapshot with what only it held', async () => {
    await idx.add({ id: 'aaaa1111', time: T }, stream(tree()), 0);
    await idx.add(
      { id: 'cccc3333', time: T },
      stream([dir('/a'), file('/a/c.txt'), dir('/e'), file('/e/n.md')]),
      0,
    );
    const [a, c] = idx.snapshots();
    const d = idx.diff(a!.seq, c!.seq).map((x) => `${x.kind} ${x.node.path}`);
    expect(d).toEqual([
      'removed /a/b',
      'removed /a/b/x.txt',
      'removed /a/b/y.log',
      'removed /a/empty',
      'removed /d',
      'removed /d/z.txt',
      'added /e',
      'added /e/n.md',
    ]);
    expect(await idx.remove(['aaaa1111'])).toBe(1);
    expect(idx.snapshots().map((s) => s.id)).toEqual(['cccc3333']);
    expect(idx.search('*', idx.snapshots(), { ignoreCase: false, offset: 0, limit: 100 }).items).toHaveLength(
      4,
    );
    expect(idx.search('y.log', idx.snapshots(), { ignoreCase: false, offset: 0, limit: 100 }).items).toEqual(
      [],
    );
  });

  it('keeps nothing of a snapshot whose listing failed half way', async () => {
    async function* broken() {
      yield dir('/a');
      yield file('/a/c.txt');
      throw new Error('restic died');
    }
    await expect(idx.add({ id: 'dead0000', time: T }, broken(), 0)).rejects.toThrow('restic died');
    expect(idx.snapshots()).toEqual([]);
    await idx.add({ id: 'aaaa1111', time: T }, stream(tree()), 0);
    expect(idx.snapshots().map((s) => s.id)).toEqual(['aaaa1111']);
  });

  it('starts afresh from a damaged file', async () => {
    await idx.add({ id: 'aaaa1111', time: T }, stream(tree()), 0);
    idx.close();
    fs.rmSync(`${idx.file}-wal`, { force: true });
    fs.writeFileSync(idx.file, Buffer.alloc(4096, 7));
    idx = RepoIndex.open(idx.file);
    expect(idx.rebuilt).toBe(true);
    expect(idx.snapshots()).toEqual([]);
  });
});

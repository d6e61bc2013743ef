import { appendFileSync, mkdirSync, mkdtempSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DirIndex } from './dir-index.js';

const root = mkdtempSync(join(tmpdir(), 'restora-dir-index-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const id = (c: string): string => c.repeat(64);
let n = 0;
const freshDir = (): string => {
  const d = join(root, String(n++));
  mkdirSync(d);
  return d;
};
const sorted = (xs: { name: string; size: number }[]): { name: string; size: number }[] =>
  [...xs].sort((a, b) => a.name.localeCompare(b.name));

describe('DirIndex: listings without a settle window', () => {
  it("sees another program's writes, growth and deletes at the very next listing", () => {
    const dir = freshDir();
    const index = new DirIndex();
    expect(index.list(dir)).toEqual([]);
    writeFileSync(join(dir, id('a')), 'one'); // same millisecond as the listing before: still seen
    expect(index.list(dir)).toEqual([{ name: id('a'), size: 3 }]);
    appendFileSync(join(dir, id('a')), 'more'); // an outside tool still writing in place
    expect(index.list(dir)).toEqual([{ name: id('a'), size: 7 }]);
    writeFileSync(join(dir, id('b')), 'xy');
    unlinkSync(join(dir, id('a')));
    expect(index.list(dir)).toEqual([{ name: id('b'), size: 2 }]);
    writeFileSync(join(dir, 'stray'), 'not an object');
    expect(index.list(dir)).toEqual([{ name: id('b'), size: 2 }]);
  });

  it('takes the size of our own uploads from the server and lists them at once', () => {
    const dir = freshDir();
    const index = new DirIndex();
    expect(index.list(dir)).toEqual([]);
    writeFileSync(join(dir, id('c')), '12345');
    index.added(dir, id('c'), 5);
    writeFileSync(join(dir, id('d')), '1');
    index.added(dir, id('d'), 1);
    expect(sorted(index.list(dir))).toEqual([
      { name: id('c'), size: 5 },
      { name: id('d'), size: 1 },
    ]);
    unlinkSync(join(dir, id('c')));
    expect(index.list(dir)).toEqual([{ name: id('d'), size: 1 }]);
  });

  it('returns the same array while a folder is unchanged, and [] for a missing one', () => {
    const dir = freshDir();
    writeFileSync(join(dir, id('e')), 'e');
    const index = new DirIndex();
    const first = index.list(dir);
    expect(index.list(dir)).toBe(first);
    rmSync(dir, { recursive: true });
    expect(index.list(dir)).toEqual([]);
  });
});

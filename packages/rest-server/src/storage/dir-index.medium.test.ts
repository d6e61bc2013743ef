import { appendFileSync, mkdirSync, mkdtempSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DirIndex } from './dir-index.js';
import { scanInJs, scanObjects, stampDirs, stampInJs } from './dir-scan.js';
import { native } from './native-addon.js';

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

describe('dir-scan: the native addon and the TypeScript fallback agree', () => {
  it.skipIf(!native)('same objects, sizes and folder stamps (needs the native addon: npm run build)', () => {
    const dir = freshDir();
    writeFileSync(join(dir, id('1')), 'abc');
    writeFileSync(join(dir, id('2')), '');
    writeFileSync(join(dir, 'stray'), 'x');
    writeFileSync(join(dir, `${id('3')}.rest-server-temp1`), 'partial');
    mkdirSync(join(dir, id('4'))); // a folder named like an object is not one
    const fromJs = scanInJs(dir);
    const fromC = scanObjects(dir);
    const entries = (s: typeof fromJs): [string, number][] =>
      Array.from({ length: (s?.meta.length ?? 0) / 2 }, (_, k): [string, number] => [
        s?.names.slice(k * 64, k * 64 + 64) ?? '',
        s?.meta[k * 2] ?? -1,
      ]).sort();
    expect(entries(fromC)).toEqual([
      [id('1'), 3],
      [id('2'), 0],
    ]);
    expect(entries(fromC)).toEqual(entries(fromJs));
    const paths = [dir, join(dir, 'missing'), join(dir, id('1'))];
    expect(Array.from(stampDirs(paths))).toEqual(Array.from(stampInJs(paths)));
    expect(scanObjects(join(dir, 'missing'))).toBeUndefined();
  });
});

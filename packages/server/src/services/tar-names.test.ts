import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { buffer } from 'node:stream/consumers';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { relativeEntryName, renameTarEntries } from './tar-names.js';

const run = promisify(execFile);
const dir = mkdtempSync(join(tmpdir(), 'tar-names-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Streams `bytes` through the transform in odd-sized pieces (headers split across chunks). */
async function renamed(bytes: Buffer, rename: (n: string) => string): Promise<Buffer> {
  const pieces = [];
  for (let i = 0; i < bytes.length; i += 333) pieces.push(bytes.subarray(i, i + 333));
  return buffer(Readable.from(pieces).pipe(renameTarEntries(rename)));
}

describe('relativeEntryName', () => {
  it('names entries of a dumped folder <folder>/... and keeps others', () => {
    expect(relativeEntryName('/home/u/docs', 'home/u/docs/a.txt')).toBe('docs/a.txt');
    expect(relativeEntryName('/home/u/docs/', '/home/u/docs/sub/')).toBe('docs/sub/');
    expect(relativeEntryName('/home/u/docs', 'home/u/docsx/a')).toBe('home/u/docsx/a');
  });
});

describe('renameTarEntries', () => {
  it('renames ustar, PAX long names and hard links; GNU tar extracts the result', async () => {
    const long = 'l'.repeat(120);
    const src = join(dir, 'abs', 'root', 'docs');
    mkdirSync(join(src, long, 'deeper'), { recursive: true });
    writeFileSync(join(src, 'a.txt'), 'alpha\n');
    writeFileSync(join(src, long, 'deeper', `${'f'.repeat(90)}.txt`), 'long\n');
    await run('ln', [join(src, 'a.txt'), join(src, 'hard.txt')]);
    const tarFile = join(dir, 'in.tar');
    await run('tar', ['--format=pax', '-cf', tarFile, '-C', '/', src.slice(1)]);
    const out = await renamed(readFileSync(tarFile), (n) => relativeEntryName(src, n));
    writeFileSync(join(dir, 'out.tar'), out);
    const { stdout } = await run('tar', ['-tf', join(dir, 'out.tar')]);
    const names = stdout.split('\n').filter(Boolean).sort();
    expect(names).toEqual(
      [
        'docs/',
        'docs/a.txt',
        'docs/hard.txt',
        `docs/${long}/`,
        `docs/${long}/deeper/`,
        `docs/${long}/deeper/${'f'.repeat(90)}.txt`,
      ].sort(),
    );
    mkdirSync(join(dir, 'x'));
    await run('tar', ['-xf', join(dir, 'out.tar'), '-C', join(dir, 'x')]);
    expect(readFileSync(join(dir, 'x', 'docs', 'hard.txt'), 'utf8')).toBe('alpha\n');
    expect(readFileSync(join(dir, 'x', 'docs', long, 'deeper', `${'f'.repeat(90)}.txt`), 'utf8')).toBe(
      'long\n',
    );
  });

  it('passes anything that is not a tar through unchanged', async () => {
    const raw = Buffer.from('just a file, not an archive\n'.repeat(40));
    expect(await renamed(raw, () => 'x')).toEqual(raw);
  });
});

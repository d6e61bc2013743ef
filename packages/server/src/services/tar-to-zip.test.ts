import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { buffer } from 'node:stream/consumers';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { tarToZip } from './tar-to-zip.js';

const run = promisify(execFile);
const dir = mkdtempSync(join(tmpdir(), 'tar-to-zip-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const pieces = (b: Buffer) =>
  Array.from({ length: Math.ceil(b.length / 700) }, (_, i) => b.subarray(i * 700, i * 700 + 700));

describe('tarToZip', () => {
  it('turns a tar (long PAX names, empty files, folders, a symlink) into a zip unzip reads back intact', async () => {
    const long = 'l'.repeat(120);
    const src = join(dir, 'docs');
    mkdirSync(join(src, long), { recursive: true });
    writeFileSync(join(src, 'a.txt'), 'alpha\n');
    writeFileSync(join(src, 'empty'), '');
    writeFileSync(join(src, long, 'big.bin'), Buffer.alloc(200_000, 7));
    symlinkSync('a.txt', join(src, 'link'));
    await run('tar', ['--format=pax', '-cf', join(dir, 'in.tar'), '-C', dir, 'docs']);
    const zip = await buffer(Readable.from(pieces(readFileSync(join(dir, 'in.tar')))).pipe(tarToZip()));
    writeFileSync(join(dir, 'out.zip'), zip);
    const { stdout } = await run('unzip', ['-Z1', join(dir, 'out.zip')]);
    expect(stdout.split('\n').filter(Boolean).sort()).toEqual(
      ['docs/', 'docs/a.txt', 'docs/empty', 'docs/link', `docs/${long}/`, `docs/${long}/big.bin`].sort(),
    );
    await run('unzip', ['-q', join(dir, 'out.zip'), '-d', join(dir, 'x')]); // also checks every CRC
    expect(readFileSync(join(dir, 'x', 'docs', 'a.txt'), 'utf8')).toBe('alpha\n');
    expect(readFileSync(join(dir, 'x', 'docs', long, 'big.bin')).equals(Buffer.alloc(200_000, 7))).toBe(true);
    expect(readFileSync(join(dir, 'x', 'docs', 'link'), 'utf8')).toBe('alpha\n'); // extracted as a symlink
  });

  it('passes anything that is not a tar through unchanged', async () => {
    const raw = Buffer.from('a plain file\n'.repeat(100));
    expect(await buffer(Readable.from(pieces(raw)).pipe(tarToZip()))).toEqual(raw);
  });
});

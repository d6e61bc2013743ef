import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Restic } from '@restora/restic';
import { newRestic, tempDir } from './helpers.js';

const DIRS = 100;
const PER_DIR = 1000;

let tmp: { path: string; cleanup: () => Promise<void> };
let restic: Restic;
let snapshotId = '';

beforeAll(async () => {
  tmp = await tempDir('big');
  const src = join(tmp.path, 'many');
  // 100k empty files: fast to create, and restic stores them without data blobs.
  for (let d = 0; d < DIRS; d++) {
    const dir = join(src, `d${d}`);
    await mkdir(dir, { recursive: true });
    await Promise.all(Array.from({ length: PER_DIR }, (_, f) => writeFile(join(dir, `f${f}`), '')));
  }
  restic = newRestic(join(tmp.path, 'repo'), { cacheDir: join(tmp.path, 'cache'), cwd: tmp.path });
  await restic.init();
  snapshotId = (await restic.backup({ paths: ['many'] })).snapshotId ?? '';
}, 170_000);
afterAll(async () => tmp.cleanup());

describe('huge outputs stay bounded', () => {
  it('ls streams 100k nodes without buffering them', async () => {
    global.gc?.();
    const base = process.memoryUsage().heapUsed;
    let peak = 0;
    let count = 0;
    for await (const node of restic.ls(snapshotId)) {
      if (node.type === 'file') count++;
      if (count % 5000 === 0) peak = Math.max(peak, process.memoryUsage().heapUsed - base);
    }
    expect(count).toBe(DIRS * PER_DIR);
    // ~30 MB of JSON went through; holding it as objects would need several times that.
    expect(peak).toBeLessThan(64 * 1024 * 1024);
  });

  it('breaking out of ls early stops restic instead of reading everything', async () => {
    const started = Date.now();
    let n = 0;
    for await (const _ of restic.ls(snapshotId)) {
      if (++n === 10) break;
    }
    expect(n).toBe(10);
    expect(Date.now() - started).toBeLessThan(20_000);
  });

  it('more than 64 KiB of stderr does not block restic and ends in a bounded tail', async () => {
    // Each missing path makes restic 0.14 print one warning line on stderr.
    const missing = Array.from(
      { length: 2500 },
      (_, i) => `missing-path-number-${String(i).padStart(6, '0')}`,
    );
    const res = await restic.backup({ paths: ['many/d0/f0', ...missing] });
    expect(res.incomplete).toBe(true);
    expect(res.errors.length).toBe(1000); // capped
    const stderrBytes = missing.reduce((s, p) => s + p.length + 26, 0);
    expect(stderrBytes).toBeGreaterThan(64 * 1024);
    expect(res.snapshotId).toMatch(/^[0-9a-f]{64}$/);
  });
});

// The files restic backs up in bench/restic.ts: mostly small files and some large ones, random (incompressible)
// bytes, in three folders so a second backup can add one (extra/) and drop another (old/) for prune to remove.
import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const DATA = {
  files: Number(process.env.BENCH_RESTIC_FILES ?? 5000),
  mib: Number(process.env.BENCH_RESTIC_MIB ?? 200),
};

/** Writes the data set under `dir` (base/, extra/, old/) and returns its size in bytes. */
export function makeDataSet(dir: string): number {
  const large = Math.max(1, Math.round(DATA.files / 50)); // 2 % of the files hold most of the bytes
  const smallSizes = Array.from(
    { length: DATA.files - large },
    () => 512 + Math.floor(Math.random() * 32768),
  );
  const smallBytes = smallSizes.reduce((a, b) => a + b, 0);
  const largeSize = Math.max(65536, Math.floor((DATA.mib * 1024 * 1024 - smallBytes) / large));
  const sizes = [...smallSizes, ...Array.from({ length: large }, () => largeSize)];
  let total = 0;
  sizes.forEach((size, i) => {
    // 80 % in base/, 10 % each in extra/ and old/; 100 files a folder, like a source tree.
    const part = i % 10 === 8 ? 'extra' : i % 10 === 9 ? 'old' : 'base';
    const folder = join(dir, part, `d${Math.floor(i / 100)}`);
    mkdirSync(folder, { recursive: true });
    writeFileSync(join(folder, `f${i}`), randomBytes(size));
    total += size;
  });
  return total;
}

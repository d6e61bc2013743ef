import { execFile } from 'node:child_process';
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { delimiter, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const pkgDir = fileURLToPath(new URL('..', import.meta.url));
const repoDir = join(pkgDir, '..', '..');
const committedGen = join(pkgDir, 'src', 'gen');

async function listFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries
    .filter((e) => e.isFile())
    .map((e) => relative(dir, join(e.parentPath, e.name)))
    .sort();
}

describe('generated code drift', () => {
  const tmpDirs: string[] = [];
  afterAll(async () => {
    await Promise.all(tmpDirs.map((d) => rm(d, { recursive: true, force: true })));
  });

  it('src/gen is byte-identical to a fresh `buf generate` of proto/', async () => {
    const out = await mkdtemp(join(tmpdir(), 'restora-proto-drift-'));
    tmpDirs.push(out);
    // buf and protoc-gen-es come from node_modules/.bin, as under `npm run generate`.
    const bins = [join(pkgDir, 'node_modules', '.bin'), join(repoDir, 'node_modules', '.bin')];
    const PATH = [...bins, process.env['PATH'] ?? ''].join(delimiter);
    await run('buf', ['generate', '--template', 'buf.gen.yaml', '--output', out], {
      cwd: pkgDir,
      env: { ...process.env, PATH, BUF_CACHE_DIR: join(out, '.buf-cache') },
    });
    const freshGen = join(out, 'src', 'gen');

    const committed = await listFiles(committedGen);
    const fresh = await listFiles(freshGen);
    expect(fresh.length).toBeGreaterThan(0);
    expect(committed, 'file list differs: run `npm run generate -w @restora/proto`').toEqual(fresh);
    for (const file of fresh) {
      const [a, b] = await Promise.all([readFile(join(committedGen, file)), readFile(join(freshGen, file))]);
      expect(a.equals(b), `${file} is stale: run \`npm run generate -w @restora/proto\``).toBe(true);
    }
  }, 60_000);
});

import { existsSync, mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const WEB_ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const DIST = join(WEB_ROOT, 'dist');

const LOCK = join(WEB_ROOT, '.tmp', 'build.lock');
const STALE_LOCK_MS = 5 * 60_000;

/** The UI's inputs: its sources and those of @restora/proto, which Vite reads through the restora-source condition. */
const INPUTS = [
  join(WEB_ROOT, 'src'),
  join(WEB_ROOT, 'index.html'),
  join(WEB_ROOT, 'vite.config.ts'),
  join(WEB_ROOT, 'vite-plugins.ts'),
  join(WEB_ROOT, 'package.json'),
  join(WEB_ROOT, '..', 'proto', 'src'),
];

/** The newest modification time among `paths` and every file under them. */
function newestMtimeMs(paths: string[]): number {
  let newest = 0;
  for (const p of paths) {
    const st = statSync(p, { throwIfNoEntry: false });
    if (!st) continue;
    newest = Math.max(newest, st.mtimeMs);
    if (st.isDirectory())
      for (const f of readdirSync(p, { recursive: true }) as string[])
        newest = Math.max(newest, statSync(join(p, f)).mtimeMs);
  }
  return newest;
}

/**
 * Builds the UI into `outDir` unless a build newer than every source is there (the suite's `npm run build` made
 * one): test files run in parallel processes, and rebuilding (which empties the folder) under a page another file
 * is loading would break it. The first process that needs a build takes a lock and builds; the others wait.
 * RESTORA_WEB_PREBUILT=1 reuses any existing build.
 */
export async function ensureBuilt(outDir = DIST): Promise<string> {
  const index = join(outDir, 'index.html');
  if (process.env.RESTORA_WEB_PREBUILT === '1' && existsSync(index)) return outDir;
  const fresh = () => (statSync(index, { throwIfNoEntry: false })?.mtimeMs ?? 0) > newestMtimeMs(INPUTS);
  if (fresh()) return outDir;
  mkdirSync(dirname(LOCK), { recursive: true });
  for (;;) {
    try {
      mkdirSync(LOCK);
    } catch {
      // Another test process builds; a lock left by a killed one expires.
      if (Date.now() - (statSync(LOCK, { throwIfNoEntry: false })?.mtimeMs ?? 0) > STALE_LOCK_MS)
        rmSync(LOCK, { recursive: true, force: true });
      await new Promise((r) => setTimeout(r, 250));
      continue;
    }
    try {
      if (!fresh()) await build(outDir);
      return outDir;
    } finally {
      rmSync(LOCK, { recursive: true, force: true });
    }
  }
}

async function build(outDir: string): Promise<void> {
  const { build: viteBuild } = await import('vite');
  // Under vitest NODE_ENV is "test", which would make Vite emit React's development build.
  const env = process.env.NODE_ENV;
  process.env.NODE_ENV = 'production';
  try {
    await viteBuild({
      root: WEB_ROOT,
      configFile: join(WEB_ROOT, 'vite.config.ts'),
      logLevel: 'warn',
      mode: 'production',
      build: { outDir, emptyOutDir: true },
    });
  } finally {
    if (env === undefined) delete process.env.NODE_ENV;
    else process.env.NODE_ENV = env;
  }
}

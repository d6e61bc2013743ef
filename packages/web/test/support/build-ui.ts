import { existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const WEB_ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const DIST = join(WEB_ROOT, 'dist');

const LOCK = join(WEB_ROOT, '.tmp', 'build.lock');
const STALE_LOCK_MS = 5 * 60_000;

/**
 * Builds the UI from the current sources into `outDir` once per test run: test files run in parallel processes,
 * so the first takes a lock and builds, the others wait and reuse a build made after their own process started.
 * RESTORA_WEB_PREBUILT=1 reuses any existing build.
 */
export async function ensureBuilt(outDir = DIST): Promise<string> {
  const stamp = join(outDir, '.built-at');
  if (process.env.RESTORA_WEB_PREBUILT === '1' && existsSync(join(outDir, 'index.html'))) return outDir;
  const processStart = Date.now() - process.uptime() * 1000;
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
      const builtAt = existsSync(stamp) ? Number(readFileSync(stamp, 'utf8')) : 0;
      if (builtAt > processStart && existsSync(join(outDir, 'index.html'))) return outDir;
      await build(outDir);
      writeFileSync(stamp, String(Date.now()));
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

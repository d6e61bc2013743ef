import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const WEB_ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const DIST = join(WEB_ROOT, 'dist');

/**
 * Builds the UI from the current sources into `outDir` (default packages/web/dist; test files running in parallel
 * each pass their own directory). RESTORA_WEB_PREBUILT=1 reuses an existing build.
 */
export async function ensureBuilt(outDir = DIST): Promise<string> {
  if (process.env.RESTORA_WEB_PREBUILT !== '1' || !existsSync(join(outDir, 'index.html'))) {
    const { build } = await import('vite');
    await build({
      root: WEB_ROOT,
      configFile: join(WEB_ROOT, 'vite.config.ts'),
      logLevel: 'warn',
      build: { outDir, emptyOutDir: true },
    });
  }
  return outDir;
}

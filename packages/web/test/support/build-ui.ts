import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const WEB_ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const DIST = join(WEB_ROOT, 'dist');

/** Builds packages/web/dist from the current sources (set RESTORA_WEB_PREBUILT=1 to reuse an existing build). */
export async function ensureBuilt(): Promise<string> {
  if (process.env.RESTORA_WEB_PREBUILT !== '1' || !existsSync(join(DIST, 'index.html'))) {
    const { build } = await import('vite');
    await build({ root: WEB_ROOT, configFile: join(WEB_ROOT, 'vite.config.ts'), logLevel: 'warn' });
  }
  return DIST;
}

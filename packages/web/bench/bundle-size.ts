import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';

export type BundleSize = { files: string[]; jsRaw: number; jsGzip: number; cssGzip: number };

/** Initial load = the entry script + its modulepreloads + stylesheets referenced by index.html. */
export async function initialBundleSize(distDir: string): Promise<BundleSize> {
  const html = await readFile(join(distDir, 'index.html'), 'utf8');
  const js = [
    ...html.matchAll(/<script[^>]+src="([^"]+)"/g),
    ...html.matchAll(/<link[^>]+rel="modulepreload"[^>]+href="([^"]+)"/g),
  ].map((m) => m[1]!);
  const css = [...html.matchAll(/<link[^>]+rel="stylesheet"[^>]+href="([^"]+)"/g)].map((m) => m[1]!);
  let jsRaw = 0;
  let jsGzip = 0;
  let cssGzip = 0;
  for (const f of js) {
    const buf = await readFile(join(distDir, f));
    jsRaw += buf.length;
    jsGzip += gzipSync(buf, { level: 9 }).length;
  }
  for (const f of css) cssGzip += gzipSync(await readFile(join(distDir, f)), { level: 9 }).length;
  return { files: [...js, ...css], jsRaw, jsGzip, cssGzip };
}

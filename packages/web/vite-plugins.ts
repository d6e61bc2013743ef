import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { brotliCompress, constants, gzip } from 'node:zlib';
import type { Plugin, Rollup } from 'vite';

const brotli = promisify(brotliCompress);
const gz = promisify(gzip);
const COMPRESSIBLE = /\.(js|mjs|css|html|svg|json|txt)$/;

/** Writes .br and .gz next to every text asset so `restora serve` sends them without compressing per request. */
export function precompress(): Plugin {
  let outDir = 'dist';
  return {
    name: 'restora-precompress',
    apply: 'build',
    configResolved(c) {
      outDir = c.build.outDir.startsWith('/') ? c.build.outDir : join(c.root, c.build.outDir);
    },
    async writeBundle() {
      const files = await walk(outDir);
      await Promise.all(
        files
          .filter((f) => COMPRESSIBLE.test(f))
          .map(async (f) => {
            const buf = await readFile(f);
            const params = {
              [constants.BROTLI_PARAM_QUALITY]: constants.BROTLI_MAX_QUALITY,
              [constants.BROTLI_PARAM_SIZE_HINT]: buf.length,
            };
            await writeFile(`${f}.br`, await brotli(buf, { params }));
            await writeFile(`${f}.gz`, await gz(buf, { level: 9 }));
          }),
      );
    },
  };
}

async function walk(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const e of await readdir(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...(await walk(p)));
    else out.push(p);
  }
  return out;
}

/** Adds modulepreload links for the first view's lazy chunk and its imports, so it loads with the entry. */
export function preloadFirstView(moduleSuffix: string): Plugin {
  return {
    name: 'restora-preload-first-view',
    apply: 'build',
    transformIndexHtml: {
      order: 'post',
      handler(_html, ctx) {
        const chunks = Object.values(ctx.bundle ?? {}).filter(
          (c): c is Rollup.OutputChunk => c.type === 'chunk',
        );
        const view = chunks.find((c) => c.facadeModuleId?.endsWith(moduleSuffix));
        if (!view) return [];
        const byName = new Map(chunks.map((c) => [c.fileName, c]));
        const files = new Set<string>();
        const visit = (c: Rollup.OutputChunk) => {
          if (c.isEntry || files.has(c.fileName)) return;
          files.add(c.fileName);
          for (const i of c.imports) {
            const dep = byName.get(i);
            if (dep) visit(dep);
          }
        };
        visit(view);
        return [...files].map((f) => ({
          tag: 'link',
          attrs: { rel: 'modulepreload', crossorigin: true, href: `./${f}` },
          injectTo: 'head' as const,
        }));
      },
    },
  };
}

import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'vite';
import { launchChromium } from '../test/support/browser.js';
import { serveStatic } from '../test/support/static-server.js';
import { initialBundleSize } from './bundle-size.js';

// npm run bench -w @restora/web: builds the UI, reports the initial JS (gzipped), then times a plan view with
// 10k operations in headless Chromium: the virtualised list vs a naive list of the same rows, side by side.
const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const OPS = Number(process.env.BENCH_OPS ?? 10_000);
const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const kb = (n: number) => `${(n / 1024).toFixed(1)} KB`;

async function main() {
  await build({ root, configFile: join(root, 'vite.config.ts'), logLevel: 'warn' });
  const size = await initialBundleSize(join(root, 'dist'));
  console.log(
    `initial JS: ${kb(size.jsGzip)} gzipped (${kb(size.jsRaw)} raw, ${size.files.length} files); CSS ${kb(size.cssGzip)} gzipped; target < 300 KB: ${size.jsGzip < 300 * 1024 ? 'OK' : 'OVER'}`,
  );

  const out = join(root, '.tmp', 'bench-dist'); // .tmp/ is git- and prettier-ignored
  await build({
    root,
    configFile: join(root, 'vite.config.ts'),
    logLevel: 'warn',
    build: { outDir: out, emptyOutDir: true, rollupOptions: { input: join(root, 'bench/index.html') } },
  });
  const server = await serveStatic(out);
  const browser = await launchChromium({ width: 1280, height: 900 });
  const results: Record<string, number[]> = { virtual: [], naive: [], paged: [] };
  const meta: Record<string, { rows: number; domNodes: number }> = {};
  try {
    // Warm-up load so both sides start with the same disk/JIT caches.
    const warm = await browser.context.newPage();
    await warm.goto(`${server.url}/bench/index.html?mode=virtual&ops=100`);
    await warm.waitForFunction(() => window.benchResult);
    await warm.close();
    for (let i = 0; i < RUNS; i++) {
      for (const mode of i % 2 ? ['naive', 'paged', 'virtual'] : ['virtual', 'paged', 'naive']) {
        const page = await browser.context.newPage();
        const q = mode === 'paged' ? 'mode=virtual&paged=1' : `mode=${mode}`;
        await page.goto(`${server.url}/bench/index.html?${q}&ops=${OPS}`);
        const r = await page
          .waitForFunction(() => window.benchResult, undefined, { timeout: 120_000 })
          .then((h) => h.jsonValue());
        results[mode]!.push(r!.ms);
        meta[mode] = { rows: r!.rows, domNodes: r!.domNodes };
        await page.close();
      }
    }
  } finally {
    await browser.close();
    await server.close();
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  const p = median(results.paged!);
  const v = median(results.virtual!);
  const n = median(results.naive!);
  console.log(
    `plan view with ${OPS} operations: mount → rows painted (JSON decode + tree + render), median of ${RUNS}, headless Chromium:`,
  );
  console.log(
    `  app (newest page first, rest on demand): ${p.toFixed(0)} ms; target < 500 ms: ${p < 500 ? 'OK' : 'OVER'}`,
  );
  console.log(
    `  virtualised, all ${OPS} loaded: ${v.toFixed(0)} ms (${meta.virtual?.rows} rows in DOM, ${meta.virtual?.domNodes} elements)`,
  );
  console.log(
    `  naive list : ${n.toFixed(0)} ms (${meta.naive?.rows} rows in DOM, ${meta.naive?.domNodes} elements)`,
  );
  console.log(`  ratio naive/virtualised: ${(n / v).toFixed(1)}x`);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});

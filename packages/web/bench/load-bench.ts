import { join } from 'node:path';
import { chromium } from 'playwright-core';
import type { Browser } from 'playwright-core';
import { CHROMIUM_PATH } from '../test/support/browser.js';
import { ensureBuilt } from '../test/support/build-ui.js';
import { startUiFixture, TOKEN_KEY } from '../test/support/ui-fixture.js';

// npm run bench -w @restora/web (second part): time from navigation to a rendered dashboard, served by a
// real `restora serve`, cold (empty browser cache) and warm (same context, assets cached). The peer is the
// same build fetched with `Accept-Encoding: identity`, index.html stripped of the data prefetch and the first
// view's modulepreloads: the serial path the UI had before (entry → GetConfig → view chunk → view data).
const RUNS = Number(process.env.BENCH_RUNS ?? 5);

declare global {
  interface Window {
    __dashboardAt?: number;
  }
}

/** Records performance.now() when the first summary card is in the DOM (relative to navigation start). */
// A string, not a function: tsx's keepNames would inject a `__name` helper the page does not have.
const MARK_DASHBOARD = `
  const observer = new MutationObserver(() => {
    if (window.__dashboardAt === undefined && document.querySelector('[data-testid^="summary-"]')) {
      window.__dashboardAt = performance.now();
      observer.disconnect();
    }
  });
  observer.observe(document, { childList: true, subtree: true });
`;

/** restora serve with a signed-in user, one repository and one plan: a dashboard with two cards. */
async function setupServer(dist: string) {
  const fx = await startUiFixture(dist);
  await fx.rpc('AddRepo', { repo: { id: 'local', uri: join(fx.dir, 'repo'), password: 'repo-password' } });
  const config = await fx.rpc<{ plans?: unknown[] }>('GetConfig');
  const plan = { id: 'docs', repo: 'local', paths: [join(fx.dir, 'src')], schedule: { disabled: true } };
  await fx.rpc('SetConfig', { ...config, plans: [plan] });
  return { url: fx.server.url, token: fx.token, close: () => fx.close() };
}

type Mode = 'app' | 'peer';

/** One cold load in a fresh context, then one warm load in the same context; ms to the dashboard. */
async function measure(browser: Browser, url: string, token: string, mode: Mode) {
  const context = await browser.newContext({
    viewport: { width: 1280, height: 900 },
    ...(mode === 'peer' ? { extraHTTPHeaders: { 'accept-encoding': 'identity' } } : {}),
  });
  await context.addInitScript(
    `localStorage.setItem(${JSON.stringify(TOKEN_KEY)}, ${JSON.stringify(token)});`,
  );
  await context.addInitScript(MARK_DASHBOARD);
  if (mode === 'peer') {
    // The old serial path: index.html without the data prefetch and the first view's modulepreloads.
    await context.route(/\/(index\.html)?(#.*)?$/, async (route) => {
      const res = await route.fetch();
      const html = (await res.text())
        .replace(/<script>[\s\S]*?__restoraPrefetch[\s\S]*?<\/script>/, '')
        .replace(/<link rel="modulepreload"[^>]*>/g, '');
      await route.fulfill({ response: res, body: html });
    });
  }
  const once = async () => {
    const page = await context.newPage();
    await page.goto(`${url}/#/`);
    const h = await page
      .waitForFunction(() => window.__dashboardAt, undefined, { timeout: 30_000 })
      .catch(async (e: unknown) => {
        console.error(await page.locator('body').innerText());
        throw e;
      });
    const ms = (await h.jsonValue()) as number;
    const bytes = await page.evaluate(() =>
      performance
        .getEntriesByType('resource')
        .concat(performance.getEntriesByType('navigation'))
        .reduce((n, e) => n + ((e as PerformanceResourceTiming).transferSize || 0), 0),
    );
    if (process.env.BENCH_TRACE)
      console.log(
        await page.evaluate(() =>
          performance
            .getEntriesByType('resource')
            .map(
              (e) =>
                `${e.name.split('/').pop()} ${e.startTime.toFixed(0)}-${(e as PerformanceResourceTiming).responseEnd.toFixed(0)} ms`,
            )
            .join('\n'),
        ),
        `\ndashboard at ${ms.toFixed(0)} ms`,
      );
    await page.close();
    return { ms, bytes };
  };
  const cold = await once();
  const warm = await once();
  await context.close();
  return { cold, warm };
}

async function main() {
  const dist = await ensureBuilt();
  const server = await setupServer(dist);
  const browser = await chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'],
  });
  const results: Record<Mode, { cold: number[]; warm: number[]; bytes: number }> = {
    app: { cold: [], warm: [], bytes: 0 },
    peer: { cold: [], warm: [], bytes: 0 },
  };
  try {
    await measure(browser, server.url, server.token, 'app'); // warm-up: server JIT, disk cache
    for (let i = 0; i < RUNS; i++) {
      for (const mode of (i % 2 ? ['peer', 'app'] : ['app', 'peer']) as Mode[]) {
        const r = await measure(browser, server.url, server.token, mode);
        results[mode].cold.push(r.cold.ms);
        results[mode].warm.push(r.warm.ms);
        results[mode].bytes = r.cold.bytes;
      }
    }
  } finally {
    await browser.close();
    await server.close();
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  const a = results.app;
  const p = results.peer;
  const kb = (n: number) => `${(n / 1024).toFixed(0)} KB`;
  console.log(`time to rendered dashboard (restora serve, headless Chromium, median of ${RUNS}):`);
  console.log(
    `  app : cold ${median(a.cold).toFixed(0)} ms, warm ${median(a.warm).toFixed(0)} ms, ${kb(a.bytes)} transferred cold; target cold < 1000 ms: ${median(a.cold) < 1000 ? 'OK' : 'OVER'}`,
  );
  console.log(
    `  peer (identity encoding, no prefetch): cold ${median(p.cold).toFixed(0)} ms, warm ${median(p.warm).toFixed(0)} ms, ${kb(p.bytes)} transferred cold`,
  );
  console.log(
    `  ratio peer/app: cold ${(median(p.cold) / median(a.cold)).toFixed(2)}x, warm ${(median(p.warm) / median(a.warm)).toFixed(2)}x`,
  );
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});

import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Page, Response } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../support/browser.js';
import type { Browser } from '../support/browser.js';
import { ensureBuilt, WEB_ROOT } from '../support/build-ui.js';
import { startUiFixture, TOKEN_KEY } from '../support/ui-fixture.js';
import type { UiFixture } from '../support/ui-fixture.js';

// Issue 19: the UI as a new user finds it, against a real `restora serve` and real restic, in one browser.
// Runs beside ui.test.ts, so it builds into its own directory.
const SHOTS = join(WEB_ROOT, 'test-results', 'new-user');
const DESKTOP = { width: 1280, height: 900 };
const PHONE = { width: 390, height: 844 };

let fx: UiFixture;
let browser: Browser;
let page: Page;

/** One screenshot at desktop width and one at phone width of what the page shows now. */
async function shots(name: string) {
  await page.screenshot({ path: join(SHOTS, `${name}-desktop.png`), fullPage: true });
  await page.setViewportSize(PHONE);
  await page.screenshot({ path: join(SHOTS, `${name}-phone.png`), fullPage: true });
  await page.setViewportSize(DESKTOP);
}

beforeAll(async () => {
  await mkdir(SHOTS, { recursive: true });
  const dist = await ensureBuilt(join(WEB_ROOT, '.tmp', 'e2e-dist-new-user'));
  fx = await startUiFixture(dist);
  browser = await launchChromium(DESKTOP);
  page = await browser.context.newPage();
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await fx?.close();
});

describe('web UI for a new user (issue 19)', () => {
  it('loads the dashboard from precompressed immutable assets, its chunk and data requested at once', async () => {
    // Sign in by storing the session token on the origin (from a page that loads no app).
    await page.goto(`${fx.server.url}/no-such-file.txt`);
    await page.evaluate(([k, t]) => localStorage.setItem(k!, t!), [TOKEN_KEY, fx.token]);
    const responses: Response[] = [];
    page.on('response', (r) => responses.push(r));
    await page.goto(`${fx.server.url}/#/`);
    await page.getByRole('heading', { name: 'Dashboard' }).waitFor();
    page.removeAllListeners('response');
    const assets = responses.filter((r) => /\/assets\/[^/]+\.(js|css)$/.test(r.url()));
    expect(assets.length).toBeGreaterThan(2);
    for (const r of assets) {
      const h = await r.allHeaders();
      expect(h['content-encoding'], r.url()).toBe('br');
      expect(h['cache-control'], r.url()).toContain('immutable');
    }
    const timing = await page.evaluate(() =>
      performance.getEntriesByType('resource').map((e) => ({
        name: e.name,
        start: e.startTime,
        end: (e as PerformanceResourceTiming).responseEnd,
      })),
    );
    const find = (re: RegExp) => timing.find((t) => re.test(t.name));
    const config = find(/\/GetConfig$/)!;
    const summary = find(/\/GetSummaryDashboard$/);
    const chunk = find(/\/assets\/dashboard-[^/]+\.js$/);
    // Serial loading asked for the dashboard's chunk and data only once GetConfig had answered.
    expect(summary?.start).toBeLessThan(config.end);
    expect(chunk?.start).toBeLessThan(config.end);
    await shots('01-dashboard-empty');
  });
});

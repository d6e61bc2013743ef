import { randomBytes } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
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

  it('shows speed and elapsed time while backing up, then a summary instead of an empty log', async () => {
    const src = join(fx.dir, 'src');
    await mkdir(join(src, 'docs'), { recursive: true });
    await writeFile(join(src, 'docs', 'hello.txt'), 'hello\n');
    await writeFile(join(src, 'big.bin'), randomBytes(96 * 1024 * 1024));
    await fx.rpc('AddRepo', { repo: { id: 'local', uri: join(fx.dir, 'repo'), password: 'repo-password' } });
    const config = await fx.rpc<{ plans?: unknown[] }>('GetConfig');
    const plan = { id: 'docs', repo: 'local', paths: [src], schedule: { disabled: true } };
    await fx.rpc('SetConfig', { ...config, plans: [...(config.plans ?? []), plan] });
    await page.goto(`${fx.server.url}/#/plans/docs`);
    await page.reload(); // the config changed behind the UI's back
    await page.getByRole('button', { name: 'Backup now' }).click();
    const running = page.locator('[data-op-row][data-op-status="2"]').first();
    await running.getByTestId('op-speed').waitFor({ timeout: 60_000 });
    await expect.poll(() => running.getByTestId('op-elapsed').textContent()).toMatch(/^\d+s elapsed$/);
    await shots('02-plan-backup-running');
    const done = page.locator('[data-op-row][data-op-status="3"]').first();
    await done.waitFor({ timeout: 120_000 });
    await done.getByRole('button', { name: /Show details of Backup operation/ }).click();
    await expect.poll(() => done.getByTestId('backup-summary').textContent()).toMatch(/Files:\s*2 new/);
    await page.waitForTimeout(500); // the log stream ends: an empty one must not say "(empty log)"
    expect(await done.textContent()).not.toContain('(empty log)');
    await shots('03-plan-backup-done');
  });

  it('offers no browsing or restoring of a forgotten snapshot and shows no raw ids', async () => {
    const { snapshots = [] } = await fx.rpc<{ snapshots?: { id: string }[] }>('ListSnapshots', {
      repoId: 'local',
    });
    const id = snapshots[0]!.id;
    const row = page
      .locator('[data-op-row]')
      .filter({ hasText: id.slice(0, 8) })
      .first();
    await row.getByRole('link', { name: 'Browse snapshot' }).first().waitFor();
    await fx.rpc('Forget', { repoId: 'local', planId: 'docs', snapshotId: id });
    await row
      .getByText(/forgotten/)
      .first()
      .waitFor({ timeout: 60_000 });
    await expect.poll(() => row.getByRole('link', { name: 'Browse snapshot' }).count()).toBe(0);
    expect(await page.locator('main').textContent()).not.toContain(id);
    await shots('04-plan-forgotten');
  });
});

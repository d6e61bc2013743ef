import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer } from '@restora/server';
import type { RunningServer } from '@restora/server';
import { shotsAtBothWidths } from '../support/shots.js';
import { launchChromium } from '../support/browser.js';
import type { Browser } from '../support/browser.js';
import { ensureBuilt, WEB_ROOT } from '../support/build-ui.js';

// The UI against a real `restora serve` and real restic, driven by Debian's chromium (headless).
// Steps depend on each other (one instance, one repo), so they run in order in one describe.
const SHOTS = join(WEB_ROOT, 'test-results', 'e2e');
const USER = 'admin';
const PASSWORD = 'correct horse battery staple';

let dir: string;
let server: RunningServer;
let browser: Browser;
let page: Page;

/** Saves a screenshot at desktop and phone width and checks that every button and link has an accessible name. */
async function shot(name: string) {
  await shotsAtBothWidths(page, join(SHOTS, name));
  const unnamed = await page.evaluate(() =>
    [...document.querySelectorAll('button, a[href], [role="button"]')]
      .filter((el) => {
        const labelledBy = el.getAttribute('aria-labelledby');
        const name =
          (el.getAttribute('aria-label') ?? '') + (el.textContent ?? '') + (el.getAttribute('title') ?? '');
        return !labelledBy && !name.trim();
      })
      .map((el) => el.outerHTML.slice(0, 120)),
  );
  expect(unnamed, `unnamed controls on ${name}`).toEqual([]);
}

async function waitForFile(path: string, timeoutMs = 60_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!existsSync(path)) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${path}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'restora-web-e2e-'));
  await mkdir(SHOTS, { recursive: true });
  await mkdir(join(dir, 'src', 'docs'), { recursive: true });
  await writeFile(join(dir, 'src', 'docs', 'hello.txt'), 'hello from restora e2e\n');
  // Enough incompressible data that the backup runs for a moment and shows progress.
  await writeFile(join(dir, 'src', 'big.bin'), randomBytes(128 * 1024 * 1024));
  const dist = await ensureBuilt();
  server = await startServer({
    host: '127.0.0.1',
    port: 0,
    configFile: join(dir, 'config', 'config.json'),
    dataDir: join(dir, 'data'),
    resticCommand: '/usr/bin/restic',
    logLevel: 'warn',
    // restora serve hosts the freshly built UI at / on the API's origin, as in production.
    webDir: dist,
  });
  browser = await launchChromium();
  page = await browser.context.newPage();
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('web UI against restora serve', () => {
  it('first run: names the instance and creates the first user', async () => {
    await page.goto(server.url);
    await page.getByLabel('Instance name').fill('e2e-host');
    await page.getByLabel('Username').fill(USER);
    await page.getByLabel(/^Password/).fill(PASSWORD);
    await page.getByLabel('Confirm password').fill(PASSWORD);
    await shot('01-first-run');
    await page.getByRole('button', { name: 'Create user and continue' }).click();
    await page.getByRole('heading', { name: 'Dashboard' }).waitFor();
    expect(await page.evaluate(() => localStorage.getItem('backrest-ui-authToken'))).toBeTruthy();
    await shot('02-dashboard-empty');
  });

  it('adds a local repository after testing the configuration', async () => {
    await page.getByRole('link', { name: '+ Add repository' }).click();
    await page.getByLabel('Repository id').fill('local');
    await page.getByRole('combobox', { name: 'Path' }).fill(join(dir, 'repo'));
    await page.getByLabel('Repository password').fill('repo-password');
    await page.getByRole('button', { name: 'Test configuration' }).click();
    await expect
      .poll(() => page.getByTestId('repo-test-result').textContent())
      .toMatch(/no repository exists here yet|Connected/);
    await shot('03-repo-form');
    await page.getByRole('button', { name: 'Add repository' }).click();
    await page.getByRole('heading', { name: 'Repository local' }).waitFor({ timeout: 60_000 });
    await shot('04-repo-view');
  });

  it('adds a plan with a cron schedule preview', async () => {
    await page.getByRole('link', { name: '+ Add plan' }).click();
    await page.getByLabel('Plan id').fill('docs');
    await page.getByRole('combobox', { name: 'Paths 1' }).fill(join(dir, 'src'));
    await expect.poll(() => page.getByTestId('next-runs').locator('li').count()).toBe(5);
    await shot('05-plan-form');
    await page.getByRole('button', { name: 'Create plan' }).click();
    await page.getByRole('heading', { name: 'Plan docs' }).waitFor();
  });

  it('backs up now with visible progress, then shows the finished backup', async () => {
    await page.getByRole('button', { name: 'Backup now' }).click();
    const running = page.locator('[data-op-row][data-op-status="2"]');
    await running.first().waitFor({ timeout: 60_000 });
    await expect(running.first().getByRole('progressbar').first().isVisible()).resolves.toBe(true);
    // restic's status lines arrive through GetOperationEvents: percent, files and bytes appear live.
    await running
      .first()
      .getByText(/^\d+\.\d%$/)
      .waitFor({ timeout: 30_000 });
    await shot('06-plan-backup-running');
    const done = page.locator('[data-op-row][data-op-status="3"]').first();
    await done.waitFor({ timeout: 120_000 });
    await shot('07-plan-backup-done');
    // The details show restic's summary of the backup (the task log, when not empty, streams below it).
    await done.getByRole('button', { name: /Show details of Backup operation/ }).click();
    await expect
      .poll(() => done.getByTestId('backup-summary').textContent(), { timeout: 30_000 })
      .toMatch(/Files:/);
  });

  it('shares one event stream between tabs and still updates every tab', async () => {
    const streams: string[] = [];
    const count = (r: { url(): string }) => r.url().includes('GetOperationEvents') && streams.push(r.url());
    page.on('request', count);
    const second = await browser.context.newPage();
    second.on('request', count);
    try {
      await second.goto(`${server.url}/#/plans/docs`);
      await second.getByRole('heading', { name: 'Plan docs' }).waitFor();
      await writeFile(join(dir, 'src', 'docs', 'more.txt'), 'more\n');
      await second.getByRole('button', { name: 'Dry run' }).click();
      // The first tab holds the stream; the second learns about the new op over the BroadcastChannel.
      await second
        .locator('[data-op-row]')
        .filter({ hasText: 'dry run' })
        .first()
        .waitFor({ timeout: 60_000 });
      expect(streams).toEqual([]);
    } finally {
      page.off('request', count);
      await second.close();
    }
  });

  it('browses the snapshot, restores a file and downloads it', async () => {
    await page.getByRole('link', { name: 'Browse snapshot' }).first().click({ timeout: 60_000 });
    await page.getByRole('heading', { name: /Snapshot / }).waitFor();
    // Walk down to src/docs through the folder links.
    for (const part of [...join(dir, 'src').split('/').filter(Boolean), 'docs']) {
      await page.getByRole('link', { name: `${part}/`, exact: true }).click();
    }
    await page.getByText('hello.txt').waitFor();
    await shot('08-snapshot-browser');

    await page.getByRole('button', { name: 'Restore hello.txt' }).click();
    const target = join(dir, 'restore-target');
    await page.getByLabel('Target directory').fill(target);
    await page.getByRole('button', { name: 'Restore', exact: true }).click();
    await page.getByText(/Restore started/).waitFor({ timeout: 30_000 });
    await page.getByRole('button', { name: 'Close', exact: true }).click();
    const restored = join(target, 'hello.txt');
    await waitForFile(restored);
    expect(await readFile(restored, 'utf8')).toBe('hello from restora e2e\n');

    const [download] = await Promise.all([
      page.waitForEvent('download', { timeout: 60_000 }),
      page.getByRole('button', { name: 'Download hello.txt' }).click(),
    ]);
    const saved = join(dir, 'downloaded.txt');
    await download.saveAs(saved);
    expect(await readFile(saved, 'utf8')).toBe('hello from restora e2e\n');

    // A folder downloads as a tar archive of its contents.
    await page.getByRole('link', { name: 'src', exact: true }).click();
    const [folder] = await Promise.all([
      page.waitForEvent('download', { timeout: 60_000 }),
      page.getByRole('button', { name: 'Download docs' }).click(),
    ]);
    expect(folder.suggestedFilename()).toBe('docs.tar');
    const tarFile = join(dir, 'docs.tar');
    await folder.saveAs(tarFile);
    const listing = spawnSync('tar', ['-tf', tarFile], { encoding: 'utf8' });
    expect(listing.status).toBe(0);
    expect(listing.stdout.split('\n')).toContainEqual(expect.stringMatching(/(^|\/)docs\/hello\.txt$/));
  });

  it('cancels a running backup', async () => {
    await writeFile(join(dir, 'src', 'big2.bin'), randomBytes(192 * 1024 * 1024));
    await page.getByRole('link', { name: 'docs', exact: true }).first().click();
    await page.getByRole('heading', { name: 'Plan docs' }).waitFor();
    await page.getByRole('button', { name: 'Backup now' }).click();
    const running = page.locator('[data-op-row][data-op-status="2"]').first();
    await running.waitFor({ timeout: 60_000 });
    await running.getByRole('button', { name: 'Cancel' }).click();
    await page.locator('[data-op-row][data-op-status="6"]').first().waitFor({ timeout: 60_000 });
    await page.getByText('Backup cancelled.').waitFor();
    await shot('09-plan-cancelled');
  });

  it('shows a failed backup in red with its error', async () => {
    await page.getByRole('link', { name: '+ Add plan' }).click();
    await page.getByLabel('Plan id').fill('broken');
    await page.getByRole('combobox', { name: 'Paths 1' }).fill(join(dir, 'does-not-exist'));
    await page.getByRole('button', { name: 'Create plan' }).click();
    await page.getByRole('heading', { name: 'Plan broken' }).waitFor();
    await page.getByRole('button', { name: 'Backup now' }).click();
    const failed = page.locator('[data-op-row][data-op-status="4"]').first();
    await failed.waitFor({ timeout: 60_000 });
    expect(await failed.evaluate((el) => getComputedStyle(el).borderColor)).toMatch(
      /rgb\(2[0-9]{2}, [0-9]{1,2}, [0-9]{1,2}\)/,
    );
    await page.getByRole('alert').filter({ hasText: 'Backup failed' }).waitFor();
    await shot('10-plan-failed');
    await page.getByRole('link', { name: 'Dashboard' }).click();
    await page.getByTestId('summary-broken').waitFor();
    await shot('11-dashboard');
    await page.getByRole('button', { name: 'Switch to dark mode' }).click();
    await shot('11-dashboard-dark');
    await page.getByRole('button', { name: 'Switch to light mode' }).click();
    await page.getByRole('link', { name: 'Settings' }).click();
    await shot('12-settings');
  });

  it('draws charts on the dashboard and in the repository stats', async () => {
    await page.getByRole('link', { name: 'Dashboard' }).click();
    const docs = page.getByTestId('summary-docs');
    await docs.getByRole('button', { name: 'Show charts' }).click();
    await docs.getByRole('img', { name: 'Bytes added per day' }).waitFor({ timeout: 30_000 });
    // A bar per recent backup of the plan.
    await expect
      .poll(() => docs.getByRole('img', { name: 'Backup durations' }).locator('rect').count())
      .toBeGreaterThan(0);
    await shot('11b-dashboard-charts');
    await page.getByRole('link', { name: 'local', exact: true }).first().click();
    await page.getByRole('heading', { name: 'Repository local' }).waitFor();
    await page.getByRole('button', { name: 'Compute stats' }).click();
    await page.getByRole('tab', { name: 'Stats' }).click();
    await page.getByRole('img', { name: 'Repository size' }).waitFor({ timeout: 60_000 });
    await shot('12b-repo-stats');
  });

  it('logs out and back in; the session survives a reload', async () => {
    await page.getByRole('button', { name: 'Log out' }).click();
    await page.getByRole('heading', { name: 'Sign in to Restora' }).waitFor();
    await shot('13-login');
    await page.getByLabel('Username').fill(USER);
    await page.getByLabel(/^Password/).fill('wrong password');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('alert').waitFor();
    await page.getByLabel(/^Password/).fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('link', { name: 'Settings' }).waitFor();
    await page.reload();
    await page.getByRole('link', { name: 'Settings' }).waitFor();
  });
});

import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Page, Response } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../support/browser.js';
import type { Browser } from '../support/browser.js';
import { ensureBuilt, WEB_ROOT } from '../support/build-ui.js';
import { startUiFixture, signedInPage } from '../support/ui-fixture.js';
import type { UiFixture } from '../support/ui-fixture.js';
import { PHONE, shotsAtBothWidths } from '../support/shots.js';

// Issue 19: the UI as a new user finds it, against a real `restora serve` and real restic, in one browser.
// Shares ui.test.ts's build of the UI (ensureBuilt builds once per run).
const SHOTS = join(WEB_ROOT, 'test-results', 'new-user');
const DESKTOP = { width: 1280, height: 900 };

let fx: UiFixture;
let browser: Browser;
let page: Page;

const shots = (name: string) => shotsAtBothWidths(page, join(SHOTS, name));

beforeAll(async () => {
  await mkdir(SHOTS, { recursive: true });
  const dist = await ensureBuilt();
  fx = await startUiFixture(dist);
  browser = await launchChromium(DESKTOP);
  page = await signedInPage(browser, fx);
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await fx?.close();
});

describe('web UI for a new user (issue 19)', () => {
  it('loads the dashboard from precompressed immutable assets, its chunk and data requested at once', async () => {
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
    // Empty states say what to do next.
    await page.getByRole('link', { name: 'add a plan' }).waitFor();
    await page.getByRole('link', { name: 'add one' }).waitFor();
    await shots('01-dashboard-empty');
  });

  it('shows speed and elapsed time while backing up, then a summary instead of an empty log', async () => {
    const src = join(fx.dir, 'src');
    await mkdir(join(src, 'docs'), { recursive: true });
    await writeFile(join(src, 'docs', 'hello.txt'), 'hello\n');
    await writeFile(join(src, 'big.bin'), randomBytes(96 * 1024 * 1024));
    await fx.rpc('AddRepo', { repo: { id: 'local', uri: join(fx.dir, 'repo'), password: 'repo-password' } });
    const config = await fx.rpc<{ plans?: unknown[] }>('GetConfig');
    // Throttled (restic --limit-upload, KiB/s): ~15 s of running backup to watch, not ~2 s that can end between
    // two looks at the page on a loaded machine.
    const plan = {
      id: 'docs',
      repo: 'local',
      paths: [src],
      backup_flags: ['--limit-upload 6144'],
      schedule: { disabled: true },
    };
    await fx.rpc('SetConfig', { ...config, plans: [...(config.plans ?? []), plan] });
    await page.goto(`${fx.server.url}/#/plans/docs`);
    await page.reload(); // the config changed behind the UI's back
    await page.getByRole('button', { name: 'Backup now' }).click();
    // Speed and elapsed read together from one render of a running row: two separate waits could see the op end
    // in between. Times out on a UI that never shows both at once.
    const live = await page.waitForFunction(
      () => {
        for (const row of document.querySelectorAll('[data-op-row][data-op-status="2"]')) {
          const speed = row.querySelector('[data-testid="op-speed"]')?.textContent;
          const elapsed = row.querySelector('[data-testid="op-elapsed"]')?.textContent;
          if (speed && elapsed) return { speed, elapsed };
        }
        return null;
      },
      undefined,
      { timeout: 60_000, polling: 100 },
    );
    const { speed, elapsed } = (await live.jsonValue())!;
    expect(speed).toMatch(/^\d+(\.\d+)? (B|KB|MB|GB)\/s$/);
    expect(elapsed).toMatch(/^(\d+m )?\d+s elapsed$/);
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

  it('draws charts with axes and dates, even from one point; the 30-day strip fits a phone', async () => {
    await writeFile(join(fx.dir, 'src', 'docs', 'more.txt'), 'more\n');
    await fx.rpc('Backup', { value: 'docs' });
    await page.goto(`${fx.server.url}/#/`);
    await page.reload();
    const card = page.getByTestId('summary-docs');
    await card.getByRole('button', { name: 'Show charts' }).click();
    const added = card.getByRole('img', { name: 'Bytes added per day' });
    await added.waitFor({ timeout: 30_000 });
    const year = String(new Date().getFullYear());
    await expect.poll(() => card.getByTestId('chart-x-axis').first().textContent()).toContain(year);
    await page.setViewportSize(PHONE);
    const fits = await card.evaluate((el) => {
      const strip = el.querySelector('[aria-label="Last 30 days"]')!;
      return strip.getBoundingClientRect().right <= el.getBoundingClientRect().right;
    });
    await page.setViewportSize(DESKTOP);
    expect(fits).toBe(true);
    await shots('05-dashboard-charts');
    await page.getByRole('link', { name: 'local', exact: true }).first().click();
    await page.getByRole('button', { name: 'Compute stats' }).click();
    await page.getByRole('tab', { name: 'Stats' }).click();
    const size = page.getByRole('img', { name: 'Repository size' });
    await size.waitFor({ timeout: 60_000 });
    // One stats run = one point: still a chart with both axes labelled.
    const frame = page.locator('.mantine-Paper-root').filter({ has: size });
    await expect.poll(() => frame.getByTestId('chart-y-axis').textContent()).toMatch(/B/);
    expect(await frame.getByTestId('chart-x-axis').textContent()).toContain(year);
    await shots('06-repo-stats');
  });

  it('lists snapshots with their data added, no internal plan id, and actions reachable on a phone', async () => {
    // A snapshot made outside Restora: no plan tag.
    const env = { ...process.env, RESTIC_PASSWORD: 'repo-password', RESTIC_REPOSITORY: join(fx.dir, 'repo') };
    const made = spawnSync('/usr/bin/restic', ['backup', join(fx.dir, 'src', 'docs')], {
      env,
      encoding: 'utf8',
    });
    expect(made.status, made.stderr).toBe(0);
    await page.getByRole('tab', { name: 'Snapshots' }).click();
    const table = page.getByRole('table');
    await table
      .getByRole('button', { name: /^Actions for snapshot/ })
      .nth(1)
      .waitFor({ timeout: 30_000 });
    const text = (await table.textContent()) ?? '';
    expect(text).not.toContain('_unassociated_');
    // restic 0.14 keeps no summary in snapshots: the backups' own summaries fill the column.
    type Snaps = { snapshots?: { id: string; tags?: string[] }[] };
    const snaps = (await fx.rpc<Snaps>('ListSnapshots', { repoId: 'local' })).snapshots ?? [];
    const row = (s: { id: string }) => table.getByRole('row').filter({ hasText: s.id.slice(0, 8) });
    const ours = snaps.find((s) => s.tags?.includes('plan:docs'))!;
    const theirs = snaps.find((s) => !s.tags?.some((t) => t.startsWith('plan:')))!;
    await expect.poll(() => row(ours).textContent()).toMatch(/\d+(\.\d+)? (B|KB|MB)/);
    // No backup here made the outside one: "n/a", its reason in the title.
    expect(await row(theirs).getByText('n/a').getAttribute('title')).toMatch(/restic 0\.14/);
    await page.setViewportSize(PHONE);
    const box = await table
      .getByRole('button', { name: /^Actions for snapshot/ })
      .first()
      .boundingBox();
    await page.setViewportSize(DESKTOP);
    await shots('07-repo-snapshots');
    expect(box!.x + box!.width).toBeLessThanOrEqual(PHONE.width);
  });

  it('tags and forgets a snapshot from its row', async () => {
    type Snaps = { snapshots?: { id: string; tags?: string[] }[] };
    const list = async () => (await fx.rpc<Snaps>('ListSnapshots', { repoId: 'local' })).snapshots ?? [];
    await writeFile(join(fx.dir, 'src', 'docs', 'third.txt'), 'third\n');
    await fx.rpc('Backup', { value: 'docs' });
    const doomed = (await list()).at(-1)!;
    const external = (await list()).find((s) => !s.tags?.some((t) => t.startsWith('plan:')))!;
    await page.reload();
    await page.getByRole('tab', { name: 'Snapshots' }).click();
    await page.getByRole('button', { name: `Actions for snapshot ${external.id.slice(0, 8)}` }).click();
    await page.getByRole('menuitem', { name: 'Edit tags…' }).click();
    const tags = page.getByRole('dialog').locator('input').first();
    await tags.fill('keep-forever');
    await tags.press('Enter');
    await page.getByRole('button', { name: 'Save tags' }).click();
    await page
      .getByRole('dialog')
      .getByRole('status')
      .filter({ hasText: /being saved/ })
      .waitFor();
    await expect
      .poll(async () => (await list()).some((s) => s.tags?.includes('keep-forever')), { timeout: 60_000 })
      .toBe(true);
    // restic gives a retagged snapshot a new id: its row, and the dialog, go once the list refreshes.
    await page.keyboard.press('Escape');
    await page.getByRole('button', { name: `Actions for snapshot ${doomed.id.slice(0, 8)}` }).click();
    await page.getByRole('menuitem', { name: 'Forget snapshot…' }).click();
    await shots('08-snapshot-forget-confirm');
    await page.getByRole('button', { name: 'Forget snapshot', exact: true }).click();
    await expect
      .poll(() => page.getByRole('dialog').getByRole('status').textContent())
      .toMatch(/being forgotten/);
    await expect
      .poll(async () => (await list()).some((s) => s.id === doomed.id), { timeout: 60_000 })
      .toBe(false);
    await page.keyboard.press('Escape');
  });

  it("asks before pruning and shows a command's output in place", async () => {
    await page.getByRole('button', { name: 'Prune now' }).click();
    await page.getByRole('dialog', { name: /Prune now: are you sure/ }).waitFor();
    await shots('09-repo-prune-confirm');
    await page.getByRole('button', { name: 'Cancel' }).click();
    await page.getByLabel('Run restic command').fill('snapshots');
    await page.getByRole('button', { name: 'Run', exact: true }).click();
    await expect
      .poll(() => page.getByLabel('Operation log').first().textContent(), { timeout: 60_000 })
      .toMatch(/ID\s+Time/);
    await shots('09b-repo-run-command');
  });

  it('restores into a fresh target each time, links the operation, refuses an existing target, and zips', async () => {
    type Snaps = { snapshots?: { id: string; tags?: string[] }[] };
    const snap = ((await fx.rpc<Snaps>('ListSnapshots', { repoId: 'local' })).snapshots ?? []).find((s) =>
      s.tags?.includes('plan:docs'),
    )!;
    const folder = join(fx.dir, 'src', 'docs');
    await page.goto(
      `${fx.server.url}/#/snapshot/local/${snap.id}?${new URLSearchParams({ plan: 'docs', path: folder })}`,
    );
    await page.getByRole('button', { name: 'Restore this folder' }).click();
    const first = join(fx.dir, 'restored', 'one');
    await page.getByLabel('Target directory').fill(first);
    await page.getByRole('button', { name: 'Restore', exact: true }).click();
    const link = page.getByRole('link', { name: 'View the restore operation' });
    await link.waitFor({ timeout: 30_000 });
    expect(await link.getAttribute('href')).toBe('#/plans/docs');
    await shots('10-restore-started');
    await page.getByRole('button', { name: 'Close', exact: true }).click();
    await expect.poll(() => existsSync(first), { timeout: 60_000 }).toBe(true);
    await page.getByRole('button', { name: 'Restore this folder' }).click();
    const fresh = await page.getByLabel('Target directory').inputValue();
    expect(fresh).not.toBe(first);
    expect(fresh.startsWith(join(fx.dir, 'restored'))).toBe(true);
    await page.getByLabel('Target directory').fill(first);
    await page.getByRole('button', { name: 'Restore', exact: true }).click();
    await page.getByText(/already exists: restore into a directory that does not exist yet/).waitFor();
    const [zip] = await Promise.all([
      page.waitForEvent('download', { timeout: 60_000 }),
      page.getByRole('button', { name: 'Download as zip' }).click(),
    ]);
    expect(zip.suggestedFilename()).toMatch(/\.zip$/);
    const saved = join(fx.dir, 'docs.zip');
    await zip.saveAs(saved);
    expect((await readFile(saved)).subarray(0, 2).toString('latin1')).toBe('PK');
    await page.getByRole('button', { name: 'Close', exact: true }).click();
  });

  it('settings: the config JSON hides the sync private key', async () => {
    await page.goto(`${fx.server.url}/#/settings`);
    await page.getByRole('tab', { name: 'Config JSON' }).click();
    const json = (await page.getByLabel('Config as JSON').textContent()) ?? '';
    expect(json).toContain('"instance"');
    expect(json).not.toMatch(/"ed25519priv":\s*"(?!\*)[^"]+"/);
    await shots('11-settings-json');
  });

  it('settings: notification destinations with a test button, and the app version', async () => {
    const received: string[] = [];
    const hook = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        received.push(body);
        res.writeHead(200).end('ok');
      });
    });
    await new Promise<void>((r) => hook.listen(0, '127.0.0.1', r));
    try {
      const url = `http://127.0.0.1:${(hook.address() as AddressInfo).port}/hook`;
      await page.getByRole('tab', { name: 'Notifications' }).click();
      await page.getByText(/No destinations yet/).waitFor();
      await page.getByLabel('Destination name').fill('team-chat');
      await page.getByLabel('Webhook URL').fill(url);
      await page.getByRole('button', { name: 'Add destination' }).click();
      const table = page.getByRole('table', { name: 'Notification destinations' });
      await table.getByText('team-chat').waitFor();
      await table.getByRole('button', { name: 'Send test' }).click();
      await page.getByText('Test sent to team-chat.').waitFor({ timeout: 30_000 });
      expect(received.length).toBe(1);
      await shots('12-settings-notifications');
    } finally {
      await new Promise((r) => hook.close(r));
    }
    await page.getByRole('tab', { name: 'Instance' }).click();
    expect(await page.getByTestId('app-version').textContent()).toMatch(/Restora web UI \d+\.\d+\.\d+/);
  });

  it('runs the repository doctor and shows its steps', async () => {
    await page.goto(`${fx.server.url}/#/repos/local`);
    await page.getByRole('button', { name: 'Run doctor' }).click();
    await page
      .getByTestId('repo-doctor')
      .getByText(/Doctor found the repository healthy/)
      .waitFor({ timeout: 90_000 });
    expect(await page.getByTestId('repo-doctor').textContent()).toContain('check');
    await shots('13-repo-doctor');
  });

  it('saves a screenshot of every page at desktop and phone width', async () => {
    type Snaps = { snapshots?: { id: string }[] };
    const snap = ((await fx.rpc<Snaps>('ListSnapshots', { repoId: 'local' })).snapshots ?? []).at(-1)!;
    const pages: [string, string, string][] = [
      ['20-dashboard', '#/', 'Dashboard'],
      ['21-plan', '#/plans/docs', 'Plan docs'],
      ['22-plan-edit', '#/plans/docs/edit', 'Edit plan docs'],
      ['23-plan-new', '#/plans/new', 'Add a backup plan'],
      ['24-repo', '#/repos/local', 'Repository local'],
      ['25-repo-edit', '#/repos/local/edit', 'Edit repository local'],
      ['26-repo-new', '#/repos/new', 'Add a repository'],
      ['27-snapshot', `#/snapshot/local/${snap.id}?plan=docs`, `Snapshot ${snap.id.slice(0, 8)}`],
      ['28-settings', '#/settings', 'Settings'],
    ];
    for (const [name, hash, heading] of pages) {
      await page.goto(`${fx.server.url}/${hash}`);
      await page.getByRole('heading', { name: heading, exact: true }).waitFor();
      await shots(name);
    }
    await page.getByRole('button', { name: 'Log out' }).click();
    await page.getByRole('heading', { name: 'Sign in to Restora' }).waitFor();
    await shots('29-login');
  });
});

import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../support/browser.js';
import type { Browser } from '../support/browser.js';
import { ensureBuilt, WEB_ROOT } from '../support/build-ui.js';
import { startUiFixture, signedInPage } from '../support/ui-fixture.js';
import type { UiFixture } from '../support/ui-fixture.js';
import { shotsAtBothWidths } from '../support/shots.js';

// Issue 16: the snapshot browser fed by the server's index, in a real browser over real restic: a folder expands in
// place, a search over the plan's snapshots, "compare with previous snapshot".
const SHOTS = join(WEB_ROOT, 'test-results', 'snapshot-index');

let fx: UiFixture;
let browser: Browser;
let page: Page;
let src: string;
let snaps: string[];

const shots = (name: string) => shotsAtBothWidths(page, join(SHOTS, name));

beforeAll(async () => {
  await mkdir(SHOTS, { recursive: true });
  const dist = await ensureBuilt(join(WEB_ROOT, '.tmp', 'e2e-dist-snapshot-index'));
  fx = await startUiFixture(dist);
  src = join(fx.dir, 'src');
  await mkdir(join(src, 'docs', 'old'), { recursive: true });
  await writeFile(join(src, 'docs', 'hello.txt'), 'hello\n');
  await writeFile(join(src, 'docs', 'old', 'notes.md'), 'notes\n');
  await fx.rpc('AddRepo', { repo: { id: 'local', uri: join(fx.dir, 'repo'), password: 'ui-index' } });
  const config = await fx.rpc<Record<string, unknown>>('GetConfig');
  config.plans = [{ id: 'home', repo: 'local', paths: [src], schedule: { disabled: true } }];
  await fx.rpc('SetConfig', config);
  await fx.rpc('Backup', { value: 'home' });
  await writeFile(join(src, 'docs', 'hello.txt'), 'hello again\n');
  await fx.rpc('Backup', { value: 'home' });
  for (let i = 0; ; i++) {
    const s = await fx.rpc<{ repos: { indexedSnapshots?: number; pendingSnapshots?: number }[] }>(
      'Status',
      { repoId: 'local' },
      'restora.v1.SnapshotIndex',
    );
    if (s.repos[0]?.indexedSnapshots === 2 && !s.repos[0].pendingSnapshots) break;
    if (i > 300) throw new Error('snapshots not indexed');
    await new Promise((r) => setTimeout(r, 200));
  }
  snaps = (await fx.rpc<{ snapshots: { id: string }[] }>('ListSnapshots', { repoId: 'local' })).snapshots.map(
    (s) => s.id,
  );
  browser = await launchChromium();
  page = await signedInPage(browser, fx);
}, 240_000);

afterAll(async () => {
  await browser?.close();
  await fx?.close();
});

describe('snapshot browser over the index (issue 16)', () => {
  it('expands a folder in place and searches the plan snapshots', async () => {
    const q = new URLSearchParams({ plan: 'home', path: src }).toString();
    await page.goto(`${fx.server.url}/#/snapshot/local/${snaps[1]}?${q}`);
    await expect
      .poll(() => page.getByLabel('Snapshot index').textContent())
      .toMatch(/2 snapshots, .* on disk/);
    await page.getByRole('button', { name: 'Expand docs' }).click();
    await page.getByRole('button', { name: 'Expand old' }).click();
    await page.getByText('notes.md').waitFor();
    expect(await page.locator('tr[data-tree-depth="2"]').count()).toBe(1);
    await page.getByLabel("Search files in this plan's snapshots").fill('HELLO');
    await page.getByRole('button', { name: 'Search', exact: true }).click();
    const results = page.getByRole('table', { name: 'Search results' });
    await results.waitFor();
    // two versions of hello.txt, one snapshot each
    expect(await results.locator('tbody tr').count()).toBe(2);
    await expect
      .poll(() => page.getByLabel('Search summary').textContent())
      .toContain('2 snapshots searched');
    await shots('01-tree-and-search');
  });

  it('compares a snapshot with the previous one', async () => {
    await page.goto(`${fx.server.url}/#/repos/local`);
    await page.getByRole('tab', { name: /Snapshots/ }).click();
    await page.getByRole('link', { name: `Compare ${snaps[1]!.slice(0, 8)} with previous snapshot` }).click();
    const changes = page.getByRole('table', { name: 'Changes' });
    await changes.waitFor();
    expect(await changes.locator('tbody tr').allTextContents()).toEqual([
      expect.stringMatching(/^changed.*\/docs\/hello\.txt/),
    ]);
    await shots('02-compare');
  });
});

import { execFile } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../support/browser.js';
import type { Browser } from '../support/browser.js';
import { ensureBuilt, WEB_ROOT } from '../support/build-ui.js';
import { PASSWORD, startUiFixture, signedInPage } from '../support/ui-fixture.js';
import type { UiFixture } from '../support/ui-fixture.js';
import { shotsAtBothWidths } from '../support/shots.js';

// Issue 19: what Zerobyte's users miss in our UI (API keys, mirrors) and the versions Backrest shows, against a
// real `restora serve` and real restic, in one browser.
const run = promisify(execFile);
const SHOTS = join(WEB_ROOT, 'test-results', 'zerobyte-features');
const DESKTOP = { width: 1280, height: 900 };

let fx: UiFixture;
let browser: Browser;
let page: Page;

const shots = (name: string) => shotsAtBothWidths(page, join(SHOTS, name));

beforeAll(async () => {
  await mkdir(SHOTS, { recursive: true });
  fx = await startUiFixture(await ensureBuilt());
  const src = join(fx.dir, 'src');
  await mkdir(src, { recursive: true });
  await writeFile(join(src, 'hello.txt'), 'hello\n');
  for (const id of ['local', 'offsite'])
    await fx.rpc('AddRepo', { repo: { id, uri: join(fx.dir, id), password: `${id}-password` } });
  const config = await fx.rpc<Record<string, unknown>>('GetConfig');
  config.plans = [{ id: 'docs', repo: 'local', paths: [src], schedule: { disabled: true } }];
  await fx.rpc('SetConfig', config);
  browser = await launchChromium(DESKTOP);
  page = await signedInPage(browser, fx);
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await fx?.close();
});

// The boxes save on click and show the saved state when the server answers (no optimistic tick): click, not check.
describe("web UI: Zerobyte's API keys and mirrors, Backrest's versions (issue 19)", () => {
  it('creates an API key (shown once, works with x-api-key), lists it with its expiry, and revokes it', async () => {
    await page.goto(`${fx.server.url}/#/settings`);
    await page.getByRole('tab', { name: 'API keys' }).click();
    await page.getByText(/No API keys yet/).waitFor();
    await page.getByLabel('Key name').fill('ci');
    await page.getByLabel('Your password').fill('wrong password');
    await page.getByRole('button', { name: 'Create API key' }).click();
    // a wrong password is said so, and the session stays
    await page.getByRole('status').getByText('Invalid password').waitFor();
    await page.getByLabel('Your password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Create API key' }).click();
    const key = (await page.getByLabel('New API key').textContent())?.trim() ?? '';
    expect(key).toMatch(/^zb_/);
    const table = page.getByRole('table', { name: 'API keys' });
    await table.getByText('ci', { exact: true }).waitFor();
    // 90 days is the default expiry
    const expires = new Date(Date.now() + 90 * 86_400_000).getFullYear();
    expect(await table.textContent()).toContain(String(expires));
    expect(await table.textContent()).not.toContain(key);
    const viaKey = await fetch(`${fx.server.url}/api/v1/repositories`, { headers: { 'x-api-key': key } });
    expect(viaKey.status).toBe(200);
    await shots('01-settings-api-keys');

    await page.getByRole('button', { name: 'Revoke API key ci' }).click();
    await page.getByText('API key ci revoked.').waitFor();
    await page.getByText(/No API keys yet/).waitFor();
    const revoked = await fetch(`${fx.server.url}/api/v1/repositories`, { headers: { 'x-api-key': key } });
    expect(revoked.status).toBe(401);
  });

  it("chooses a plan's mirror repository, shows compatibility, disables and removes it", async () => {
    const mirrors = async () =>
      (await (
        await fetch(`${fx.server.url}/api/v1/backups/docs/mirrors`, {
          headers: { authorization: `Bearer ${fx.token}` },
        })
      ).json()) as { repositoryId: string; enabled: boolean; repository: { name: string } | null }[];
    await page.goto(`${fx.server.url}/#/plans/docs`);
    const box = page.getByTestId('plan-mirrors');
    await box.getByText('compatible', { exact: true }).waitFor();
    // the plan's own repository is no mirror candidate
    expect(await box.getByLabel('Mirror to local', { exact: true }).count()).toBe(0);
    await box.getByLabel('Mirror to offsite', { exact: true }).click();
    await page.getByText('Mirroring to offsite.').waitFor();
    expect((await mirrors()).map((m) => [m.repository?.name, m.enabled])).toEqual([['offsite', true]]);
    await box.getByRole('switch', { name: 'Mirror to offsite enabled' }).click();
    await page.getByText('Mirror to offsite disabled.').waitFor();
    expect((await mirrors()).map((m) => m.enabled)).toEqual([false]);
    await box.getByRole('switch', { name: 'Mirror to offsite enabled' }).click();
    await page.getByText('Mirror to offsite enabled.').waitFor();
    await shots('02-plan-mirrors');
    await box.getByLabel('Mirror to offsite', { exact: true }).click();
    await page.getByText('No longer mirroring to offsite.').waitFor();
    expect(await mirrors()).toEqual([]);
  });

  it("shows the app's and restic's versions in Settings, restic's as `restic version` prints it", async () => {
    const { stdout } = await run('/usr/bin/restic', ['version']);
    const restic = /^restic (\S+)/.exec(stdout)?.[1];
    expect(restic).toBeTruthy();
    await page.goto(`${fx.server.url}/#/settings`);
    await page.getByRole('tab', { name: 'Instance' }).click();
    const line = page.getByTestId('app-version');
    await line.getByText(`restic ${restic}`, { exact: false }).waitFor();
    expect(await line.textContent()).toMatch(
      /^Restora web UI \d+\.\d+\.\d+ · server \d+\.\d+\.\d+ · restic /,
    );
    await shots('03-settings-instance');
  });
});

import { mkdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { launchChromium } from '../test/support/browser.js';
import { serveStatic } from '../test/support/static-server.js';

// Screenshots of every main view against the fake backend (.tmp/bench-dist is built by npm run bench).
const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const out = join(root, 'test-results', 'fake-screens');
const VIEWS: [string, string][] = [
  ['dashboard', '#/'],
  ['plan', '#/plans/documents'],
  ['plan-form', '#/plans/documents/edit'],
  ['repo', '#/repos/local-disk'],
  ['repo-form', '#/repos/new'],
  [
    'snapshot',
    '#/snapshot/local-disk/00000001ffffffffffffffffffffffffffffffffffffffffffffffffffffffff?plan=documents&path=/home/alice',
  ],
  ['settings', '#/settings'],
];

async function main() {
  await mkdir(out, { recursive: true });
  const server = await serveStatic(join(root, '.tmp', 'bench-dist'));
  const phone = process.argv.includes('--phone');
  const dark = process.argv.includes('--dark');
  const browser = await launchChromium(phone ? { width: 390, height: 844 } : { width: 1280, height: 900 });
  try {
    const page = await browser.context.newPage();
    if (dark) await page.emulateMedia({ colorScheme: 'dark' });
    for (const [name, hash] of VIEWS) {
      await page.goto(`${server.url}/bench/index.html?mode=app&ops=300${hash}`);
      await page.waitForTimeout(1200);
      const file = join(out, `${name}${phone ? '-phone' : ''}${dark ? '-dark' : ''}.png`);
      await page.screenshot({ path: file, fullPage: false });
      console.log(file);
    }
  } finally {
    await browser.close();
    await server.close();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});

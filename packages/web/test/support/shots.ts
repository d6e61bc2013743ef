import type { Page } from 'playwright-core';

export const PHONE = { width: 390, height: 844 };

/** Saves what the page shows now as `<base>-desktop.png` and `<base>-phone.png` (full page), then restores the width. */
export async function shotsAtBothWidths(page: Page, base: string): Promise<void> {
  await page.screenshot({ path: `${base}-desktop.png`, fullPage: true });
  const desktop = page.viewportSize();
  await page.setViewportSize(PHONE);
  await page.waitForTimeout(400); // the navbar slides shut below its breakpoint
  await page.screenshot({ path: `${base}-phone.png`, fullPage: true });
  if (desktop) await page.setViewportSize(desktop);
}

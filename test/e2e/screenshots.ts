/**
 * The README's sandbox screenshots, taken with headless Debian Chromium after seeding:
 *   npx tsx test/e2e/screenshots.ts        → docs/sandbox-*.png
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { CHROMIUM_MISSING_MESSAGE, chromiumMissing, launchChromium, startSeededSandbox } from './browser.ts';

const DOCS = new URL('../../docs/', import.meta.url);

async function open(page: Page, base: string, query: string): Promise<void> {
  await page.goto(`${base}/sandbox?${query}`);
  await page.waitForSelector('body[data-ready="true"]');
  // Let the first poll after app_home_opened (or the chart image) land.
  await page.waitForTimeout(2000);
}

async function main(): Promise<void> {
  if (chromiumMissing) throw new Error(CHROMIUM_MISSING_MESSAGE);
  const dataDir = await mkdtemp(join(tmpdir(), 'ai-roi-screenshots-'));
  const app = await startSeededSandbox({ DATA_DIR: dataDir });
  const browser = await launchChromium({ width: 1360, height: 900 });
  try {
    const page = await browser.context.newPage();
    const shot = (name: string) => page.screenshot({ path: new URL(name, DOCS).pathname });

    await open(page, app.appUrl, 'user=UMAYA00001&view=home');
    await shot('sandbox-home.png');

    await open(page, app.appUrl, 'user=UTOM000001&view=dm');
    await shot('sandbox-prompt.png');

    await page.setViewportSize({ width: 1360, height: 1500 });
    await open(page, app.appUrl, 'user=UDANA00001&view=CLEADERSHP');
    await page
      .locator('.msg-message', { hasText: 'AI ROI — All teams' })
      .evaluate((el) => el.scrollIntoView());
    await page.waitForTimeout(300);
    await shot('sandbox-digest.png');

    await page.setViewportSize({ width: 1360, height: 900 });
    await open(page, app.appUrl, 'user=UMAYA00001&view=home');
    await page.locator('.home button', { hasText: 'Note / issue' }).first().click();
    await page.waitForSelector('.modal');
    await page.locator('.modal input[type=radio][value=exploratory]').check();
    await page.fill('.modal textarea', 'Compared two scoring libraries; kept neither.');
    await shot('sandbox-modal.png');
    console.log(`Screenshots written to ${DOCS.pathname}`);
  } finally {
    await browser.close();
    await app.stop();
    await rm(dataDir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});

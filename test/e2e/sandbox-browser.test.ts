import { ObjectId } from 'mongodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeSessionAction } from '../../blocks/values.ts';
import type { LocalApp } from '../../src/sandbox/local-mode.ts';
import { testMongoUri, uniqueDbName } from '../support/db.ts';
import {
  type Browser,
  CHROMIUM_MISSING_MESSAGE,
  chromiumMissing,
  launchChromium,
  startSeededSandbox,
} from './browser.ts';

const MAYA = 'UMAYA00001';

if (chromiumMissing) console.warn(`[skip] ${CHROMIUM_MISSING_MESSAGE}`);

describe.skipIf(chromiumMissing)('sandbox in a real browser (Debian Chromium, headless)', () => {
  let app: LocalApp;
  let browser: Browser;

  beforeAll(async () => {
    app = await startSeededSandbox({ MONGODB_URI: testMongoUri(), MONGODB_DB: uniqueDbName('sandbox_e2e') });
    browser = await launchChromium();
  }, 90_000);

  afterAll(async () => {
    await browser?.close();
    await app?.service.deps.db.dropDatabase().catch(() => {});
    await app?.stop();
  });

  it('loads the seeded sandbox, classifies a session from App Home, and shows the change', async () => {
    const page = await browser.context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));

    await page.goto(`${app.appUrl}/sandbox?user=${MAYA}&view=home`);
    await page.waitForSelector('body[data-ready="true"]');
    const home = page.locator('.home');
    const queued = home.locator('button.bk-button[data-aid="classify_wasteful"]');
    await queued.first().waitFor();
    const before = await queued.count();
    expect(before).toBeGreaterThan(0);

    // The first queue item's "Wasteful" button, and the session it answers (from the published view).
    const button = queued.first();
    const blockIndex = Number(await button.getAttribute('data-bi'));
    const published = app.local.api.lastViewFor(MAYA)?.view.blocks as
      | { elements?: { action_id?: string; value?: string }[] }[]
      | undefined;
    const element = published?.[blockIndex]?.elements?.find((e) => e.action_id === 'classify_wasteful');
    const sessionId = decodeSessionAction(element?.value)?.sessionId;
    expect(sessionId).toBeDefined();
    const sessions = app.service.deps.collections.sessions;
    expect((await sessions.findOne({ _id: new ObjectId(sessionId) }))?.classification).toBeUndefined();

    await button.click();

    // App Home is re-published by the app and the page shows it: one session fewer in the queue.
    await expect.poll(() => queued.count(), { timeout: 15_000 }).toBe(before - 1);
    const stored = await sessions.findOne({ _id: new ObjectId(sessionId) });
    expect(stored?.classification).toMatchObject({ class: 'wasteful', by: 'self', userId: MAYA });
    expect(errors).toEqual([]);
    await page.close();
  }, 60_000);

  it('types a slash command and shows the private answer in that conversation', async () => {
    const page = await browser.context.newPage();
    await page.goto(`${app.appUrl}/sandbox?user=UDANA00001&view=CLEADERSHP`);
    await page.waitForSelector('body[data-ready="true"]');
    await page.fill('#command', '/ai-roi team list');
    await page.press('#command', 'Enter');
    const answer = page.locator('.msg-response', { hasText: '2 teams:' });
    await answer.waitFor({ timeout: 15_000 });
    expect(await answer.textContent()).toMatch(/Only visible to you/);
    expect(await answer.textContent()).toMatch(/Payments \(3 members\)/);
    await page.close();
  }, 60_000);
});

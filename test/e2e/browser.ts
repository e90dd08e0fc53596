/**
 * Headless Debian Chromium for the sandbox's browser test and the README screenshots, driven by
 * playwright-core (no bundled browser download). `.ci/run` installs `chromium` with apt-get.
 */
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type BrowserContext, chromium } from 'playwright-core';
import { createLogger } from '../../src/logger.ts';
import { type LocalApp, startLocalApp } from '../../src/sandbox/local-mode.ts';
import { seedLocalApp } from '../../src/sandbox/seed/seed.ts';
import { StepLog } from '../../src/sandbox/seed/steps.ts';

export const CHROMIUM = '/usr/bin/chromium';
export const chromiumMissing = !existsSync(CHROMIUM);
export const CHROMIUM_MISSING_MESSAGE = `${CHROMIUM} is not installed (Debian: apt-get install -y chromium); the sandbox browser test is skipped`;

const FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export interface Browser {
  context: BrowserContext;
  close(): Promise<void>;
}

/** A fresh profile each time (the user-data-dir is removed on close). */
export async function launchChromium(viewport = { width: 1400, height: 1000 }): Promise<Browser> {
  const profile = await mkdtemp(join(tmpdir(), 'ai-roi-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: FLAGS,
    viewport,
  });
  return {
    context,
    close: async () => {
      await context.close();
      await rm(profile, { recursive: true, force: true });
    },
  };
}

/** The app in local mode with the sample organisation loaded, on any free port. */
export async function startSeededSandbox(env: Record<string, string | undefined>): Promise<LocalApp> {
  const app = await startLocalApp({
    env: { PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'silent', ...env },
    logger: createLogger('silent'),
    run: 'interactive',
  });
  try {
    await seedLocalApp(app, new StepLog());
  } catch (error) {
    await app.stop();
    throw error;
  }
  return app;
}

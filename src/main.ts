import { resolve } from 'node:path';
import { ConfigError, loadConfig, slackMode } from './config.ts';
import { createLogger, type Logger } from './logger.ts';
import type { LocalApp } from './sandbox/local-mode.ts';
import { type Service, startService } from './service.ts';

// The sandbox (and the dev-only packages its Linear stand-in uses) is loaded only in local mode, so a
// production install without dev dependencies never imports it.
const loadSandbox = async () => {
  const [local, demo, seed, steps] = await Promise.all([
    import('./sandbox/local-mode.ts'),
    import('./sandbox/demo.ts'),
    import('./sandbox/seed/seed.ts'),
    import('./sandbox/seed/steps.ts'),
  ]);
  return { ...local, ...demo, ...seed, ...steps };
};

const USAGE = `Usage: npm start [-- --seed]   |   npm run demo
  (no flag)  run ai-roi; without Slack credentials it runs in local mode with a Slack sandbox
  --seed     local mode, then load a sample organisation through the app's own endpoints
  --demo     local mode, seed, print the digest, write demo-output/, stop (exit 0 only if every step worked)`;

/**
 * `npm start`: load config, start the service — in local mode when Slack credentials are absent — and
 * drain on signals. `--seed` loads the sample organisation; `--demo` runs the whole trial and exits.
 */
async function main(argv: string[]): Promise<void> {
  const flags = new Set(argv);
  const unknown = argv.filter((arg) => !['--seed', '--demo'].includes(arg));
  if (unknown.length > 0 || (flags.has('--seed') && flags.has('--demo'))) {
    console.error(`${unknown.length ? `Unknown argument ${unknown.join(' ')}\n` : ''}${USAGE}`);
    process.exit(2);
  }
  // biome-ignore lint/style/noProcessEnv: the composition root hands the environment to the config schema
  const env = process.env;
  let config: ReturnType<typeof loadConfig>;
  try {
    config = loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(`${error.message}\nSee .env.example for every variable.`);
      process.exit(1);
    }
    throw error;
  }
  const local = slackMode(config) === 'local';
  if (!local && (flags.has('--seed') || flags.has('--demo'))) {
    console.error(
      '--seed and --demo run only in local mode, with the Slack sandbox: they would post sample data to your workspace.\nUnset SLACK_BOT_TOKEN and SLACK_SIGNING_SECRET to try them.',
    );
    process.exit(2);
  }

  const sandbox = local ? await loadSandbox() : undefined;
  if (sandbox && flags.has('--demo')) {
    const result = await sandbox.runDemo({
      env,
      logger: createLogger(config.LOG_LEVEL === 'info' && !env.LOG_LEVEL ? 'warn' : config.LOG_LEVEL),
      outDir: resolve('demo-output'),
      print: (line) => console.log(line),
    });
    process.exit(result.ok ? 0 : 1);
  }

  const logger = createLogger(config.LOG_LEVEL);
  let service: Service;
  let localApp: LocalApp | undefined;
  if (sandbox) {
    localApp = await sandbox.startLocalApp({
      env,
      logger,
      run: flags.has('--seed') ? 'seed' : 'interactive',
    });
    service = localApp.service;
  } else {
    service = await startService({ config, logger });
  }

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down: no new requests, draining jobs');
    if (localApp) await localApp.stop();
    else await service.stop();
    logger.info('stopped');
    process.exit(0);
  };
  process.once('SIGTERM', () => void shutdown('SIGTERM'));
  process.once('SIGINT', () => void shutdown('SIGINT'));

  if (!sandbox || !localApp) return;
  logger.info({ sandbox: `${localApp.publicUrl}/sandbox` }, 'local mode: Slack sandbox ready');
  if (flags.has('--seed')) await seed(sandbox, localApp, logger);
  console.log(sandbox.localModeBanner(localApp, flags.has('--seed')));
}

async function seed(
  sandbox: Awaited<ReturnType<typeof loadSandbox>>,
  app: LocalApp,
  logger: Logger,
): Promise<void> {
  const started = Date.now();
  console.log("\nSeeding a sample organisation through the app's own endpoints…");
  const log = new sandbox.StepLog((result, index) => console.log(sandbox.formatStep(result, index)));
  try {
    await sandbox.seedLocalApp(app, log);
    console.log(`Seeded in ${((Date.now() - started) / 1000).toFixed(1)} s.`);
  } catch (error) {
    // The app keeps running: what was seeded is still worth looking at, and the log says what failed.
    logger.error({ err: error }, 'seeding stopped');
    console.log(`Seeding stopped: ${(error as Error).message}`);
  }
}

main(process.argv.slice(2)).catch((error: unknown) => {
  console.error('ai-roi failed to start:', error);
  process.exit(1);
});

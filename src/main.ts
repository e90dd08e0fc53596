import { assertBlockKitLimits } from '../blocks/limits.ts';
import { ConfigError, loadConfig, slackMode } from './config.ts';
import { createLogger } from './logger.ts';
import { type LocalSandbox, logLocalModeBanner, startLocalSandbox } from './sandbox/local-mode.ts';
import { startService } from './service.ts';

/** `npm start`: load config, start the service (in local mode when Slack credentials are absent), drain on signals. */
async function main(): Promise<void> {
  let config: ReturnType<typeof loadConfig>;
  try {
    // biome-ignore lint/style/noProcessEnv: the composition root hands the environment to the config schema
    config = loadConfig(process.env);
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(`${error.message}\nSee .env.example for every variable.`);
      process.exit(1);
    }
    throw error;
  }
  const logger = createLogger(config.LOG_LEVEL);
  let sandbox: LocalSandbox | undefined;
  if (slackMode(config) === 'local') {
    sandbox = await startLocalSandbox((payload, surface) =>
      assertBlockKitLimits(payload, surface).map((v) => `${v.path}: ${v.message}`),
    );
  }
  const service = await startService({ config, logger, slackCredentials: sandbox?.credentials });
  if (sandbox) logLocalModeBanner(logger, `http://localhost:${service.port}`);

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down: no new requests, draining jobs');
    await service.stop();
    await sandbox?.stop();
    logger.info('stopped');
    process.exit(0);
  };
  process.once('SIGTERM', () => void shutdown('SIGTERM'));
  process.once('SIGINT', () => void shutdown('SIGINT'));
}

main().catch((error: unknown) => {
  console.error('ai-roi failed to start:', error);
  process.exit(1);
});

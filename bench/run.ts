import { resolveDatabase } from '../src/db/resolve.ts';
import { benchDigestBuild } from './digest-build.ts';
import { benchIngest } from './ingest.ts';
import { benchSlackAck } from './slack-ack.ts';
import { benchContext } from './support.ts';

/**
 * `npm run bench [-- --quick] [-- name…]`: prints figures and ratios; speed targets live here,
 * never in timed unit tests. Uses MONGODB_URI when set, else the same resolution as npm start.
 */
const BENCHES = {
  'slack-ack': benchSlackAck,
  ingest: benchIngest,
  'digest-build': benchDigestBuild,
} as const;

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const quick = args.includes('--quick');
  const selected = args.filter((a) => !a.startsWith('--'));
  // biome-ignore lint/style/noProcessEnv: the benchmark's own switch, like the tests'
  const database = await resolveDatabase({ mongodbUri: process.env.MONGODB_URI || undefined });
  console.log(`database: ${database.description}`);
  const { ctx, checks } = benchContext(database.uri, database.kind, quick);
  for (const [name, bench] of Object.entries(BENCHES)) {
    if (selected.length && !selected.includes(name)) continue;
    await bench(ctx);
  }
  await database.stop();
  const missed = checks.filter((c) => !c.ok);
  console.log(`\n${checks.length - missed.length}/${checks.length} targets met`);
  process.exit(0);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});

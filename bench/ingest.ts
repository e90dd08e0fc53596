import { MongoClient } from 'mongodb';
import { claudeCodeLogsRequest } from '../test/fixtures/otlp/claude-code.ts';
import { type BenchContext, spawnApp } from './support.ts';

/**
 * OTLP/JSON batches of 100 api_request records from concurrent clients: events stored and folded into
 * sessions per second, next to raw driver insertMany throughput of the same documents on the same database.
 */
export async function benchIngest(ctx: BenchContext): Promise<void> {
  const batches = ctx.quick ? 40 : 200;
  const clients = 8;
  const perBatch = 100;
  const token = 'bench-otlp-token';
  const dbName = `bench_ingest_${process.pid}`;
  // The service runs as its own process (as in production), so its memory is measured on its own.
  const app = await spawnApp({ OTLP_TOKEN: token, MONGODB_URI: ctx.mongoUri, MONGODB_DB: dbName });
  const idleRss = await app.peakRssMb();
  const client = await new MongoClient(ctx.mongoUri).connect();
  const db = client.db(dbName);
  const start = Date.parse('2026-11-30T09:00:00Z');
  const bodies = Array.from({ length: batches }, (_, b) =>
    JSON.stringify(
      claudeCodeLogsRequest({
        sessionId: `bench-session-${b % 20}`,
        email: `dev${b % 20}@example.com`,
        resource: { team: `team-${b % 5}`, branch: `dev/eng-${b}-bench` },
        requests: Array.from({ length: perBatch }, (_, i) => ({
          requestId: `req_${b}_${i}`,
          at: new Date(start + (b * perBatch + i) * 1000),
          costUsd: 0.01,
          input: 1000,
          output: 100,
        })),
      }),
    ),
  );

  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: clients }, async () => {
      while (next < bodies.length) {
        const body = bodies[next++]!;
        const response = await fetch(`${app.baseUrl}/v1/logs`, {
          method: 'POST',
          body,
          headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        });
        if (response.status !== 200) throw new Error(`ingest answered ${response.status}`);
        await response.arrayBuffer();
      }
    }),
  );
  const ingestSeconds = (performance.now() - started) / 1000;
  const events = await db.collection('usage_events').countDocuments();
  if (events !== batches * perBatch) throw new Error(`stored ${events} events, sent ${batches * perBatch}`);

  // Raw driver baseline: the same number of similar documents, same batch size and concurrency.
  const raw = db.collection('bench_raw_insert');
  const sample = await db.collection('usage_events').findOne({}, { projection: { _id: 0 } });
  let rawNext = 0;
  const rawStarted = performance.now();
  await Promise.all(
    Array.from({ length: clients }, async () => {
      while (rawNext < batches) {
        const b = rawNext++;
        await raw.insertMany(
          Array.from({ length: perBatch }, (_, i) => ({ ...sample, sourceEventId: `raw_${b}_${i}` })),
          { ordered: false },
        );
      }
    }),
  );
  const rawSeconds = (performance.now() - rawStarted) / 1000;
  const rssMb = await app.peakRssMb();
  await app.stop();
  await db.dropDatabase();
  await client.close();

  const ingestRate = (batches * perBatch) / ingestSeconds;
  const rawRate = (batches * perBatch) / rawSeconds;
  const ratio = ingestRate / rawRate;
  ctx.report(
    `OTLP ingest: ${batches} batches × ${perBatch} api_request records, ${clients} concurrent clients`,
    [
      { name: 'raw driver insertMany', 'events/s': Math.round(rawRate), ratio: '1.00×' },
      {
        name: 'POST /v1/logs → stored + folded',
        'events/s': Math.round(ingestRate),
        ratio: `${ratio.toFixed(2)}×`,
      },
      { name: 'app process RSS after start', 'events/s': `${idleRss.toFixed(0)} MB`, ratio: '' },
      { name: 'app process peak RSS under load', 'events/s': `${rssMb.toFixed(0)} MB`, ratio: '' },
    ],
  );
  ctx.check('ingest ≥ 50% of raw insert throughput', ratio >= 0.5);
  ctx.check('peak RSS < 250 MB', rssMb < 250);
}

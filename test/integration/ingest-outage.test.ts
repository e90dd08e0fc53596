import { describe, expect, it } from 'vitest';
import { startOfflineMongo } from '../../tools/offline-mongod/server.ts';
import { claudeCodeLogsRequest } from '../fixtures/otlp/claude-code.ts';
import { startTestApp } from '../support/harness.ts';

const OTLP_TOKEN = 'otlp-outage-token';
const headers = { 'content-type': 'application/json', authorization: `Bearer ${OTLP_TOKEN}` };

const batch = (sessionId: string, requestId: string) =>
  JSON.stringify(
    claudeCodeLogsRequest({
      sessionId,
      email: 'alice@example.com',
      requests: [{ requestId, at: new Date('2026-11-30T10:00:00Z'), costUsd: 0.5, input: 10, output: 10 }],
    }),
  );

describe('database outage during ingest', () => {
  it('answers 503 with Retry-After while the database is down, then stores the retried batch once', async () => {
    // A database of its own that this test can stop and start again on the same port.
    let mongo = await startOfflineMongo({ port: 0 });
    const port = mongo.port;
    const app = await startTestApp({
      env: { OTLP_TOKEN, MONGODB_URI: `mongodb://127.0.0.1:${port}/`, MONGODB_TIMEOUT_MS: '300' },
    });
    try {
      expect((await app.post('/v1/logs', batch('s-up', 'req_up'), headers)).status).toBe(200);

      await mongo.close();
      const during = await app.post('/v1/logs', batch('s-down', 'req_down'), headers);
      expect(during.status).toBe(503);
      expect(Number(during.headers.get('retry-after'))).toBeGreaterThan(0);
      const ready = await fetch(`${app.baseUrl}/readyz`);
      expect(ready.status).toBe(503);

      // Same engine, same port: the server comes back with its data and indexes, as a restarted mongod does.
      mongo = await startOfflineMongo({ port, engine: mongo.engine });
      // The sender retries the same batch (twice, as exporters may): it is stored exactly once.
      let status = 0;
      for (let attempt = 0; attempt < 20 && status !== 200; attempt++) {
        status = (await app.post('/v1/logs', batch('s-down', 'req_down'), headers)).status;
        if (status !== 200) await new Promise((resolve) => setTimeout(resolve, 200));
      }
      expect(status).toBe(200);
      expect((await app.post('/v1/logs', batch('s-down', 'req_down'), headers)).status).toBe(200);
      const { collections } = app.service.deps;
      expect(await collections.usageEvents.countDocuments({ sourceEventId: 'req_down' })).toBe(1);
      expect((await collections.sessions.findOne({ sessionKey: 's-down' }))?.costUsd).toBe(0.5);
      expect((await collections.sessions.findOne({ sessionKey: 's-up' }))?.costUsd).toBe(0.5);
    } finally {
      await app.stop();
      await mongo.close();
    }
  });
});

import { MongoBackend } from '@agendajs/mongo-backend';
import { Agenda } from 'agenda';
import { MongoClient } from 'mongodb';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { type OfflineMongo, startOfflineMongo } from '../server.ts';

let server: OfflineMongo;

beforeAll(async () => {
  server = await startOfflineMongo();
});

afterAll(async () => {
  await server?.close();
});

it('two Agenda instances share 40 one-off jobs and run each exactly once', async () => {
  const address = `${server.uri}agenda_test`;
  const runs = new Map<number, string[]>();
  const makeAgenda = (name: string) => {
    const agenda = new Agenda({
      backend: new MongoBackend({ address }),
      name,
      processEvery: 50,
      defaultConcurrency: 5,
    });
    agenda.define<{ i: number }>('one-off', async (job) => {
      const i = job.attrs.data.i;
      runs.set(i, [...(runs.get(i) ?? []), name]);
      await new Promise((r) => setTimeout(r, 5));
    });
    agenda.define('tick', async () => undefined);
    return agenda;
  };
  const a = makeAgenda('a');
  const b = makeAgenda('b');
  await Promise.all([a.start(), b.start()]);
  try {
    // every() upserts with $setOnInsert from both instances: still a single recurring job document.
    await Promise.all([a.every('1 hour', 'tick'), b.every('1 hour', 'tick')]);
    await Promise.all(Array.from({ length: 40 }, (_, i) => (i % 2 ? a : b).now('one-off', { i })));
    const deadline = Date.now() + 15_000;
    while (runs.size < 40 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    await new Promise((r) => setTimeout(r, 300)); // give a double run the chance to show up
    expect(runs.size).toBe(40);
    for (const [, who] of runs) expect(who).toHaveLength(1);
    const ranOn = new Set([...runs.values()].flat());
    expect(ranOn.size).toBeGreaterThanOrEqual(1);

    const client = await MongoClient.connect(server.uri);
    try {
      const jobs = client.db('agenda_test').collection('agendaJobs');
      expect(await jobs.countDocuments({ name: 'tick' })).toBe(1);
      expect(await jobs.countDocuments({ name: 'one-off', lastFinishedAt: { $exists: true } })).toBe(40);
      const indexes = await jobs.indexes();
      expect(indexes.map((i) => i.name)).toContain('findAndLockNextJobIndex');
    } finally {
      await client.close();
    }
  } finally {
    await Promise.all([a.stop(), b.stop()]);
  }
});

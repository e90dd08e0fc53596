import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MongoClient } from 'mongodb';
import { afterAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/logger.ts';
import { type DemoResult, runDemo } from '../../src/sandbox/demo.ts';
import { testMongoUri, uniqueDbName } from '../support/db.ts';

/** `npm run demo` in-process: the same function main.ts --demo calls, against the test database server. */
describe('npm run demo (local mode, end to end)', () => {
  const database = uniqueDbName('demo');
  const brokenDatabase = uniqueDbName('demo_broken');
  const lines: string[] = [];
  let outDir = '';
  let result: DemoResult;

  afterAll(async () => {
    const client = new MongoClient(testMongoUri());
    for (const name of [database, brokenDatabase])
      await client
        .db(`${name}_demo`)
        .dropDatabase()
        .catch(() => {});
    await client.close();
    if (outDir) await rm(outDir, { recursive: true, force: true });
  });

  it('runs every step, prints the digest with an ROI sentence that counts outcomes, and writes the files', async () => {
    outDir = await mkdtemp(join(tmpdir(), 'ai-roi-demo-output-'));
    result = await runDemo({
      env: { MONGODB_URI: testMongoUri(), MONGODB_DB: database, LOG_LEVEL: 'silent' },
      logger: createLogger('silent'),
      outDir,
      print: (line) => lines.push(line),
    });

    expect(result.error).toBeUndefined();
    expect(result.ok).toBe(true);
    expect(result.steps.every((s) => s.ok)).toBe(true);
    expect(result.steps.map((s) => s.name)).toEqual(
      expect.arrayContaining([
        'teams via /ai-roi team',
        'budgets via /ai-roi budget',
        'two weeks replayed: sessions close, prompts are answered, outcomes arrive',
        'digests posted (/ai-roi digest now)',
        'stop the app and the embedded database',
      ]),
    );

    const digest = result.digest!;
    expect(digest.issuesCompleted).toBeGreaterThan(0);
    expect(digest.prsMerged).toBeGreaterThan(0);
    expect(digest.roiSentence).toMatch(/\$[\d,.]+ of AI spend/);
    expect(digest.roiSentence).not.toMatch(/not yet linked/);
    const output = lines.join('\n');
    expect(output).toContain(`ROI sentence: ${digest.roiSentence}`);
    expect(output).toMatch(/Outcomes: [1-9]\d* Linear issues completed, [1-9]\d* PRs merged/);
    expect(output).toMatch(/every step succeeded/);
    // The step log: one line per step, numbered, with a check mark.
    expect(output).toMatch(/✔ {1,2}1\. start the app in local mode/);

    const png = await readFile(join(outDir, 'digest-leadership.png'));
    expect([...png.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    const json = JSON.parse(await readFile(join(outDir, 'digest-leadership.blocks.json'), 'utf8')) as {
      blocks: { type: string; block_id?: string }[];
    };
    expect(json.blocks.find((b) => b.block_id === 'roi')).toBeDefined();
    expect(json.blocks[0]?.type).toBe('header');
    expect(await readFile(join(outDir, 'digest-leadership.txt'), 'utf8')).toContain(digest.roiSentence);
    await readFile(join(outDir, 'digest-payments-eng.png'));
    const summary = JSON.parse(await readFile(join(outDir, 'summary.json'), 'utf8')) as {
      seeded: { sessions: number; answered: number };
    };
    expect(summary.seeded.sessions).toBeGreaterThan(30);
    expect(summary.seeded.answered).toBeGreaterThan(20);
  }, 90_000);

  it('fails with the failing step named, and still stops cleanly, when a step cannot succeed', async () => {
    const failed: string[] = [];
    const broken = await runDemo({
      // Sessions only close after a day of silence, so the last day's sessions never close: the replay fails.
      env: {
        MONGODB_URI: testMongoUri(),
        MONGODB_DB: brokenDatabase,
        LOG_LEVEL: 'silent',
        SESSION_IDLE_MINUTES: '1440',
      },
      logger: createLogger('silent'),
      outDir: join(tmpdir(), 'ai-roi-demo-never-written'),
      print: (line) => failed.push(line),
    });
    expect(broken.ok).toBe(false);
    expect(broken.failedStep).toBe(
      'two weeks replayed: sessions close, prompts are answered, outcomes arrive',
    );
    expect(broken.error).toMatch(/sessions closed/);
    expect(broken.steps.at(-1)).toMatchObject({ name: 'stop the app and the embedded database', ok: true });
    expect(failed.join('\n')).toMatch(/Demo FAILED at step "two weeks replayed/);
    expect(broken.files).toEqual([]);
  }, 90_000);
});

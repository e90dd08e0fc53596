/**
 * `npm run demo`: the local trial without a browser, for CI and scripts. It starts the app in local mode,
 * seeds the sample organisation through the real endpoints, prints the leadership digest as text, writes
 * the digests' Block Kit JSON and chart PNGs to an output folder, and stops everything (the embedded
 * database included). Every step is logged; the result says which one failed, if any.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import type { Logger } from '../logger.ts';
import { isObject } from './block-kit-json.ts';
import { type LocalApp, startLocalApp } from './local-mode.ts';
import { blocksToText } from './render/text.ts';
import { seedLocalApp } from './seed/seed.ts';
import { formatStep, StepFailed, StepLog, type StepResult } from './seed/steps.ts';
import type { SlackSandbox } from './slack-sandbox.ts';

export interface DemoOptions {
  env: Record<string, string | undefined>;
  logger: Logger;
  outDir: string;
  /** Where progress lines go (stdout for `npm run demo`). */
  print: (line: string) => void;
  /** The whole run fails after this long instead of hanging. */
  timeoutMs?: number;
}

export interface DigestReadout {
  channel: string;
  text: string;
  roiSentence: string;
  issuesCompleted: number;
  prsMerged: number;
  blocks: unknown[];
  chart?: Buffer;
}

export interface DemoResult {
  ok: boolean;
  failedStep?: string;
  error?: string;
  steps: StepResult[];
  digest?: DigestReadout;
  files: string[];
  ms: number;
}

function blockText(blocks: unknown[], blockId: string): string[] {
  const block = blocks.find((b) => isObject(b) && b.block_id === blockId);
  if (!isObject(block)) return [];
  const texts: unknown[] = [block.text, ...(Array.isArray(block.fields) ? block.fields : [])];
  return texts.flatMap((t) => (isObject(t) && typeof t.text === 'string' ? [t.text] : []));
}

/** The latest digest in a channel: its ROI sentence, outcome counts, text rendering and chart. */
export function readDigest(sandbox: SlackSandbox, channel: string): DigestReadout | undefined {
  const message = sandbox.slack
    .messagesIn(channel)
    .filter((m) => blockText(m.blocks ?? [], 'roi').length > 0)
    .at(-1);
  if (!message?.blocks) return undefined;
  const count = (label: RegExp) => {
    const field = blockText(message.blocks ?? [], 'outcomes').find((f) => label.test(f));
    const match = /\n([\d,]+)/.exec(field ?? '');
    return match ? Number(match[1]!.replace(/,/g, '')) : 0;
  };
  const names = {
    userName: (id: string) => sandbox.slack.users.get(id)?.name,
    channelName: (id: string) => sandbox.slack.channels.get(id)?.name,
  };
  const sentence = blockText(message.blocks, 'roi')[0] ?? '';
  const chart = sandbox.slack.files.filter((f) => f.channel === channel).at(-1);
  return {
    channel: sandbox.channelName(channel),
    text: blocksToText(message.blocks, names),
    roiSentence: blocksToText([{ type: 'section', text: { type: 'mrkdwn', text: sentence } }], names),
    issuesCompleted: count(/issues completed/i),
    prsMerged: count(/PRs merged/i),
    blocks: message.blocks,
    ...(chart ? { chart: chart.bytes } : {}),
  };
}

export async function runDemo(options: DemoOptions): Promise<DemoResult> {
  const started = Date.now();
  const { print } = options;
  const log = new StepLog((result, index) => print(formatStep(result, index)));
  const files: string[] = [];
  let app: LocalApp | undefined;
  let digest: DigestReadout | undefined;
  let failure: StepFailed | undefined;
  // Without MONGODB_URI the embedded database gets a throwaway folder, so a running `npm start` is not disturbed.
  const scratch = options.env.MONGODB_URI ? undefined : await mkdtemp(join(tmpdir(), 'ai-roi-demo-'));
  const env = scratch ? { ...options.env, DATA_DIR: scratch } : options.env;

  print('ai-roi demo: local mode, a sample organisation, end to end\n');
  const work = async () => {
    await log.run('start the app in local mode', async () => {
      app = await startLocalApp({ env, logger: options.logger, run: 'demo' });
      return `${app.service.database.description}; ${app.appUrl}`;
    });
    const running = app!;
    const seeded = await seedLocalApp(running, log);
    await log.run('check the leadership digest', async () => {
      const leadership = seeded.digests[0];
      digest = leadership ? readDigest(running.local.sandbox, leadership.channel) : undefined;
      if (!digest) throw new Error('no digest with an ROI sentence was posted to #leadership');
      if (digest.issuesCompleted + digest.prsMerged === 0) {
        throw new Error(`the digest counts no outcomes: ${digest.roiSentence}`);
      }
      if (!digest.chart) throw new Error('the digest chart was not uploaded');
      return `${digest.issuesCompleted} issues completed, ${digest.prsMerged} PRs merged`;
    });
    await log.run(`write ${relative(process.cwd(), options.outDir) || options.outDir}/`, async () => {
      await mkdir(options.outDir, { recursive: true });
      for (const posted of seeded.digests) {
        const readout = readDigest(running.local.sandbox, posted.channel);
        if (!readout) continue;
        const base = join(options.outDir, `digest-${readout.channel}`);
        await writeFile(`${base}.blocks.json`, `${JSON.stringify({ blocks: readout.blocks }, null, 2)}\n`);
        await writeFile(`${base}.txt`, `${readout.text}\n`);
        files.push(`${base}.blocks.json`, `${base}.txt`);
        if (readout.chart) {
          await writeFile(`${base}.png`, readout.chart);
          files.push(`${base}.png`);
        }
      }
      const summary = join(options.outDir, 'summary.json');
      await writeFile(summary, `${JSON.stringify({ seeded, steps: log.steps }, null, 2)}\n`);
      files.push(summary);
      return `${files.length} files`;
    });
  };

  const timeoutMs = options.timeoutMs ?? 120_000;
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      work(),
      new Promise<never>((_, reject) => {
        timer = setTimeout(
          () =>
            reject(new StepFailed('finish in time', new Error(`still running after ${timeoutMs / 1000} s`))),
          timeoutMs,
        );
      }),
    ]);
  } catch (error) {
    failure = error instanceof StepFailed ? error : new StepFailed('demo', error);
  } finally {
    clearTimeout(timer);
  }

  try {
    await log.run('stop the app and the embedded database', async () => {
      await app?.stop();
      if (scratch) await rm(scratch, { recursive: true, force: true });
    });
  } catch (error) {
    failure ??= error instanceof StepFailed ? error : new StepFailed('stop', error);
  }

  if (digest) {
    print(`\nDigest posted to #${digest.channel}:\n`);
    print(indent(digest.text));
    print(`\nROI sentence: ${digest.roiSentence}`);
    print(`Outcomes: ${digest.issuesCompleted} Linear issues completed, ${digest.prsMerged} PRs merged`);
  }
  if (files.length > 0) print(`\nWrote ${files.map((f) => relative(process.cwd(), f) || f).join(', ')}`);
  const ms = Date.now() - started;
  if (failure) {
    const cause = failure.cause instanceof Error ? failure.cause.message : String(failure.cause);
    print(`\nDemo FAILED at step "${failure.step}": ${cause}`);
    return {
      ok: false,
      failedStep: failure.step,
      error: cause,
      steps: log.steps,
      ...(digest ? { digest } : {}),
      files,
      ms,
    };
  }
  print(`\nDemo finished in ${(ms / 1000).toFixed(1)} s; every step succeeded.`);
  return { ok: true, steps: log.steps, ...(digest ? { digest } : {}), files, ms };
}

function indent(text: string): string {
  return text
    .split('\n')
    .map((line) => `    ${line}`)
    .join('\n');
}

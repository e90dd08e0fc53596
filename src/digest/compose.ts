/**
 * One digest, start to finish but without posting: load → numbers → ROI sentence → Block Kit.
 */
import { buildDigestMessage } from '../../blocks/digest.ts';
import type { SlackMessage } from '../../blocks/kit.ts';
import type { SpendChartInput } from '../charts/spend-data.ts';
import type { Collections } from '../db/collections.ts';
import { buildDigest, type DigestAudience, type DigestNumbers, type DigestScope } from '../domain/digest.ts';
import { type RenderedSentence, renderRoiSentence, type TemplateKey } from '../domain/templates.ts';
import type { PeriodRange } from '../domain/types.ts';
import { type LoadDeps, loadDigestInput } from './load.ts';
import { type ChartStatus, digestBlocksInput, digestChartInput } from './message.ts';

export interface DigestTarget {
  scope: DigestScope;
  audience: DigestAudience;
}

export interface ComposedDigest {
  numbers: DigestNumbers;
  sentence: RenderedSentence;
  templateKey: TemplateKey;
  scopeName: string;
  chartInput: SpendChartInput;
  /** The message, with the chart shown as attached, unavailable (with why) or not mentioned. */
  message(chart?: ChartStatus): SlackMessage;
}

/** Leadership digests speak in the weekly leadership template; team digests in the retro one. */
export function templateKeyFor(audience: DigestAudience): TemplateKey {
  return audience === 'leadership' ? 'weekly_leadership' : 'team_retro';
}

/** The stored text of a template, or null for the shipped default. */
export async function storedTemplate(
  collections: Pick<Collections, 'templates'>,
  key: TemplateKey,
): Promise<string | null> {
  const doc = await collections.templates.findOne({ key });
  return doc?.text ?? null;
}

export async function composeDigest(
  deps: LoadDeps,
  target: DigestTarget,
  period: PeriodRange & { previous?: PeriodRange },
  now: Date,
): Promise<ComposedDigest> {
  const loaded = await loadDigestInput(deps, {
    ...target,
    period,
    previousPeriod: period.previous ?? null,
    now,
  });
  const numbers = buildDigest(loaded.input);
  const templateKey = templateKeyFor(target.audience);
  const sentence = renderRoiSentence(
    numbers,
    templateKey,
    await storedTemplate(deps.collections, templateKey),
  );
  const scopeName = target.scope.kind === 'team' ? target.scope.team : 'All teams';
  return {
    numbers,
    sentence,
    templateKey,
    scopeName,
    chartInput: digestChartInput(numbers, scopeName),
    message: (chart) =>
      buildDigestMessage(
        digestBlocksInput({
          numbers,
          sentence,
          teamBudgets: loaded.teamBudgets,
          budgetRange: loaded.budgetRange,
          scopeName,
          ...(chart && { chart }),
        }),
      ),
  };
}

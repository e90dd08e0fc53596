import { autoAcceptSuggestions } from '../src/classification/auto-accept.ts';
import { type PromptRunResult, runPromptJob } from '../src/classification/prompts.ts';
import type { AppDeps } from '../src/deps.ts';

/** The idle-close job's hook (SESSION_CLOSED_HOOKS in jobs/index.ts): immediate-mode DMs. */
export { promptOnSessionsClosed } from '../src/classification/prompts.ts';

export const PROMPT_DUE_JOB = 'classify-prompts';
/** Slots are 16:30 local; a short interval keeps every timezone's DM within minutes of it. */
export const PROMPT_DUE_INTERVAL = '5 minutes';

/**
 * Classify DMs for everyone due at their local time (daily/weekly slots, immediate leftovers, the one
 * reminder), retries of DMs whose post failed, and — when enabled — auto-accepting strong suggestions.
 * Agenda locks the job, and every DM is claimed through a unique key, so several instances are safe.
 */
export async function runPromptDue(deps: AppDeps): Promise<PromptRunResult> {
  const result = await runPromptJob(deps);
  try {
    await autoAcceptSuggestions(deps);
  } catch (error) {
    deps.logger.error({ err: error }, 'auto-accepting suggestions failed');
  }
  return result;
}

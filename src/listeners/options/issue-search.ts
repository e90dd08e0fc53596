import type { AllMiddlewareArgs, SlackOptionsMiddlewareArgs } from '@slack/bolt';
import { buildIssueOptions } from '../../../blocks/classify-modal.ts';
import type { AppDeps } from '../../deps.ts';
import { suggestIssues } from '../../outcomes/issue-search.ts';

type OptionsArgs = SlackOptionsMiddlewareArgs<'block_suggestion'> & AllMiddlewareArgs;

/**
 * The classify modal's "Linear issue" search. Options requests are answered by the ack itself, so the search
 * is bounded (src/outcomes/issue-search.ts) and anything going wrong still acks, with no options rather than
 * an error the person cannot act on.
 */
export async function handleIssueSearch({ ack, payload }: OptionsArgs, deps: AppDeps): Promise<void> {
  let options: ReturnType<typeof buildIssueOptions> = { options: [] };
  try {
    const suggestions = await suggestIssues(deps, payload.value ?? '');
    if (suggestions.source === 'fallback' && suggestions.reason !== 'disabled') {
      deps.logger.info({ reason: suggestions.reason }, 'issue search answered without Linear');
    }
    options = buildIssueOptions(suggestions.issues);
  } catch (error) {
    deps.logger.error({ err: error }, 'issue search failed; answering with no options');
  }
  await ack(options);
}

import type { WebClient } from '@slack/web-api';
import { publishHome as publishHomeView } from '../../classification/home.ts';
import { markHomeOpened } from '../../classification/people.ts';
import type { AppDeps } from '../../deps.ts';

/**
 * app_home_opened (Home tab): remember that this user has a Home worth keeping fresh, then publish it —
 * the unclassified queue, the last 7 days and the prompt preference. Events are acked by Bolt first.
 */
export async function publishHome(client: WebClient, userId: string, deps: AppDeps): Promise<void> {
  try {
    await markHomeOpened(deps, userId);
  } catch (error) {
    deps.logger.error({ err: error, userId }, 'could not record that App Home was opened');
  }
  await publishHomeView(deps, userId, { client });
}

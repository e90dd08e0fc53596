import type { WebClient } from '@slack/web-api';
import type { AppDeps } from '../../deps.ts';

/** Publish the App Home for one user. Events are acked by Bolt before listeners run. */
export async function publishHome(client: WebClient, userId: string, deps: AppDeps): Promise<void> {
  try {
    await client.views.publish({
      user_id: userId,
      view: {
        type: 'home',
        blocks: [
          { type: 'header', text: { type: 'plain_text', text: 'ai-roi' } },
          {
            type: 'section',
            text: { type: 'mrkdwn', text: 'Your AI sessions waiting for classification will appear here.' },
          },
        ],
      },
    });
  } catch (error) {
    deps.logger.error({ err: error, userId }, 'views.publish failed');
  }
}

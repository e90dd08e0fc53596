/** Can the bot post digests in a channel? Asked at subscribe time so nothing fails silently later. */
import type { WebClient } from '@slack/web-api';
import { getPerson, type PeopleDeps } from '../access/people.ts';
import { slackErrorCode } from './post.ts';

export type ChannelCheck = { ok: true; name?: string } | { ok: false; message: string };

export function inviteHint(channel: string): string {
  return `Invite me by typing \`/invite @ai-roi\` in <#${channel}>, then run the command again.`;
}

export async function checkBotInChannel(slack: WebClient, channel: string): Promise<ChannelCheck> {
  try {
    const info = await slack.conversations.info({ channel });
    const c = info.channel as
      | { name?: string; is_member?: boolean; is_im?: boolean; is_archived?: boolean }
      | undefined;
    if (c?.is_im) return { ok: false, message: 'Digests are posted to channels, not direct messages.' };
    if (c?.is_archived) return { ok: false, message: `<#${channel}> is archived; pick another channel.` };
    if (!c?.is_member) {
      return {
        ok: false,
        message: `I am not a member of <#${channel}>, so I could not post there. ${inviteHint(channel)}`,
      };
    }
    return { ok: true, ...(c.name && { name: c.name }) };
  } catch (error) {
    const code = slackErrorCode(error);
    if (code === 'channel_not_found') {
      return {
        ok: false,
        message: `I cannot see <#${channel}>. If it is a private channel, I have to be invited first: ${inviteHint(channel)}`,
      };
    }
    throw error;
  }
}

/** The timezone a new subscription runs in: the subscriber's Slack timezone, else TZ_DEFAULT. */
export async function subscriberTimeZone(
  deps: PeopleDeps & { config: { TZ_DEFAULT: string } },
  userId: string,
): Promise<string> {
  const person = await getPerson(deps, userId);
  return person?.tz ?? deps.config.TZ_DEFAULT;
}

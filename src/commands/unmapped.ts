import { requireManager, resolveRole } from '../access/roles.ts';
import { formatUsd } from '../domain/money.ts';
import { formatDayShort } from '../domain/periods.ts';
import { loadUnmapped } from '../reports/unmapped.ts';
import { type CommandHandler, replyEphemeral } from './context.ts';

const MAX_LISTED = 25;

/** `/ai-roi unmapped`: telemetry identities with spend but no Slack user, biggest first, with the fix for each. */
export const handleUnmapped: CommandHandler<'unmapped'> = async (_command, ctx) => {
  const { deps, userId } = ctx;
  const role = await resolveRole(deps, userId);
  const access = requireManager(role, undefined, 'list unmapped identities');
  if (!access.ok) {
    await replyEphemeral(ctx, access.reason);
    return;
  }
  const identities = await loadUnmapped(deps.collections);
  if (identities.length === 0) {
    await replyEphemeral(ctx, 'Every identity with spend is mapped to a Slack user. :tada:');
    return;
  }
  const total = identities.reduce((sum, i) => sum + i.costUsd, 0);
  const lines = identities.slice(0, MAX_LISTED).map((identity) => {
    const seen = `${formatUsd(identity.costUsd)}, last seen ${formatDayShort(identity.lastDay)}`;
    if (identity.identityKey.startsWith('email:')) {
      const email = identity.identityKey.slice('email:'.length);
      return `• \`${email}\` — ${seen} → \`/ai-roi map @user ${email}\``;
    }
    if (identity.identityKey === 'unknown')
      return `• telemetry with no email or account — ${seen} (configure the exporter to send the user's email)`;
    return `• \`${identity.identityKey}\` — ${seen} (only emails can be mapped from Slack)`;
  });
  const more = identities.length > MAX_LISTED ? `\n…and ${identities.length - MAX_LISTED} more.` : '';
  await replyEphemeral(
    ctx,
    `${identities.length} identit${identities.length === 1 ? 'y' : 'ies'} with ${formatUsd(total)} of spend and no Slack user (all time, biggest first). Their spend counts as "unmapped" until mapped:\n${lines.join('\n')}${more}`,
  );
};

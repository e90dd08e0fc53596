import { personTimeZone } from '../access/people.ts';
import { canManageTeam, resolveRole } from '../access/roles.ts';
import { findNamedTeam } from '../access/teams.ts';
import { formatUsd } from '../domain/money.ts';
import { periodRange } from '../domain/periods.ts';
import { type ExportScope, loadExportRows, MAX_EXPORT_ROWS } from '../reports/export.ts';
import { sessionsCsv } from '../reports/sessions-csv.ts';
import { type CommandHandler, replyEphemeral } from './context.ts';

function slug(text: string): string {
  return (
    text
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-|-$/g, '') || 'team'
  );
}

/**
 * `/ai-roi export [month|YYYY-MM] [team NAME]`: a CSV of sessions that started in the month (caller's
 * timezone), sent to the caller's DM. Without a team: the caller's own sessions (anyone). With a team: its
 * managers and admins only, since the rows show individuals.
 */
export const handleExport: CommandHandler<'export'> = async (command, ctx) => {
  const { deps, userId } = ctx;
  let scope: ExportScope = { kind: 'person', userId };
  if (command.team !== undefined) {
    const role = await resolveRole(deps, userId);
    const found = await findNamedTeam(deps.collections, command.team);
    if (!found.ok) {
      await replyEphemeral(ctx, found.message);
      return;
    }
    const team = found.team;
    if (!canManageTeam(role, team.name)) {
      await replyEphemeral(
        ctx,
        `Exports of ${team.name}'s sessions are for its managers and for admins, because they list individuals. \`/ai-roi export\` sends you your own sessions.`,
      );
      return;
    }
    scope = { kind: 'team', team: team.name };
  }
  const tz = await personTimeZone(deps, userId);
  const range = periodRange(command.period, deps.now(), tz);
  const { rows, truncated } = await loadExportRows(deps.collections, scope, range);
  const whose = scope.kind === 'team' ? `team ${scope.team}` : 'you';
  if (rows.length === 0) {
    await replyEphemeral(
      ctx,
      `No sessions started in ${range.label} for ${whose}; there is nothing to export.`,
    );
    return;
  }
  const filename = `ai-roi-sessions-${range.key}${scope.kind === 'team' ? `-${slug(scope.team)}` : ''}.csv`;
  const total = rows.reduce((sum, row) => sum + row.costUsd, 0);
  const summary = `${rows.length} session${rows.length === 1 ? '' : 's'}, ${formatUsd(total)}, ${range.label}${scope.kind === 'team' ? `, team ${scope.team}` : ''}`;
  const dm = await ctx.client.conversations.open({ users: userId });
  const channelId = dm.channel?.id;
  if (!channelId) throw new Error('conversations.open returned no channel');
  await ctx.client.filesUploadV2({
    channel_id: channelId,
    file: Buffer.from(sessionsCsv(rows), 'utf8'),
    filename,
    title: `AI sessions: ${summary}`,
    initial_comment: `Your export: ${summary}. Times are UTC; costs in USD (cost_kind says estimated or billed). No prompt or code content is ever stored or exported.${truncated ? ` Only the first ${MAX_EXPORT_ROWS} sessions are included.` : ''}`,
  });
  await replyEphemeral(
    ctx,
    `Sent \`${filename}\` (${summary}) to you in a DM.${truncated ? ` It holds the first ${MAX_EXPORT_ROWS} sessions only.` : ''}`,
  );
};

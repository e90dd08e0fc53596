import { recordAudit } from '../access/audit.ts';
import { getPerson, unknownUserMessage } from '../access/people.ts';
import { canViewPerson, requireManager, resolveRole } from '../access/roles.ts';
import { teamForPerson } from '../access/teams.ts';
import { formatUsd } from '../domain/money.ts';
import { mapIdentityToUser } from '../store/identity-store.ts';
import { type CommandHandler, replyEphemeral } from './context.ts';

async function teamsOf(collections: Parameters<typeof teamForPerson>[0], userId: string): Promise<string[]> {
  const teams = await collections.teams.find({ members: userId }, { projection: { name: 1 } }).toArray();
  return teams.map((t) => t.name);
}

/**
 * `/ai-roi map @user email`: telemetry under that email is this person's. Managers may map the people in
 * their teams (and themselves), admins anyone; taking an identity away from someone else needs the same
 * right over that person. The identity's earlier sessions and their spend move to the person.
 */
export const handleMap: CommandHandler<'map'> = async (command, ctx) => {
  const { deps, userId } = ctx;
  const role = await resolveRole(deps, userId);
  const access = requireManager(role, undefined, 'map telemetry identities to people');
  if (!access.ok) {
    await replyEphemeral(
      ctx,
      `${access.reason} (Ask your manager to run \`/ai-roi map @you ${command.email}\`.)`,
    );
    return;
  }
  const person = await getPerson(deps, command.userId);
  if (!person) {
    await replyEphemeral(ctx, unknownUserMessage(command.userId));
    return;
  }
  const targetTeams = await teamsOf(deps.collections, command.userId);
  if (!canViewPerson(role, { userId: command.userId, teams: targetTeams })) {
    await replyEphemeral(
      ctx,
      `You can map identities for the people in the teams you manage (${role.managerOf.join(', ') || 'none'}); <@${command.userId}> is not in one of them. Ask their manager or a workspace admin.`,
    );
    return;
  }
  const identityKey = `email:${command.email}`;
  const existing = await deps.collections.identities.findOne({ identityKey });
  if (existing?.slackUserId && existing.slackUserId !== command.userId) {
    const holderTeams = await teamsOf(deps.collections, existing.slackUserId);
    if (!canViewPerson(role, { userId: existing.slackUserId, teams: holderTeams })) {
      await replyEphemeral(
        ctx,
        `${command.email} belongs to <@${existing.slackUserId}>, who is not in a team you manage; only their manager or a workspace admin can move it.`,
      );
      return;
    }
  }
  if (existing?.slackUserId === command.userId && existing.status === 'manual') {
    const left = await deps.collections.sessions.countDocuments({
      identityKey,
      slackUserId: { $ne: command.userId },
    });
    if (left === 0) {
      await replyEphemeral(
        ctx,
        `${command.email} is already mapped to <@${command.userId}>; nothing to change.`,
      );
      return;
    }
  }
  const now = deps.now();
  const team = await teamForPerson(deps.collections, command.userId);
  const result = await mapIdentityToUser(deps.collections, identityKey, command.userId, team, {
    status: 'manual',
    now,
  });
  await recordAudit(
    deps.collections,
    {
      actor: userId,
      action: 'identity.map',
      target: `identity:${identityKey}`,
      before: { slackUserId: existing?.slackUserId ?? null, status: existing?.status ?? null },
      after: {
        slackUserId: command.userId,
        status: 'manual',
        sessionsMoved: result.sessionsMoved,
        costMovedUsd: Math.round(result.costMovedUsd * 100) / 100,
        team: team ?? null,
      },
    },
    now,
  );
  const was = result.previousSlackUserId ? ` (it was <@${result.previousSlackUserId}>)` : '';
  const moved =
    result.sessionsMoved > 0
      ? ` Moved ${result.sessionsMoved} earlier session${result.sessionsMoved === 1 ? '' : 's'} (${formatUsd(result.costMovedUsd)}) to them${team ? `, counted for ${team}` : ''}.`
      : ' No spend was recorded under that email yet.';
  await replyEphemeral(
    ctx,
    `Mapped ${command.email} to <@${command.userId}>${was}.${moved} New sessions from that email are theirs from now on.`,
  );
};

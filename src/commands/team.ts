import { recordAudit } from '../access/audit.ts';
import { getPerson, unknownUserMessage } from '../access/people.ts';
import { canManageTeam, type Role, requireManager, resolveRole } from '../access/roles.ts';
import { createTeam, currentTeams, findNamedTeam, listTeams } from '../access/teams.ts';
import type { TeamDoc } from '../db/collections.ts';
import type { TeamAction } from '../domain/command-schema.ts';
import { formatUsd } from '../domain/money.ts';
import { type CommandContext, type CommandHandler, replyEphemeral } from './context.ts';

/**
 * `/ai-roi team create|add|remove|list|sync`. A person belongs to one team at most; adding someone who is in
 * another team moves them, which needs the right to manage both teams. Membership changes affect sessions
 * that start afterwards; spend already recorded stays with the team it was recorded under.
 */
export const handleTeam: CommandHandler<'team'> = async (command, ctx) => {
  const role = await resolveRole(ctx.deps, ctx.userId);
  const action = command.action;
  switch (action.type) {
    case 'list':
      return listAll(ctx);
    case 'create':
      return create(action.team, role, ctx);
    case 'add':
    case 'remove':
    case 'sync':
      return changeMembers(action, role, ctx);
    case 'add-managers':
    case 'remove-managers':
      return changeManagers(action, role, ctx);
  }
};

type ManagerAction = Extract<TeamAction, { type: 'add-managers' | 'remove-managers' }>;

/** Managers of a team (or admins) appoint and remove its managers; a team never loses its last manager. */
async function changeManagers(action: ManagerAction, role: Role, ctx: CommandContext): Promise<void> {
  const { deps } = ctx;
  const team = await teamTheCallerManages(action.team, role, ctx, 'change the managers of');
  if (!team) return;
  const unknown = await unknownPeople(ctx, action.userIds);
  if (unknown.length > 0) {
    await replyEphemeral(ctx, `Nothing was changed: ${unknownUserMessage(unknown)}`);
    return;
  }
  const adding = action.type === 'add-managers';
  const after = adding
    ? [...new Set([...team.managers, ...action.userIds])]
    : team.managers.filter((id) => !action.userIds.includes(id));
  if (!adding && after.length === 0 && team.managers.length > 0) {
    await replyEphemeral(
      ctx,
      `Nothing was changed: *${team.name}* would have no manager left. Appoint another first.`,
    );
    return;
  }
  const now = deps.now();
  await deps.collections.teams.updateOne({ _id: team._id }, { $set: { managers: after, updatedAt: now } });
  await recordAudit(
    deps.collections,
    {
      actor: ctx.userId,
      action: adding ? 'team.managers.add' : 'team.managers.remove',
      target: `team:${team.name}`,
      before: { managers: team.managers },
      after: { managers: after },
    },
    now,
  );
  await replyEphemeral(
    ctx,
    `*${team.name}* managers: ${after.length > 0 ? mentions(after) : 'none'}${adding ? '' : ` (removed ${mentions(action.userIds)})`}.`,
  );
}

const mentions = (ids: readonly string[]) => ids.map((id) => `<@${id}>`).join(', ');
const MAX_LISTED_MEMBERS = 30;

async function listAll(ctx: CommandContext): Promise<void> {
  const teams = await listTeams(ctx.deps.collections);
  if (teams.length === 0) {
    await replyEphemeral(
      ctx,
      'There are no teams yet. A manager or admin can create one: `/ai-roi team create NAME`.',
    );
    return;
  }
  const lines = teams.map((team) => {
    const shown = team.members.slice(0, MAX_LISTED_MEMBERS);
    const more = team.members.length - shown.length;
    const members =
      team.members.length === 0 ? 'no members' : `${mentions(shown)}${more > 0 ? ` and ${more} more` : ''}`;
    const parts = [
      `*${team.name}* (${team.members.length} member${team.members.length === 1 ? '' : 's'}): ${members}`,
      `managers ${team.managers.length > 0 ? mentions(team.managers) : 'none'}`,
      team.budget ? `budget ${formatUsd(team.budget.amountUsd)} ${team.budget.period}` : 'no budget',
    ];
    if (team.slackUsergroupId) parts.push(`synced from <!subteam^${team.slackUsergroupId}>`);
    return `• ${parts.join(' · ')}`;
  });
  await replyEphemeral(ctx, `${teams.length} team${teams.length === 1 ? '' : 's'}:\n${lines.join('\n')}`);
}

async function create(name: string, role: Role, ctx: CommandContext): Promise<void> {
  const access = requireManager(role, undefined, 'create teams');
  if (!access.ok) {
    await replyEphemeral(ctx, access.reason);
    return;
  }
  const now = ctx.deps.now();
  const result = await createTeam(ctx.deps.collections, name, ctx.userId, now);
  if (!result.created) {
    const managers = result.existing.managers.length > 0 ? mentions(result.existing.managers) : 'nobody';
    await replyEphemeral(
      ctx,
      `*${result.existing.name}* already exists (managed by ${managers}); nothing was changed.`,
    );
    return;
  }
  await recordAudit(
    ctx.deps.collections,
    {
      actor: ctx.userId,
      action: 'team.create',
      target: `team:${name}`,
      after: { name, managers: [ctx.userId] },
    },
    now,
  );
  await replyEphemeral(
    ctx,
    `Created *${name}*; you manage it. Add people with \`/ai-roi team add @ana @ben ${name}\` or sync a user group with \`/ai-roi team sync ${name} @group\`, then set a budget with \`/ai-roi budget team ${name} set $2,000 monthly\`.`,
  );
}

/** The named team when it exists and the caller may manage it; otherwise they have been told why not. */
async function teamTheCallerManages(
  name: string,
  role: Role,
  ctx: CommandContext,
  verb: string,
): Promise<TeamDoc | undefined> {
  const found = await findNamedTeam(ctx.deps.collections, name);
  if (!found.ok) {
    await replyEphemeral(ctx, found.message);
    return undefined;
  }
  const access = requireManager(role, found.team.name, `${verb} ${found.team.name}`);
  if (!access.ok) {
    await replyEphemeral(ctx, access.reason);
    return undefined;
  }
  return found.team;
}

type MemberAction = Extract<TeamAction, { type: 'add' | 'remove' | 'sync' }>;

async function changeMembers(action: MemberAction, role: Role, ctx: CommandContext): Promise<void> {
  const team = await teamTheCallerManages(action.team, role, ctx, 'change the members of');
  if (!team) return;
  if (action.type === 'remove') return remove(team, action.userIds, ctx);
  if (action.type === 'add') return add(team, action.userIds, role, ctx);
  return sync(team, action.usergroupId, role, ctx);
}

async function unknownPeople(ctx: CommandContext, userIds: readonly string[]): Promise<string[]> {
  const found = await Promise.all(userIds.map((id) => getPerson(ctx.deps, id)));
  return userIds.filter((_, i) => found[i] === null);
}

async function add(team: TeamDoc, userIds: string[], role: Role, ctx: CommandContext): Promise<void> {
  const { deps } = ctx;
  const unknown = await unknownPeople(ctx, userIds);
  if (unknown.length > 0) {
    await replyEphemeral(ctx, `Nobody was added: ${unknownUserMessage(unknown)}`);
    return;
  }
  const already = userIds.filter((id) => team.members.includes(id));
  const toAdd = userIds.filter((id) => !team.members.includes(id));
  const elsewhere = await currentTeams(deps.collections, toAdd);
  const blocked = toAdd.filter((id) => {
    const other = elsewhere.get(id);
    return other && !canManageTeam(role, other.name);
  });
  if (blocked.length > 0) {
    const where = blocked.map((id) => `<@${id}> is in ${elsewhere.get(id)!.name}`).join(', ');
    await replyEphemeral(
      ctx,
      `Nobody was added: ${where}, and a person belongs to one team only. A manager of that team (or an admin) can move them, or remove them there first.`,
    );
    return;
  }
  const moved = await moveInto(team, toAdd, elsewhere, ctx);
  const parts: string[] = [];
  if (toAdd.length > 0) parts.push(`Added ${mentions(toAdd)} to *${team.name}*.`);
  if (moved.length > 0) parts.push(`Moved from their previous team: ${moved.join(', ')}.`);
  if (already.length > 0)
    parts.push(`${mentions(already)} ${already.length === 1 ? 'was' : 'were'} already in ${team.name}.`);
  if (toAdd.length > 0) {
    parts.push('Their sessions from now on count for this team; spend already recorded stays where it was.');
  }
  await replyEphemeral(ctx, parts.join(' '));
}

/** Pull people out of their other teams and add them here; returns "<@U> (Platform)" for each move. */
async function moveInto(
  team: TeamDoc,
  userIds: readonly string[],
  elsewhere: Map<string, TeamDoc>,
  ctx: CommandContext,
): Promise<string[]> {
  if (userIds.length === 0) return [];
  const { deps } = ctx;
  const now = deps.now();
  const moved: string[] = [];
  for (const id of userIds) {
    const other = elsewhere.get(id);
    if (!other || other.name === team.name) continue;
    await deps.collections.teams.updateOne(
      { _id: other._id },
      { $pull: { members: id }, $set: { updatedAt: now } },
    );
    await recordAudit(
      deps.collections,
      {
        actor: ctx.userId,
        action: 'team.remove',
        target: `team:${other.name}`,
        before: { member: id },
        after: { movedTo: team.name },
      },
      now,
    );
    moved.push(`<@${id}> (${other.name})`);
  }
  const before = await deps.collections.teams.findOneAndUpdate(
    { _id: team._id },
    { $addToSet: { members: { $each: [...userIds] } }, $set: { updatedAt: now } },
    { returnDocument: 'before' },
  );
  await recordAudit(
    deps.collections,
    {
      actor: ctx.userId,
      action: 'team.add',
      target: `team:${team.name}`,
      before: { members: before?.members ?? team.members },
      after: { members: [...new Set([...(before?.members ?? team.members), ...userIds])] },
    },
    now,
  );
  return moved;
}

async function remove(team: TeamDoc, userIds: string[], ctx: CommandContext): Promise<void> {
  const { deps } = ctx;
  const notIn = userIds.filter((id) => !team.members.includes(id));
  const toRemove = userIds.filter((id) => team.members.includes(id));
  if (toRemove.length === 0) {
    await replyEphemeral(
      ctx,
      `Nobody was removed: ${mentions(notIn)} ${notIn.length === 1 ? 'is' : 'are'} not in *${team.name}*.`,
    );
    return;
  }
  const now = deps.now();
  const before = await deps.collections.teams.findOneAndUpdate(
    { _id: team._id },
    { $pull: { members: { $in: toRemove } }, $set: { updatedAt: now } },
    { returnDocument: 'before' },
  );
  const previous = before?.members ?? team.members;
  await recordAudit(
    deps.collections,
    {
      actor: ctx.userId,
      action: 'team.remove',
      target: `team:${team.name}`,
      before: { members: previous },
      after: { members: previous.filter((id) => !toRemove.includes(id)) },
    },
    now,
  );
  const skipped =
    notIn.length > 0 ? ` ${mentions(notIn)} ${notIn.length === 1 ? 'was' : 'were'} not in it.` : '';
  await replyEphemeral(
    ctx,
    `Removed ${mentions(toRemove)} from *${team.name}*.${skipped} Their new sessions count for no team until they join one; spend already recorded stays with ${team.name}.`,
  );
}

async function sync(team: TeamDoc, usergroupId: string, role: Role, ctx: CommandContext): Promise<void> {
  const { deps } = ctx;
  let groupMembers: string[];
  try {
    const answer = await ctx.client.usergroups.users.list({ usergroup: usergroupId });
    groupMembers = answer.users ?? [];
  } catch (error) {
    const code = (error as { data?: { error?: string } }).data?.error;
    const why =
      code === 'no_such_subteam'
        ? 'that user group does not exist (or was disabled)'
        : code === 'missing_scope'
          ? 'the app lacks the usergroups:read scope; reinstall it from manifest.yml'
          : 'Slack did not answer; try again in a minute';
    deps.logger.warn({ err: error, usergroupId }, 'usergroups.users.list failed');
    await replyEphemeral(ctx, `Nothing was synced: ${why}.`);
    return;
  }
  const toAdd = groupMembers.filter((id) => !team.members.includes(id));
  const toRemove = team.members.filter((id) => !groupMembers.includes(id));
  const elsewhere = await currentTeams(deps.collections, toAdd);
  const skipped = toAdd.filter((id) => {
    const other = elsewhere.get(id);
    return other && !canManageTeam(role, other.name);
  });
  const adding = toAdd.filter((id) => !skipped.includes(id));
  const now = deps.now();
  const moved = await moveInto(team, adding, elsewhere, ctx);
  const before = await deps.collections.teams.findOneAndUpdate(
    { _id: team._id },
    { $pull: { members: { $in: toRemove } }, $set: { slackUsergroupId: usergroupId, updatedAt: now } },
    { returnDocument: 'before' },
  );
  await recordAudit(
    deps.collections,
    {
      actor: ctx.userId,
      action: 'team.sync',
      target: `team:${team.name}`,
      before: { members: team.members, slackUsergroupId: before?.slackUsergroupId ?? null },
      after: { added: adding, removed: toRemove, skipped, slackUsergroupId: usergroupId },
    },
    now,
  );
  const parts = [`Synced *${team.name}* with <!subteam^${usergroupId}>:`];
  parts.push(adding.length > 0 ? `added ${mentions(adding)}` : 'nobody to add');
  parts.push(toRemove.length > 0 ? `removed ${mentions(toRemove)}` : 'nobody to remove');
  let text = `${parts[0]} ${parts.slice(1).join('; ')}.`;
  if (moved.length > 0) text += ` Moved from their previous team: ${moved.join(', ')}.`;
  if (skipped.length > 0) {
    text += ` Skipped ${skipped.map((id) => `<@${id}> (in ${elsewhere.get(id)!.name})`).join(', ')}: a person belongs to one team only, and you do not manage their current team.`;
  }
  text += ' Run the same command again to pick up later changes to the group.';
  await replyEphemeral(ctx, text);
}

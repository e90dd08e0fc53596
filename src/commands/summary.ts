import { buildSummaryMessage } from '../../blocks/summary.ts';
import { getPerson, personTimeZone, unknownUserMessage } from '../access/people.ts';
import { canViewPerson, canViewTeam, requireManager, resolveRole } from '../access/roles.ts';
import { chooseTeam } from '../access/teams.ts';
import { loadSummary, type SummaryScope } from '../reports/summary.ts';
import { type CommandHandler, replyEphemeral } from './context.ts';

/**
 * `/ai-roi summary [me|@user|team NAME|org] [period] [share]`.
 * Who sees what: your own numbers; a team member's numbers if you manage one of their teams (or are an
 * admin); a team's aggregate if you belong to or manage it; the org aggregate for everyone.
 * `share` posts in the channel, and only aggregates (team or org) shared by a manager or admin, and
 * never a team smaller than PRIVACY_MIN_GROUP (it would show individuals' spend).
 */
export const handleSummary: CommandHandler<'summary'> = async (command, ctx) => {
  const { deps, userId } = ctx;
  const role = await resolveRole(deps, userId);
  const subject =
    command.subject.kind === 'user' && command.subject.userId === userId
      ? { kind: 'me' as const }
      : command.subject;

  let scope: SummaryScope;
  let scopeLabel: string;
  let shareProblem: string | undefined;
  if (subject.kind === 'me') {
    scope = { kind: 'person', userId };
    scopeLabel = 'Your sessions';
    shareProblem = 'Summaries of one person are never posted in a channel.';
  } else if (subject.kind === 'user') {
    const person = await getPerson(deps, subject.userId);
    if (!person) {
      await replyEphemeral(ctx, unknownUserMessage(subject.userId));
      return;
    }
    const teams = (
      await deps.collections.teams.find({ members: subject.userId }, { projection: { name: 1 } }).toArray()
    ).map((t) => t.name);
    if (!canViewPerson(role, { userId: subject.userId, teams })) {
      await replyEphemeral(
        ctx,
        `You can see your own numbers, and managers can see the people in their teams. <@${subject.userId}> is not in a team you manage. Try \`/ai-roi summary team NAME\` for a team's aggregate.`,
      );
      return;
    }
    scope = { kind: 'person', userId: subject.userId };
    scopeLabel = person.name ? `Sessions of ${person.name}` : 'Sessions of one person';
    shareProblem = 'Summaries of one person are never posted in a channel.';
  } else if (subject.kind === 'team') {
    const choice = await chooseTeam(deps.collections, role, subject.team, '/ai-roi summary team NAME');
    if (!choice.ok) {
      await replyEphemeral(ctx, choice.message);
      return;
    }
    const team = choice.team;
    if (!canViewTeam(role, team.name)) {
      await replyEphemeral(
        ctx,
        `Team summaries are for members and managers of ${team.name} and for admins. \`/ai-roi summary org\` shows the whole organisation.`,
      );
      return;
    }
    scope = { kind: 'team', team: team.name };
    scopeLabel = `Team ${team.name}`;
    if (command.share) {
      const access = requireManager(role, team.name, `share ${team.name}'s summary in a channel`);
      if (!access.ok) shareProblem = access.reason;
      else if (team.members.length < deps.config.PRIVACY_MIN_GROUP) {
        shareProblem = `${team.name} has ${team.members.length} member${team.members.length === 1 ? '' : 's'}; teams under ${deps.config.PRIVACY_MIN_GROUP} are not posted in channels, because their numbers would show individuals.`;
      }
    }
  } else {
    scope = { kind: 'org' };
    scopeLabel = 'Whole organisation';
    if (command.share) {
      const access = requireManager(role, undefined, 'share the organisation summary in a channel');
      if (!access.ok) shareProblem = access.reason;
    }
  }

  const tz = await personTimeZone(deps, userId);
  const numbers = await loadSummary(deps.collections, scope, command.period, tz, deps.now());
  const o = numbers.outcomes;
  const p = numbers.previousOutcomes;
  const message = buildSummaryMessage({
    scopeLabel,
    periodLabel: numbers.range.label,
    previousLabel: numbers.compare.label,
    spendUsd: numbers.spendUsd,
    previousSpendUsd: numbers.previousSpendUsd,
    sessions: numbers.sessions,
    mix: numbers.mix,
    outcomes: {
      issuesCompleted: o.issues.count,
      prsMerged: o.prs.count,
      ...(o.all.costPerOutcome !== null && { costPerOutcomeUsd: o.all.costPerOutcome }),
      ...(p.all.costPerOutcome !== null && { previousCostPerOutcomeUsd: p.all.costPerOutcome }),
    },
  });
  if (command.share && !shareProblem) {
    await ctx.respond({ response_type: 'in_channel', text: message.text, blocks: message.blocks });
    return;
  }
  // Blocks replace a message's text, so the refusal goes first as its own (ephemeral) message.
  if (command.share && shareProblem)
    await replyEphemeral(ctx, `Not shared: ${shareProblem} Here it is just for you.`);
  await ctx.respond({ response_type: 'ephemeral', text: message.text, blocks: message.blocks });
};

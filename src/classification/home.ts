import type { HomeView } from '@slack/types';
import type { WebClient } from '@slack/web-api';
import { type AppHomeInput, buildAppHome } from '../../blocks/app-home.ts';
import type { ClassMixUsd } from '../../blocks/format.ts';
import type { AppDeps } from '../deps.ts';
import { periodRange, utcDay } from '../domain/periods.ts';
import { loadPerson, type PromptPerson } from './people.ts';
import { loadUnanswered, toPromptSession } from './session-view.ts';

type HomeDeps = Pick<AppDeps, 'collections' | 'config' | 'now' | 'slack' | 'logger'>;

/** More than anyone should have waiting; beyond it the Home shows the biggest ones and the count is a floor. */
const QUEUE_READ_LIMIT = 2000;
const WEEK_DAYS = 7;

export async function buildHomeFor(
  deps: HomeDeps,
  slackUserId: string,
  person?: PromptPerson,
): Promise<HomeView> {
  const who = person ?? (await loadPerson(deps, slackUserId));
  const now = deps.now();
  const { sessions: queueDocs, facts } = await loadUnanswered(deps.collections, slackUserId, {
    limit: QUEUE_READ_LIMIT,
  });

  const weekStart = new Date(now.getTime() - WEEK_DAYS * 86_400_000);
  const fromDay = utcDay(new Date(now.getTime() - (WEEK_DAYS - 1) * 86_400_000));
  const [rows, sessions, linked] = await Promise.all([
    deps.collections.rollupsDaily
      .find({ person: slackUserId, day: { $gte: fromDay } }, { projection: { class: 1, costUsd: 1 } })
      .toArray(),
    deps.collections.sessions.countDocuments({ slackUserId, startedAt: { $gte: weekStart } }),
    deps.collections.sessions.countDocuments({
      slackUserId,
      startedAt: { $gte: weekStart },
      'links.0': { $exists: true },
    }),
  ]);
  const mix: ClassMixUsd = { productive: 0, exploratory: 0, wasteful: 0, unclassified: 0 };
  for (const row of rows) mix[row.class] += row.costUsd;
  const spendUsd = mix.productive + mix.exploratory + mix.wasteful + mix.unclassified;

  const input: AppHomeInput = {
    queue: queueDocs.map((doc) => toPromptSession(doc, facts)),
    week: { spendUsd, mix, sessions, linkedToIssues: linked },
    promptMode: who.mode,
  };
  if (who.name) input.userName = who.name;
  const team = await teamLine(deps, slackUserId, who.tz, now);
  if (team) input.team = team;
  return buildAppHome(input);
}

async function teamLine(
  deps: HomeDeps,
  slackUserId: string,
  tz: string,
  now: Date,
): Promise<AppHomeInput['team'] | undefined> {
  const team = await deps.collections.teams.findOne({ members: slackUserId });
  if (!team) return undefined;
  const range = periodRange(team.budget?.period === 'weekly' ? 'week' : 'month', now, tz);
  const rows = await deps.collections.rollupsDaily
    .find(
      { team: team.name, day: { $gte: range.startDay, $lt: range.endDay } },
      { projection: { costUsd: 1 } },
    )
    .toArray();
  const spentUsd = rows.reduce((sum, row) => sum + row.costUsd, 0);
  return {
    name: team.name,
    spentUsd,
    periodLabel: range.shortLabel,
    ...(team.budget ? { budgetUsd: team.budget.amountUsd } : {}),
  };
}

/** views.publish of the user's Home. Failures are logged: the next open or change publishes again. */
export async function publishHome(
  deps: HomeDeps,
  slackUserId: string,
  options: { client?: WebClient; person?: PromptPerson } = {},
): Promise<boolean> {
  try {
    const view = await buildHomeFor(deps, slackUserId, options.person);
    await (options.client ?? deps.slack).views.publish({ user_id: slackUserId, view });
    return true;
  } catch (error) {
    deps.logger.error({ err: error, slackUserId }, 'views.publish of App Home failed');
    return false;
  }
}

/**
 * After a change: re-publish only for people who have opened their Home. A Home never opened has nothing
 * stale to fix, and opening it publishes a fresh one (app_home_opened), so the call would be wasted.
 */
export async function refreshHomeAfterChange(
  deps: HomeDeps,
  slackUserId: string,
  options: { client?: WebClient; force?: boolean } = {},
): Promise<void> {
  const person = await loadPerson(deps, slackUserId);
  if (!options.force && !person.homeOpenedAt) return;
  await publishHome(deps, slackUserId, { ...options, person });
}

/**
 * Teams: names are matched without regard to case ("payments" finds "Payments"); a person belongs to at most
 * one team, so spend is attributed without ambiguity.
 *
 * Attribution when membership changes: a session takes its team when it is created (the ingest path asks
 * `teamForPerson`), so spend from sessions that start after a change goes to the new team. Past spend stays
 * where it was recorded: rollups are history, and moving a person does not rewrite last month's team totals.
 */

import type { Collections, TeamDoc } from '../db/collections.ts';
import { closest } from '../domain/edit-distance.ts';
import type { Role } from './roles.ts';

export function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

export async function findTeam(
  collections: Pick<Collections, 'teams'>,
  name: string,
): Promise<TeamDoc | null> {
  const exact = await collections.teams.findOne({ name });
  if (exact) return exact;
  return collections.teams.findOne({ name: { $regex: `^${escapeRegex(name)}$`, $options: 'i' } });
}

export async function listTeams(collections: Pick<Collections, 'teams'>): Promise<TeamDoc[]> {
  return collections.teams.find({}).sort({ name: 1 }).toArray();
}

/** The team a person's new sessions are attributed to (their one team), if any. */
export async function teamForPerson(
  collections: Pick<Collections, 'teams'>,
  slackUserId: string,
): Promise<string | undefined> {
  const team = await collections.teams.findOne({ members: slackUserId }, { sort: { createdAt: 1 } });
  return team?.name;
}

/** "There is no team called X" with the closest name and how to create it. */
export function unknownTeamMessage(name: string, teams: readonly string[]): string {
  const guess = closest(name, teams);
  const hint = guess
    ? ` Did you mean *${guess}*?`
    : teams.length > 0
      ? ` Teams: ${teams.join(', ')}.`
      : ' There are no teams yet.';
  return `There is no team called *${name}*.${hint} A manager or admin can create it with \`/ai-roi team create ${name}\`.`;
}

export type TeamChoice = { ok: true; team: TeamDoc } | { ok: false; message: string };

/** A team by name, or the answer saying there is none (with the closest name). */
export async function findNamedTeam(
  collections: Pick<Collections, 'teams'>,
  name: string,
): Promise<TeamChoice> {
  const team = await findTeam(collections, name);
  if (team) return { ok: true, team };
  const all = await listTeams(collections);
  return {
    ok: false,
    message: unknownTeamMessage(
      name,
      all.map((t) => t.name),
    ),
  };
}

/**
 * The team a command is about: the one named, or else the caller's own (the team they manage, else the
 * team they belong to) when that is unambiguous.
 */
export async function chooseTeam(
  collections: Pick<Collections, 'teams'>,
  role: Role,
  name: string | undefined,
  example: string,
): Promise<TeamChoice> {
  if (name !== undefined) return findNamedTeam(collections, name);
  const candidates = role.managerOf.length > 0 ? role.managerOf : role.memberOf;
  const unique = [...new Set(candidates)];
  if (unique.length === 1) {
    const team = await findTeam(collections, unique[0]!);
    if (team) return { ok: true, team };
  }
  if (unique.length > 1) {
    return {
      ok: false,
      message: `You are in several teams (${unique.join(', ')}); name one, e.g. \`${example.replace('NAME', unique[0]!)}\`.`,
    };
  }
  return {
    ok: false,
    message: `You are not in a team yet; name one, e.g. \`${example}\`. \`/ai-roi team list\` shows the teams.`,
  };
}

export type CreateTeamResult = { created: true; team: TeamDoc } | { created: false; existing: TeamDoc };

/** Creates a team with its creator as manager; a name that exists in any case returns the existing team. */
export async function createTeam(
  collections: Pick<Collections, 'teams'>,
  name: string,
  createdBy: string,
  now: Date,
): Promise<CreateTeamResult> {
  const existing = await findTeam(collections, name);
  if (existing) return { created: false, existing };
  const team: TeamDoc = {
    name,
    members: [],
    managers: [createdBy],
    createdBy,
    createdAt: now,
    updatedAt: now,
  };
  try {
    const { insertedId } = await collections.teams.insertOne(team);
    return { created: true, team: { ...team, _id: insertedId } };
  } catch (error) {
    if ((error as { code?: number }).code !== 11000) throw error;
    const raced = await findTeam(collections, name);
    if (!raced) throw error;
    return { created: false, existing: raced };
  }
}

/** The teams (other than `except`) each of these people is a member of. */
export async function currentTeams(
  collections: Pick<Collections, 'teams'>,
  userIds: readonly string[],
): Promise<Map<string, TeamDoc>> {
  const teams = await collections.teams.find({ members: { $in: [...userIds] } }).toArray();
  const out = new Map<string, TeamDoc>();
  for (const userId of userIds) {
    const team = teams.find((t) => t.members.includes(userId));
    if (team) out.set(userId, team);
  }
  return out;
}

/**
 * Who may do what. Three roles:
 * - engineer (everyone): their own sessions, aggregates of the teams they belong to, and the org aggregate;
 * - manager of named teams (teams.managers): budgets, membership, subscriptions and templates of those
 *   teams, and the sessions of their members;
 * - admin (workspace admins/owners from users.info, cached in `people`, plus ADMIN_USER_IDS): everything.
 * Checks return a reason so a refused change can say why, ephemerally.
 */
import type { AppDeps } from '../deps.ts';
import { getPerson } from './people.ts';

export interface Role {
  userId: string;
  isAdmin: boolean;
  /** Names of the teams this user manages. */
  managerOf: string[];
  /** Names of the teams this user is a member of. */
  memberOf: string[];
}

export type RoleDeps = Pick<AppDeps, 'collections' | 'config' | 'slack' | 'logger' | 'now'>;

export type Access = { ok: true } | { ok: false; reason: string };

const ALLOWED: Access = { ok: true };

/** Admin when listed in ADMIN_USER_IDS (no Slack call) or a workspace admin/owner per users.info (cached). */
export async function isAdmin(deps: RoleDeps, userId: string): Promise<boolean> {
  if (deps.config.ADMIN_USER_IDS.includes(userId)) return true;
  const person = await getPerson(deps, userId);
  return person?.isWorkspaceAdmin === true;
}

export async function resolveRole(deps: RoleDeps, userId: string): Promise<Role> {
  const [admin, teams] = await Promise.all([
    isAdmin(deps, userId),
    deps.collections.teams
      .find(
        { $or: [{ managers: userId }, { members: userId }] },
        { projection: { name: 1, managers: 1, members: 1 } },
      )
      .toArray(),
  ]);
  return {
    userId,
    isAdmin: admin,
    managerOf: teams.filter((t) => t.managers.includes(userId)).map((t) => t.name),
    memberOf: teams.filter((t) => t.members.includes(userId)).map((t) => t.name),
  };
}

function sameTeam(a: string, b: string): boolean {
  return a.toLowerCase() === b.toLowerCase();
}

export function isManagerOf(role: Role, team: string): boolean {
  return role.managerOf.some((name) => sameTeam(name, team));
}

export function isMemberOf(role: Role, team: string): boolean {
  return role.memberOf.some((name) => sameTeam(name, team));
}

/** Budgets, membership, subscriptions and templates of a team: its managers and admins. */
export function canManageTeam(role: Role, team: string): boolean {
  return role.isAdmin || isManagerOf(role, team);
}

/** Team aggregates (summary, budget, forecast): members, managers and admins. */
export function canViewTeam(role: Role, team: string): boolean {
  return canManageTeam(role, team) || isMemberOf(role, team);
}

/** A person's own numbers and sessions: the person, managers of any team they belong to, admins. */
export function canViewPerson(role: Role, person: { userId: string; teams: readonly string[] }): boolean {
  if (role.isAdmin || role.userId === person.userId) return true;
  return person.teams.some((team) => isManagerOf(role, team));
}

/**
 * A manager-only change. With a team: managers of that team and admins. Without one (org-wide settings such
 * as templates, or creating a team): managers of any team and admins.
 */
export function requireManager(role: Role, team: string | undefined, action: string): Access {
  if (role.isAdmin) return ALLOWED;
  if (team === undefined) {
    if (role.managerOf.length > 0) return ALLOWED;
    return {
      ok: false,
      reason: `Only team managers and workspace admins can ${action}. You do not manage a team; ask a workspace admin.`,
    };
  }
  if (isManagerOf(role, team)) return ALLOWED;
  const yours =
    role.managerOf.length > 0 ? ` You manage ${role.managerOf.join(', ')}.` : ' You do not manage a team.';
  return {
    ok: false,
    reason: `Only managers of ${team} and workspace admins can ${action}.${yours} Ask a manager of ${team} or a workspace admin.`,
  };
}

/** Admin-only actions. */
export function requireAdmin(role: Role, action: string): Access {
  if (role.isAdmin) return ALLOWED;
  return { ok: false, reason: `Only workspace admins can ${action}.` };
}

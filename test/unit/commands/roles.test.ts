import { describe, expect, it } from 'vitest';
import {
  canManageTeam,
  canViewPerson,
  canViewTeam,
  type Role,
  requireAdmin,
  requireManager,
} from '../../../src/access/roles.ts';

const engineer: Role = { userId: 'UENG', isAdmin: false, managerOf: [], memberOf: ['Payments'] };
const manager: Role = { userId: 'UMGR', isAdmin: false, managerOf: ['Payments'], memberOf: [] };
const admin: Role = { userId: 'UADM', isAdmin: true, managerOf: [], memberOf: [] };

describe('roles', () => {
  it('managers manage their teams (any case), admins all, engineers none', () => {
    expect(canManageTeam(manager, 'Payments')).toBe(true);
    expect(canManageTeam(manager, 'payments')).toBe(true);
    expect(canManageTeam(manager, 'Platform')).toBe(false);
    expect(canManageTeam(admin, 'Platform')).toBe(true);
    expect(canManageTeam(engineer, 'Payments')).toBe(false);
  });

  it('team aggregates: members, managers and admins', () => {
    expect(canViewTeam(engineer, 'Payments')).toBe(true);
    expect(canViewTeam(engineer, 'Platform')).toBe(false);
    expect(canViewTeam(manager, 'Payments')).toBe(true);
    expect(canViewTeam(admin, 'Anything')).toBe(true);
  });

  it("a person's numbers: themselves, managers of one of their teams, admins", () => {
    const ana = { userId: 'UANA', teams: ['Payments'] };
    expect(canViewPerson(engineer, ana)).toBe(false);
    expect(canViewPerson(engineer, { userId: 'UENG', teams: ['Payments'] })).toBe(true);
    expect(canViewPerson(manager, ana)).toBe(true);
    expect(canViewPerson(manager, { userId: 'UANA', teams: ['Platform'] })).toBe(false);
    expect(canViewPerson(manager, { userId: 'UANA', teams: [] })).toBe(false);
    expect(canViewPerson(admin, { userId: 'UANA', teams: [] })).toBe(true);
  });

  it('refusals say who may and what the caller manages', () => {
    expect(requireManager(manager, 'Payments', 'change the budget of Payments')).toEqual({ ok: true });
    expect(requireManager(manager, 'Platform', 'change the budget of Platform')).toEqual({
      ok: false,
      reason:
        'Only managers of Platform and workspace admins can change the budget of Platform. You manage Payments. Ask a manager of Platform or a workspace admin.',
    });
    expect(requireManager(engineer, undefined, 'create teams')).toEqual({
      ok: false,
      reason:
        'Only team managers and workspace admins can create teams. You do not manage a team; ask a workspace admin.',
    });
    expect(requireManager(manager, undefined, 'create teams')).toEqual({ ok: true });
    expect(requireManager(admin, 'Platform', 'x')).toEqual({ ok: true });
    expect(requireAdmin(manager, 'do that')).toEqual({
      ok: false,
      reason: 'Only workspace admins can do that.',
    });
    expect(requireAdmin(admin, 'do that')).toEqual({ ok: true });
  });
});

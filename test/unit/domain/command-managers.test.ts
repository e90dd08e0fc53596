import { describe, expect, it } from 'vitest';
import { parseCommand } from '../../../src/domain/command.ts';

describe('team managers', () => {
  it('parses appointing and removing managers', () => {
    expect(parseCommand('team managers add <@U111AAA|dana> <@U222BBB> Payments')).toEqual({
      ok: true,
      command: {
        kind: 'team',
        action: { type: 'add-managers', userIds: ['U111AAA', 'U222BBB'], team: 'Payments' },
      },
    });
    expect(parseCommand('team managers remove <@U111AAA> Payments')).toMatchObject({
      ok: true,
      command: { action: { type: 'remove-managers', userIds: ['U111AAA'] } },
    });
  });

  it('says what is wrong with a malformed managers command', () => {
    const missing = parseCommand('team managers <@U111AAA> Payments');
    expect(missing.ok).toBe(false);
    if (!missing.ok) expect(missing.problem).toMatch(/add.*remove/);
    const noPeople = parseCommand('team managers add Payments');
    expect(noPeople.ok).toBe(false);
    if (!noPeople.ok) expect(noPeople.problem).toMatch(/mention who/);
  });
});

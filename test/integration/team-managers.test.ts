import { describe, expect, it } from 'vitest';
import { useTestApp } from '../support/harness.ts';
import { ALICE, BOB, CAROL, mention, USERS } from './commands-support.ts';

describe('/ai-roi team managers', async () => {
  const app = await useTestApp({ users: USERS });
  const { collections } = app.service.deps;
  const lastAnswer = async (since: number) => {
    for (let i = 0; i < 100; i++) {
      const answer = app.slack.responses.slice(since).at(0);
      if (answer) return String(answer.body.text);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    throw new Error('no answer');
  };
  const run = async (text: string, userId: string) => {
    const since = app.slack.responses.length;
    expect((await app.command(text, userId)).status).toBe(200);
    return lastAnswer(since);
  };

  it('lets admins and managers appoint managers, audited, and refuses engineers', async () => {
    await run('team create Payments', CAROL);
    expect(await run(`team managers add ${mention(ALICE)} Payments`, CAROL)).toContain('managers');
    await run(`team managers remove ${mention(CAROL)} Payments`, CAROL);
    expect((await collections.teams.findOne({ name: 'Payments' }))?.managers).toEqual([ALICE]);
    expect(await run(`team managers add ${mention(BOB)} Payments`, BOB)).toMatch(/manager|admin/i);
    expect((await collections.teams.findOne({ name: 'Payments' }))?.managers).toEqual([ALICE]);

    expect(await run(`team managers add ${mention(BOB)} Payments`, ALICE)).toContain('managers');
    expect((await collections.teams.findOne({ name: 'Payments' }))?.managers).toEqual([ALICE, BOB]);
    const audit = await collections.audit.findOne({ action: 'team.managers.add', actor: ALICE });
    expect(audit).toMatchObject({
      actor: ALICE,
      before: { managers: [ALICE] },
      after: { managers: [ALICE, BOB] },
    });
  });

  it('never leaves a team without a manager', async () => {
    expect(await run(`team managers remove ${mention(ALICE)} Payments`, CAROL)).toContain('managers');
    expect(await run(`team managers remove ${mention(BOB)} Payments`, CAROL)).toMatch(/no manager left/);
    expect((await collections.teams.findOne({ name: 'Payments' }))?.managers).toEqual([BOB]);
  });
});

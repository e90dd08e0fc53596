import { PROMPT_MODE_LABEL } from '../../blocks/app-home.ts';
import { refreshHomeAfterChange } from '../classification/home.ts';
import { loadPerson, loadPromptPeople, setPromptMode } from '../classification/people.ts';
import { PROMPT_TIME, PROMPT_WEEKLY_DAY } from '../domain/periods.ts';
import type { PromptMode } from '../domain/types.ts';
import { type CommandHandler, replyEphemeral } from './context.ts';

const WEEKDAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];

function when(mode: PromptMode, tz: string): string {
  const time = `${String(PROMPT_TIME.hour).padStart(2, '0')}:${String(PROMPT_TIME.minute).padStart(2, '0')}`;
  switch (mode) {
    case 'immediate':
      return 'a DM as soon as a session closes (a few a day at most)';
    case 'daily':
      return `one DM on weekdays at ${time} your time (${tz}), only when something is waiting`;
    case 'weekly':
      return `one DM on ${WEEKDAYS[PROMPT_WEEKLY_DAY]}s at ${time} your time (${tz})`;
    case 'off':
      return 'no DMs: your unclassified sessions wait in the App Home tab';
  }
}

/** `/ai-roi prefs [immediate|daily|weekly|off]`: show or set how the caller is asked to classify. */
export const handlePrefs: CommandHandler<'prefs'> = async (command, ctx) => {
  const { deps, userId } = ctx;
  // The Slack timezone (cached a day in people) so "16:30 your time" names the right zone.
  const person = (await loadPromptPeople(deps, [userId])).get(userId) ?? (await loadPerson(deps, userId));
  if (!command.mode) {
    const source = person.modeIsDefault ? ' (the workspace default)' : '';
    await replyEphemeral(
      ctx,
      `You are asked to classify sessions *${PROMPT_MODE_LABEL[person.mode].toLowerCase()}*${source}: ${when(person.mode, person.tz)}. One gentle reminder follows for sessions still unanswered after ${deps.config.REMINDER_AFTER_HOURS} h, then nothing.\nChange it with \`/ai-roi prefs immediate|daily|weekly|off\` or in the App Home tab.`,
    );
    return;
  }
  await setPromptMode(deps, userId, command.mode);
  await replyEphemeral(
    ctx,
    `Saved. From now on: ${when(command.mode, person.tz)}.${command.mode === 'off' ? ' No reminders either.' : ''}`,
  );
  await refreshHomeAfterChange(deps, userId, { client: ctx.client });
};

/**
 * The classify modal's submission: read and validate the fields (errors go back inline through
 * `response_action: errors`), then — after the ack — record the answer, link the issue and refresh the
 * message the modal came from and the Home.
 */
import type { AllMiddlewareArgs, SlackViewMiddlewareArgs, ViewSubmitAction } from '@slack/bolt';
import { ObjectId } from 'mongodb';
import { NOTE_MAX_LENGTH } from '../../blocks/classify-modal.ts';
import { type ClassifyModalMetadata, decodeModalMetadata } from '../../blocks/values.ts';
import type { AppDeps } from '../deps.ts';
import { isObjectIdHex, validateClassValue } from '../domain/classification.ts';
import { parseIssueIdentifier } from '../domain/identifiers.ts';
import type { SessionClass } from '../domain/types.ts';
import { MODAL_FIELDS } from '../ids.ts';
import { linkSessionManually } from '../outcomes/auto-link.ts';
import { recordClassification } from '../store/classification-store.ts';
import { publishHome, refreshHomeAfterChange } from './home.ts';
import { MESSAGES } from './interaction.ts';
import { refreshPromptMessage } from './messages.ts';

export type ViewArgs = SlackViewMiddlewareArgs<ViewSubmitAction> & AllMiddlewareArgs;

export interface ClassifyModalAnswer {
  sessionId: string;
  class: SessionClass;
  /** Empty string clears the note. */
  note: string;
  issue?: string;
  origin?: ClassifyModalMetadata['origin'];
}

export type ModalReading =
  | { ok: true; answer: ClassifyModalAnswer }
  | { ok: false; errors: Record<string, string> };

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null;

function field(values: unknown, block: string, action: string): Record<string, unknown> | undefined {
  if (!isRecord(values)) return undefined;
  const b = values[block];
  if (!isRecord(b)) return undefined;
  const a = b[action];
  return isRecord(a) ? a : undefined;
}

function selectedValue(state: Record<string, unknown> | undefined): unknown {
  const option = state?.selected_option;
  return isRecord(option) ? option.value : undefined;
}

/** Validate a submission's fields; the error keys are block ids, as `response_action: errors` wants. */
export function readClassifyModal(values: unknown, privateMetadata: unknown): ModalReading {
  const meta = decodeModalMetadata(privateMetadata);
  if (!meta || !isObjectIdHex(meta.sessionId)) {
    return {
      ok: false,
      errors: {
        [MODAL_FIELDS.classBlock]:
          'This form is out of date. Close it and open it again from your prompt or App Home.',
      },
    };
  }
  const errors: Record<string, string> = {};
  const cls = validateClassValue(
    selectedValue(field(values, MODAL_FIELDS.classBlock, MODAL_FIELDS.classInput)),
  );
  if (!cls.ok) errors[MODAL_FIELDS.classBlock] = 'Pick productive, exploratory or wasteful.';

  const rawNote = field(values, MODAL_FIELDS.noteBlock, MODAL_FIELDS.noteInput)?.value;
  const note = typeof rawNote === 'string' ? rawNote.trim() : '';
  if (note.length > NOTE_MAX_LENGTH) {
    errors[MODAL_FIELDS.noteBlock] =
      `Keep the note to ${NOTE_MAX_LENGTH} characters (it has ${note.length}).`;
  }

  const issueState = field(values, MODAL_FIELDS.issueBlock, MODAL_FIELDS.issueInput);
  const rawIssue = issueState?.value ?? selectedValue(issueState);
  let issue: string | undefined;
  if (typeof rawIssue === 'string' && rawIssue.trim() !== '') {
    const parsed = parseIssueIdentifier(rawIssue);
    if (parsed) issue = parsed;
    else {
      errors[MODAL_FIELDS.issueBlock] =
        `“${rawIssue.trim().slice(0, 40)}” is not a Linear issue identifier. Use the team key and number, like ENG-123.`;
    }
  }
  if (!cls.ok || Object.keys(errors).length > 0) return { ok: false, errors };
  return {
    ok: true,
    answer: {
      sessionId: meta.sessionId,
      class: cls.class,
      note,
      ...(issue ? { issue } : {}),
      ...(meta.origin ? { origin: meta.origin } : {}),
    },
  };
}

export async function handleClassifyModalSubmission(args: ViewArgs, deps: AppDeps): Promise<void> {
  const { ack, body, view, client } = args;
  const userId = body.user.id;
  const reading = readClassifyModal(view.state?.values, view.private_metadata);
  if (!reading.ok) {
    await ack({ response_action: 'errors', errors: reading.errors });
    return;
  }
  const { answer } = reading;
  // The owner check needs the session: one indexed read, well inside Slack's 3 seconds.
  const session = await deps.collections.sessions.findOne(
    { _id: new ObjectId(answer.sessionId) },
    { projection: { slackUserId: 1 } },
  );
  if (!session || session.slackUserId !== userId) {
    await ack({
      response_action: 'errors',
      errors: { [MODAL_FIELDS.classBlock]: session ? MESSAGES.foreign : MESSAGES.notFound },
    });
    return;
  }
  await ack();

  try {
    const at = deps.now();
    await recordClassification(deps.collections, {
      sessionId: answer.sessionId,
      class: answer.class,
      by: 'self',
      userId,
      at,
      ownerId: userId,
      ...(answer.note ? { note: answer.note } : {}),
    });
    // The outcomes feature's manual link: confirmed with Linear, attached to completed issues, audited.
    if (answer.issue) {
      await linkSessionManually(deps, {
        sessionId: new ObjectId(answer.sessionId),
        identifier: answer.issue,
        userId,
      });
    }
  } catch (error) {
    deps.logger.error({ err: error, userId }, 'saving the classify modal failed');
    try {
      await client.chat.postMessage({ channel: userId, text: MESSAGES.failed });
    } catch (postError) {
      deps.logger.error({ err: postError, userId }, 'could not tell the user about the failed save');
    }
    return;
  }

  const origin = answer.origin;
  try {
    if (origin === 'home') {
      await publishHome(deps, userId, { client });
      return;
    }
    if (origin) {
      await refreshPromptMessage(deps, { client, userId, channel: origin.channel, ts: origin.ts });
    }
    await refreshHomeAfterChange(deps, userId, { client });
  } catch (error) {
    // Saved already; the surfaces catch up on the next change or Home open.
    deps.logger.error({ err: error, userId }, 'refreshing after the classify modal failed');
  }
}

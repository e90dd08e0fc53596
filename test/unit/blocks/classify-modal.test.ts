import type { ExternalSelect, InputBlock, PlainTextInput, RadioButtons } from '@slack/types';
import { describe, expect, it } from 'vitest';
import {
  buildClassifyModal,
  buildIssueOptions,
  ISSUE_MIN_QUERY_LENGTH,
  NOTE_MAX_LENGTH,
} from '../../../blocks/classify-modal.ts';
import { decodeModalMetadata } from '../../../blocks/values.ts';
import { MODAL_FIELDS, VIEWS } from '../../../src/ids.ts';
import { allText, expectWithinLimits, makeSession } from './helpers.ts';

const input = (view: ReturnType<typeof buildClassifyModal>, blockId: string) =>
  view.blocks.find((b) => b.block_id === blockId) as InputBlock;

describe('buildClassifyModal', () => {
  const session = makeSession(3, { suggestion: { class: 'wasteful', reason: 'many API errors, no commit' } });

  it('asks for class, note and Linear issue, with the ids the submission handler reads', () => {
    const view = buildClassifyModal({ session, linearSearchEnabled: true });
    expectWithinLimits(view, 'modal');
    expect(view).toMatchObject({
      type: 'modal',
      callback_id: VIEWS.classifyModal,
      title: { text: 'Classify session' },
      submit: { text: 'Save' },
      close: { text: 'Cancel' },
    });
    expect(decodeModalMetadata(view.private_metadata)).toEqual({ sessionId: session.id });

    const cls = input(view, MODAL_FIELDS.classBlock);
    const radios = cls.element as RadioButtons;
    expect(radios.action_id).toBe(MODAL_FIELDS.classInput);
    expect(radios.options.map((o) => o.value)).toEqual(['productive', 'exploratory', 'wasteful']);
    expect(radios.initial_option).toBeUndefined(); // a suggestion is never preselected as the answer
    expect(cls.hint?.text).toContain('Suggested: Wasteful — many API errors, no commit');
    expect(cls.optional).toBeUndefined();

    const note = input(view, MODAL_FIELDS.noteBlock);
    expect(note.optional).toBe(true);
    expect(note.element).toMatchObject({
      type: 'plain_text_input',
      action_id: MODAL_FIELDS.noteInput,
      multiline: true,
      max_length: NOTE_MAX_LENGTH,
    });

    const issue = input(view, MODAL_FIELDS.issueBlock);
    expect(issue.optional).toBe(true);
    expect(issue.element).toMatchObject({
      type: 'external_select',
      action_id: MODAL_FIELDS.issueInput,
      min_query_length: ISSUE_MIN_QUERY_LENGTH,
    });
    expect(ISSUE_MIN_QUERY_LENGTH).toBe(2);

    expect(allText(view.blocks)).toContain('*Productive* — the session moved a deliverable');
  });

  it('prefills the current answer, note and issue; free text when Linear search is off', () => {
    const view = buildClassifyModal({
      session,
      currentClass: 'exploratory',
      note: 'n'.repeat(900),
      issue: 'ENG-42',
      linearSearchEnabled: false,
      origin: { channel: 'D123', ts: '1700000000.000100' },
    });
    expectWithinLimits(view, 'modal');
    expect((input(view, MODAL_FIELDS.classBlock).element as RadioButtons).initial_option?.value).toBe(
      'exploratory',
    );
    const note = input(view, MODAL_FIELDS.noteBlock).element as PlainTextInput;
    expect(note.initial_value?.length).toBeLessThanOrEqual(NOTE_MAX_LENGTH);
    const issue = input(view, MODAL_FIELDS.issueBlock).element as PlainTextInput;
    expect(issue).toMatchObject({
      type: 'plain_text_input',
      action_id: MODAL_FIELDS.issueInput,
      initial_value: 'ENG-42',
    });
    expect(issue.placeholder?.text).toBe('ENG-123');
    expect(decodeModalMetadata(view.private_metadata)).toEqual({
      sessionId: session.id,
      origin: { channel: 'D123', ts: '1700000000.000100' },
    });
  });

  it('shows a linked issue with its title as the initial search option', () => {
    const view = buildClassifyModal({
      session,
      issue: { identifier: 'ENG-42', title: 'A very long title '.repeat(20) },
      linearSearchEnabled: true,
      origin: 'home',
    });
    expectWithinLimits(view, 'modal');
    const el = input(view, MODAL_FIELDS.issueBlock).element as ExternalSelect;
    expect(el.initial_option?.value).toBe('ENG-42');
    expect(el.initial_option?.text.text.startsWith('ENG-42 A very long title')).toBe(true);
    expect(el.initial_option?.text.text.length).toBeLessThanOrEqual(75);
  });

  it('stays valid with very long session data', () => {
    const view = buildClassifyModal({
      session: makeSession(1, {
        branch: 'b'.repeat(3000),
        suggestion: { class: 'productive', reason: 'r'.repeat(5000) },
      }),
      linearSearchEnabled: false,
    });
    expectWithinLimits(view, 'modal');
  });
});

describe('buildIssueOptions', () => {
  it('answers block_suggestion with at most 100 unique options within option limits', () => {
    const issues = Array.from({ length: 150 }, (_, i) => ({
      identifier: `ENG-${i % 120}`,
      title: 'x'.repeat(200),
    }));
    const { options } = buildIssueOptions(issues);
    expect(options).toHaveLength(100);
    expect(new Set(options.map((o) => o.value)).size).toBe(100);
    expect(options.every((o) => o.text.text.length <= 75)).toBe(true);
    expectWithinLimits(
      {
        text: 't',
        blocks: [
          {
            type: 'section',
            text: { type: 'mrkdwn', text: 'x' },
            accessory: { type: 'static_select', action_id: 'a', options },
          },
        ],
      },
      'message',
    );
  });
});

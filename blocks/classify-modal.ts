/** The "add a note / link an issue" modal, and the options its Linear issue search returns. */
import type {
  ExternalSelect,
  InputBlock,
  KnownBlock,
  ModalView,
  PlainTextInput,
  PlainTextOption,
} from '@slack/types';
import type { SessionClass } from '../src/domain/types.ts';
import { SESSION_CLASSES } from '../src/domain/types.ts';
import { MODAL_FIELDS, VIEWS } from '../src/ids.ts';
import { type PromptSession, sessionFacts } from './classify-prompt.ts';
import { CLASS_LABEL, CLASS_SHORT_DEFINITION, definitionsLine } from './format.ts';
import { context, option, plain, section } from './kit.ts';
import { LIMITS, truncate } from './limits.ts';
import { type ClassifyModalMetadata, encodeModalMetadata } from './values.ts';

export const NOTE_MAX_LENGTH = 500;
/** Slack's default is 3; identifiers are short (`EN`…), so search starts after two characters. */
export const ISSUE_MIN_QUERY_LENGTH = 2;

export interface IssueRef {
  identifier: string;
  title?: string;
}

export interface ClassifyModalInput {
  session: PromptSession;
  currentClass?: SessionClass;
  note?: string;
  issue?: string | IssueRef;
  /** External select backed by Linear search; otherwise a free-text identifier (validated on submission). */
  linearSearchEnabled: boolean;
  /** Where the modal was opened from, echoed back in private_metadata. */
  origin?: ClassifyModalMetadata['origin'];
}

const classOption = (c: SessionClass): PlainTextOption =>
  option(CLASS_LABEL[c], c, CLASS_SHORT_DEFINITION[c]);

export function buildClassifyModal(input: ClassifyModalInput): ModalView {
  const { session } = input;
  const issue: IssueRef | undefined =
    typeof input.issue === 'string' ? { identifier: input.issue } : input.issue;

  const classInput: InputBlock = {
    type: 'input',
    block_id: MODAL_FIELDS.classBlock,
    label: plain('Class'),
    hint: plain(
      `Suggested: ${CLASS_LABEL[session.suggestion.class]} — ${truncate(session.suggestion.reason, 300)}`,
    ),
    element: {
      type: 'radio_buttons',
      action_id: MODAL_FIELDS.classInput,
      options: SESSION_CLASSES.map(classOption),
      ...(input.currentClass ? { initial_option: classOption(input.currentClass) } : {}),
    },
  };

  const noteElement: PlainTextInput = {
    type: 'plain_text_input',
    action_id: MODAL_FIELDS.noteInput,
    multiline: true,
    max_length: NOTE_MAX_LENGTH,
    placeholder: plain('What did this session produce, or why was it a loss?'),
  };
  if (input.note) noteElement.initial_value = truncate(input.note, NOTE_MAX_LENGTH);

  const blocks: KnownBlock[] = [
    section(sessionFacts(session)),
    context([definitionsLine()]),
    classInput,
    {
      type: 'input',
      block_id: MODAL_FIELDS.noteBlock,
      optional: true,
      label: plain('Note'),
      element: noteElement,
    },
    {
      type: 'input',
      block_id: MODAL_FIELDS.issueBlock,
      optional: true,
      label: plain('Linear issue'),
      hint: plain(
        input.linearSearchEnabled
          ? 'Search by identifier or title. Completed issues count as outcomes of this session.'
          : 'An identifier such as ENG-123. Completed issues count as outcomes of this session.',
      ),
      element: input.linearSearchEnabled ? issueSearch(issue) : issueText(issue),
    },
  ];

  return {
    type: 'modal',
    callback_id: VIEWS.classifyModal,
    private_metadata: encodeModalMetadata({
      sessionId: session.id,
      ...(input.origin ? { origin: input.origin } : {}),
    }),
    title: plain('Classify session', LIMITS.view.title),
    submit: plain('Save', LIMITS.view.submit),
    close: plain('Cancel', LIMITS.view.close),
    blocks,
  };
}

function issueSearch(issue: IssueRef | undefined): ExternalSelect {
  const el: ExternalSelect = {
    type: 'external_select',
    action_id: MODAL_FIELDS.issueInput,
    min_query_length: ISSUE_MIN_QUERY_LENGTH,
    placeholder: plain('Search Linear issues'),
  };
  if (issue) el.initial_option = issueOption(issue);
  return el;
}

function issueText(issue: IssueRef | undefined): PlainTextInput {
  const el: PlainTextInput = {
    type: 'plain_text_input',
    action_id: MODAL_FIELDS.issueInput,
    max_length: 32,
    placeholder: plain('ENG-123'),
  };
  if (issue) el.initial_value = truncate(issue.identifier, 32);
  return el;
}

/** One Linear issue as a select option: value is the identifier, text shows the title too. */
export function issueOption(issue: IssueRef): PlainTextOption {
  const title = issue.title ? ` ${issue.title.replace(/\s+/g, ' ').trim()}` : '';
  return option(`${issue.identifier}${title}`, truncate(issue.identifier, LIMITS.optionValue));
}

/** The `block_suggestion` answer for the issue search: at most 100 options, duplicates dropped. */
export function buildIssueOptions(issues: readonly IssueRef[]): { options: PlainTextOption[] } {
  const seen = new Set<string>();
  const options: PlainTextOption[] = [];
  for (const issue of issues) {
    if (seen.has(issue.identifier)) continue;
    seen.add(issue.identifier);
    options.push(issueOption(issue));
    if (options.length === LIMITS.selectOptions) break;
  }
  return { options };
}

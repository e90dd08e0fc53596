import { describe, expect, it } from 'vitest';
import {
  buildBlockActionsPayload,
  buildBlockSuggestionPayload,
  buildEventCallback,
  buildSlashCommandForm,
  buildViewSubmissionPayload,
  escapeCommandText,
  InteractionError,
  type SandboxWorkspace,
} from '../../../src/sandbox/interactions.ts';
import { signSlackRequest } from '../../../src/sandbox/slack-sandbox.ts';

const workspace: SandboxWorkspace = {
  teamId: 'T0000TEST',
  teamDomain: 'sandbox',
  appId: 'A0SANDBOX01',
  botUserId: 'UBOT000001',
  botId: 'B0000TEST',
};
const actor = { id: 'UMAYA00001', name: 'maya' };
const at = new Date('2025-12-04T10:00:00.123Z');

const promptBlocks = [
  { type: 'section', block_id: 'session:1', text: { type: 'mrkdwn', text: '$3 on main' } },
  {
    type: 'actions',
    elements: [
      {
        type: 'button',
        action_id: 'classify_productive',
        text: { type: 'plain_text', text: 'Productive' },
        value: '{"s":"a","c":"productive"}',
        style: 'primary',
      },
      {
        type: 'overflow',
        action_id: 'session_overflow',
        options: [
          { text: { type: 'plain_text', text: 'Add a note' }, value: '{"s":"a","o":"note"}' },
          { text: { type: 'plain_text', text: 'Open App Home' }, value: '{"s":"a","o":"home"}' },
        ],
      },
    ],
  },
];

describe('buildBlockActionsPayload', () => {
  it('builds a message click as Slack sends it: container, channel, message, response_url and the element’s own value', () => {
    const payload = buildBlockActionsPayload({
      workspace,
      actor,
      container: {
        kind: 'message',
        channel: 'DMAYA00001',
        channelName: 'directmessage',
        ts: '1764842400.000001',
        text: 'Classify',
        blocks: promptBlocks,
      },
      blockIndex: 1,
      actionId: 'classify_productive',
      triggerId: 'trigger-1',
      responseUrl: 'http://127.0.0.1:1/response/r1',
      at,
    });
    expect(payload).toMatchObject({
      type: 'block_actions',
      user: { id: 'UMAYA00001', username: 'maya', team_id: 'T0000TEST' },
      api_app_id: 'A0SANDBOX01',
      trigger_id: 'trigger-1',
      team: { id: 'T0000TEST', domain: 'sandbox' },
      container: {
        type: 'message',
        message_ts: '1764842400.000001',
        channel_id: 'DMAYA00001',
        is_ephemeral: false,
      },
      channel: { id: 'DMAYA00001', name: 'directmessage' },
      message: { ts: '1764842400.000001', user: 'UBOT000001', text: 'Classify' },
      response_url: 'http://127.0.0.1:1/response/r1',
      actions: [
        {
          type: 'button',
          action_id: 'classify_productive',
          block_id: 'sbx_1',
          value: '{"s":"a","c":"productive"}',
          style: 'primary',
          text: { type: 'plain_text', text: 'Productive' },
          action_ts: '1764842400.123000',
        },
      ],
    });
    const echoed = (payload.message as { blocks: { block_id: string }[] }).blocks;
    expect(echoed.map((b) => b.block_id)).toEqual(['session:1', 'sbx_1']);
  });

  it('sends the chosen overflow option, and refuses an option the menu does not have', () => {
    const base = {
      workspace,
      actor,
      container: {
        kind: 'message' as const,
        channel: 'D1',
        channelName: 'directmessage',
        ts: '1.1',
        blocks: promptBlocks,
      },
      blockIndex: 1,
      actionId: 'session_overflow',
      triggerId: 't',
      at,
    };
    const payload = buildBlockActionsPayload({ ...base, option: '{"s":"a","o":"note"}' });
    expect(payload.actions).toEqual([
      expect.objectContaining({
        type: 'overflow',
        selected_option: { text: { type: 'plain_text', text: 'Add a note' }, value: '{"s":"a","o":"note"}' },
      }),
    ]);
    expect(() => buildBlockActionsPayload({ ...base, option: '{"s":"b","o":"note"}' })).toThrow(
      InteractionError,
    );
    expect(() => buildBlockActionsPayload({ ...base, actionId: 'nope' })).toThrow(
      /No element with action_id "nope"/,
    );
  });

  it('builds a click in App Home or a modal with the view, its state and no response_url', () => {
    const view = {
      type: 'modal',
      callback_id: 'queue_modal',
      private_metadata: 'meta',
      title: { type: 'plain_text', text: 'Queue' },
      blocks: [
        ...promptBlocks,
        {
          type: 'input',
          block_id: 'note_block',
          element: { type: 'plain_text_input', action_id: 'note_input' },
          label: { type: 'plain_text', text: 'Note' },
        },
      ],
    };
    const payload = buildBlockActionsPayload({
      workspace,
      actor,
      container: { kind: 'view', viewId: 'VM1', view },
      blockIndex: 1,
      actionId: 'classify_productive',
      inputs: { '2': { note_input: { value: 'draft' } } },
      triggerId: 't',
      at,
    });
    expect(payload.container).toEqual({ type: 'view', view_id: 'VM1' });
    expect(payload.view).toMatchObject({
      id: 'VM1',
      type: 'modal',
      callback_id: 'queue_modal',
      private_metadata: 'meta',
      state: { values: { note_block: { note_input: { type: 'plain_text_input', value: 'draft' } } } },
    });
    expect(payload).not.toHaveProperty('response_url');
    expect(payload).not.toHaveProperty('message');
  });
});

describe('buildViewSubmissionPayload', () => {
  const view = {
    type: 'modal',
    callback_id: 'classify_modal',
    private_metadata: '{"s":"a"}',
    blocks: [
      { type: 'section', text: { type: 'mrkdwn', text: 'facts' } },
      {
        type: 'input',
        block_id: 'class_block',
        label: { type: 'plain_text', text: 'Class' },
        element: {
          type: 'radio_buttons',
          action_id: 'class_input',
          options: [
            { text: { type: 'plain_text', text: 'Productive' }, value: 'productive' },
            { text: { type: 'plain_text', text: 'Wasteful' }, value: 'wasteful' },
          ],
          initial_option: { text: { type: 'plain_text', text: 'Productive' }, value: 'productive' },
        },
      },
      {
        type: 'input',
        block_id: 'note_block',
        optional: true,
        label: { type: 'plain_text', text: 'Note' },
        element: { type: 'plain_text_input', action_id: 'note_input', multiline: true },
      },
      {
        type: 'input',
        block_id: 'issue_block',
        optional: true,
        label: { type: 'plain_text', text: 'Issue' },
        element: { type: 'external_select', action_id: 'issue_input' },
      },
    ],
  };

  it('types every input as Slack does, keeping initial values the page did not change', () => {
    const { payload, missing } = buildViewSubmissionPayload({
      workspace,
      actor,
      viewId: 'VM3',
      view,
      inputs: {
        '2': { note_input: { value: 'shipped the retry' } },
        '3': { issue_input: { value: 'PAY-142', label: 'PAY-142 Retry refunds' } },
      },
      triggerId: 't',
    });
    expect(missing).toEqual({});
    expect(payload).toMatchObject({
      type: 'view_submission',
      user: { id: 'UMAYA00001' },
      view: { id: 'VM3', callback_id: 'classify_modal', private_metadata: '{"s":"a"}' },
    });
    expect((payload.view as { state: unknown }).state).toEqual({
      values: {
        class_block: {
          class_input: {
            type: 'radio_buttons',
            selected_option: { text: { type: 'plain_text', text: 'Productive' }, value: 'productive' },
          },
        },
        note_block: { note_input: { type: 'plain_text_input', value: 'shipped the retry' } },
        issue_block: {
          issue_input: {
            type: 'external_select',
            selected_option: {
              text: { type: 'plain_text', text: 'PAY-142 Retry refunds', emoji: true },
              value: 'PAY-142',
            },
          },
        },
      },
    });
  });

  it('reports required inputs left empty (Slack’s client refuses to submit them)', () => {
    const { missing, payload } = buildViewSubmissionPayload({
      workspace,
      actor,
      viewId: 'VM3',
      view,
      inputs: { '1': { class_input: { value: null } }, '2': { note_input: { value: '' } } },
      triggerId: 't',
    });
    expect(missing).toEqual({ class_block: 'Please fill out this required field.' });
    const values = (payload.view as { state: { values: Record<string, Record<string, unknown>> } }).state
      .values;
    expect(values.note_block).toEqual({ note_input: { type: 'plain_text_input', value: null } });
  });

  it('builds block_suggestion for an external select', () => {
    const payload = buildBlockSuggestionPayload({
      workspace,
      actor,
      viewId: 'VM3',
      view,
      blockIndex: 3,
      actionId: 'issue_input',
      query: 'refund',
    });
    expect(payload).toMatchObject({
      type: 'block_suggestion',
      action_id: 'issue_input',
      block_id: 'issue_block',
      value: 'refund',
      container: { type: 'view', view_id: 'VM3' },
    });
  });
});

describe('slash commands, events and signing', () => {
  it('builds the slash command form Slack posts', () => {
    const form = buildSlashCommandForm({
      workspace,
      actor,
      command: '/ai-roi',
      text: 'budget',
      channel: 'C1',
      channelName: 'payments-eng',
      responseUrl: 'http://r',
      triggerId: 't',
    });
    expect(Object.fromEntries(form)).toMatchObject({
      command: '/ai-roi',
      text: 'budget',
      user_id: 'UMAYA00001',
      user_name: 'maya',
      channel_id: 'C1',
      team_id: 'T0000TEST',
      response_url: 'http://r',
      trigger_id: 't',
    });
  });

  it('escapes command text and turns typed @names and #channels into Slack mentions', () => {
    const lookup = {
      userByName: (name: string) => ({ maya: 'UMAYA00001', tom: 'UTOM000001' })[name],
      channelByName: (name: string) => ({ leadership: 'CLEADERSHP' })[name],
    };
    expect(escapeCommandText('team add @maya @tom Payments', lookup)).toBe(
      'team add <@UMAYA00001|maya> <@UTOM000001|tom> Payments',
    );
    expect(escapeCommandText('digest now #leadership', lookup)).toBe('digest now <#CLEADERSHP|leadership>');
    expect(escapeCommandText('templates set k A & B <x> @nobody', lookup)).toBe(
      'templates set k A &amp; B &lt;x&gt; @nobody',
    );
    expect(escapeCommandText('map @maya maya@example.com', lookup)).toBe(
      'map <@UMAYA00001|maya> maya@example.com',
    );
  });

  it('wraps events in an event_callback', () => {
    const body = buildEventCallback(
      workspace,
      { type: 'app_home_opened', user: 'UMAYA00001', tab: 'home' },
      'Ev1',
      at,
    );
    expect(body).toMatchObject({
      type: 'event_callback',
      team_id: 'T0000TEST',
      api_app_id: 'A0SANDBOX01',
      event_id: 'Ev1',
      event_time: 1764842400,
      event: { type: 'app_home_opened', user: 'UMAYA00001', tab: 'home', event_ts: '1764842400.123000' },
    });
  });

  it('signs like Slack (the documented test vector)', () => {
    const body =
      'token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text=&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c';
    const headers = signSlackRequest('8f742231b10e8888abcd99yyyzzz85a5', body, new Date(1531420618 * 1000));
    expect(headers).toEqual({
      'x-slack-request-timestamp': '1531420618',
      'x-slack-signature': 'v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503',
    });
  });
});

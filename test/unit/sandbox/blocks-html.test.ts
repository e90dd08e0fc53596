import { describe, expect, it } from 'vitest';
import { buildClassifyModal } from '../../../blocks/classify-modal.ts';
import { blocksToHtml } from '../../../src/sandbox/render/blocks.ts';
import { blocksToText } from '../../../src/sandbox/render/text.ts';

const section = (text: string, extra: Record<string, unknown> = {}) => ({
  type: 'section',
  text: { type: 'mrkdwn', text },
  ...extra,
});

describe('blocksToHtml', () => {
  it('renders header, section with fields, context and divider', () => {
    const html = blocksToHtml([
      { type: 'header', text: { type: 'plain_text', text: 'AI ROI — Payments' } },
      { type: 'section', fields: [{ type: 'mrkdwn', text: '*Spend*\n$120' }] },
      { type: 'context', elements: [{ type: 'mrkdwn', text: ':warning: estimated' }] },
      { type: 'divider' },
    ]);
    expect(html).toContain('<div class="bk bk-header" data-bi="0">AI ROI — Payments</div>');
    expect(html).toContain('<div class="bk-field"><b>Spend</b><br>$120</div>');
    expect(html).toContain('<span>⚠️ estimated</span>');
    expect(html).toContain('<hr>');
  });

  it('marks every interactive element with its block index and action_id', () => {
    const html = blocksToHtml([
      section('Session'),
      {
        type: 'actions',
        block_id: 'b1',
        elements: [
          {
            type: 'button',
            action_id: 'classify_productive',
            text: { type: 'plain_text', text: 'Productive' },
            style: 'primary',
            value: '{"s":"1"}',
          },
          {
            type: 'overflow',
            action_id: 'session_overflow',
            options: [{ text: { type: 'plain_text', text: 'Add a note' }, value: 'note' }],
          },
        ],
      },
    ]);
    expect(html).toContain('data-block-id="b1"');
    expect(html).toMatch(
      /<button type="button" class="bk-button bk-primary" data-bi="1" data-aid="classify_productive" data-type="button">Productive<\/button>/,
    );
    expect(html).toContain('data-aid="session_overflow" data-type="overflow" data-option="note"');
    // The value stays on the server: the page sends back only where the click was.
    expect(html).not.toContain('{&quot;s&quot;');
  });

  it('renders a select accessory with its confirmation dialog as plain text', () => {
    const html = blocksToHtml([
      section('Classify all', {
        accessory: {
          type: 'static_select',
          action_id: 'bulk_classify',
          placeholder: { type: 'plain_text', text: 'Classify all remaining as…' },
          options: [{ text: { type: 'plain_text', text: 'Productive' }, value: 'p' }],
          confirm: {
            title: { type: 'plain_text', text: 'Sure?' },
            text: { type: 'mrkdwn', text: '*All* of them' },
            confirm: { type: 'plain_text', text: 'Yes' },
            deny: { type: 'plain_text', text: 'No' },
          },
        },
      }),
    ]);
    expect(html).toContain('<select class="bk-select" data-select data-bi="0" data-aid="bulk_classify"');
    expect(html).toContain(
      'data-confirm="{&quot;title&quot;:&quot;Sure?&quot;,&quot;text&quot;:&quot;All of them&quot;',
    );
    expect(html).toContain('<option value="p">Productive</option>');
  });

  it('renders the classify modal’s inputs: radio buttons, multiline text and the Linear search', () => {
    const view = buildClassifyModal({
      session: {
        id: '65f0c2a1b2c3d4e5f6a7b8c9',
        costUsd: 3.2,
        durationMs: 3_600_000,
        startedAt: new Date('2026-11-30T10:00:00Z'),
        model: 'claude-sonnet-4-5',
        repo: 'acme/api',
        branch: 'ana/eng-1-x',
        suggestion: { class: 'productive', reason: '2 commits recorded.' },
      },
      linearSearchEnabled: true,
      currentClass: 'exploratory',
      note: 'a <note>',
    });
    const html = blocksToHtml(view.blocks);
    expect(html).toContain('type="radio"');
    expect(html).toMatch(/value="exploratory" checked/);
    expect(html).toContain('<textarea class="bk-text" data-input');
    expect(html).toContain('a &lt;note&gt;</textarea>');
    expect(html).toContain('class="bk-external" data-min="2"');
    expect(html).toContain('data-error-for="class_block"');
  });

  it('shows images by URL or uploaded file, and unknown blocks as a placeholder', () => {
    const html = blocksToHtml(
      [
        { type: 'image', image_url: 'https://x.test/c.png', alt_text: 'chart' },
        { type: 'image', slack_file: { id: 'F1' }, alt_text: 'file chart' },
        { type: 'rich_text', elements: [] },
      ],
      { fileUrl: (id) => `/sandbox/files?id=${id}` },
    );
    expect(html).toContain('<img class="bk-image-img" src="https://x.test/c.png" alt="chart"');
    expect(html).toContain('src="/sandbox/files?id=F1"');
    expect(html).toContain('[rich_text block]');
  });
});

describe('blocksToText', () => {
  it('prints a digest-like message for a terminal', () => {
    const text = blocksToText([
      { type: 'header', text: { type: 'plain_text', text: 'AI ROI' } },
      section('This week *$96* went into <https://x.test|3 issues>.'),
      { type: 'section', fields: [{ type: 'mrkdwn', text: '*PRs merged*\n3\n$9 per PR' }] },
      { type: 'divider' },
    ]);
    expect(text).toBe(
      'AI ROI\n══════\nThis week $96 went into 3 issues.\n  PRs merged: 3 · $9 per PR\n────────────────────────────────────────',
    );
  });
});

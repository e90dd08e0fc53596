import { describe, expect, it } from 'vitest';
import { encodeModalMetadata } from '../../../blocks/values.ts';
import { readClassifyModal } from '../../../src/classification/modal.ts';
import { MODAL_FIELDS } from '../../../src/ids.ts';

const SESSION = '65f0c2a1b2c3d4e5f6a7b8c9';
const meta = encodeModalMetadata({ sessionId: SESSION, origin: { channel: 'D1', ts: '1.000001' } });

function values(input: { cls?: string; note?: string; issueText?: string; issueOption?: string }) {
  return {
    [MODAL_FIELDS.classBlock]: {
      [MODAL_FIELDS.classInput]: {
        type: 'radio_buttons',
        selected_option: input.cls
          ? { value: input.cls, text: { type: 'plain_text', text: input.cls } }
          : null,
      },
    },
    [MODAL_FIELDS.noteBlock]: {
      [MODAL_FIELDS.noteInput]: { type: 'plain_text_input', value: input.note ?? null },
    },
    [MODAL_FIELDS.issueBlock]: {
      [MODAL_FIELDS.issueInput]:
        input.issueOption !== undefined
          ? { type: 'external_select', selected_option: { value: input.issueOption } }
          : { type: 'plain_text_input', value: input.issueText ?? null },
    },
  };
}

describe('readClassifyModal', () => {
  it('reads class, trimmed note, normalised issue and origin', () => {
    const reading = readClassifyModal(
      values({ cls: 'productive', note: '  shipped the fix  ', issueText: 'eng-42' }),
      meta,
    );
    expect(reading).toEqual({
      ok: true,
      answer: {
        sessionId: SESSION,
        class: 'productive',
        note: 'shipped the fix',
        issue: 'ENG-42',
        origin: { channel: 'D1', ts: '1.000001' },
      },
    });
  });

  it('reads the Linear external select', () => {
    const reading = readClassifyModal(values({ cls: 'wasteful', issueOption: 'PAY-7' }), meta);
    expect(reading).toMatchObject({ ok: true, answer: { class: 'wasteful', issue: 'PAY-7', note: '' } });
  });

  it('treats an empty issue as none', () => {
    const reading = readClassifyModal(values({ cls: 'exploratory', issueText: '   ' }), meta);
    expect(reading).toMatchObject({ ok: true });
    expect(reading.ok ? reading.answer.issue : 'not ok').toBeUndefined();
  });

  it('names every bad field, keyed by block id', () => {
    const reading = readClassifyModal(
      values({ cls: 'great', note: 'x'.repeat(501), issueText: 'not an issue' }),
      meta,
    );
    expect(reading.ok).toBe(false);
    if (reading.ok) return;
    expect(Object.keys(reading.errors).sort()).toEqual(
      [MODAL_FIELDS.classBlock, MODAL_FIELDS.issueBlock, MODAL_FIELDS.noteBlock].sort(),
    );
    expect(reading.errors[MODAL_FIELDS.issueBlock]).toContain('ENG-123');
    expect(reading.errors[MODAL_FIELDS.noteBlock]).toContain('500');
  });

  it('refuses tampered or missing metadata', () => {
    for (const bad of ['', 'not json', JSON.stringify({ s: 'x' }), undefined]) {
      const reading = readClassifyModal(values({ cls: 'productive' }), bad);
      expect(reading).toMatchObject({ ok: false });
    }
  });
});

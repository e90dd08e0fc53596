import { describe, expect, it } from 'vitest';
import {
  bar,
  code,
  coverageOf,
  definitionsLine,
  escapeMrkdwn,
  formatMix,
  link,
  packLines,
  slackDate,
  userText,
} from '../../../blocks/format.ts';
import {
  classFromActionId,
  decodeBulkTarget,
  decodeModalMetadata,
  decodePage,
  decodeSessionAction,
  encodeBulkTarget,
  encodeModalMetadata,
  encodePage,
  encodeSessionAction,
  parseSessionBlockId,
  sessionBlockId,
} from '../../../blocks/values.ts';
import { ACTIONS } from '../../../src/ids.ts';

describe('values', () => {
  it('round-trips session actions and rejects tampered ones', () => {
    const v = { sessionId: '65a0aa', class: 'wasteful' as const };
    expect(decodeSessionAction(encodeSessionAction(v))).toEqual(v);
    expect(decodeSessionAction(encodeSessionAction({ sessionId: 'x', op: 'undo' }))).toEqual({
      sessionId: 'x',
      op: 'undo',
    });
    for (const bad of [
      undefined,
      42,
      'not json',
      '[]',
      '{"s":""}',
      '{"s":"a b"}',
      '{"s":"ok","c":"great"}',
      '{"s":"ok","o":"delete"}',
      `{"s":"${'a'.repeat(101)}"}`,
      '{"s":{"$ne":null}}',
    ]) {
      expect(decodeSessionAction(bad), String(bad)).toBeUndefined();
    }
  });

  it('maps action ids to classes', () => {
    expect(classFromActionId(ACTIONS.classifyExploratory)).toBe('exploratory');
    expect(classFromActionId(ACTIONS.bulkClassifyWasteful)).toBe('wasteful');
    expect(classFromActionId(ACTIONS.undoClassification)).toBeUndefined();
  });

  it('encodes bulk targets as ids when they fit and as a query otherwise', () => {
    const ids = Array.from({ length: 3 }, (_, i) => `id${i}`);
    const startedUpTo = new Date('2025-12-08T10:00:00Z');
    expect(decodeBulkTarget(encodeBulkTarget({ class: 'productive', sessionIds: ids }, 2000))).toEqual({
      class: 'productive',
      sessionIds: ids,
    });
    const many = Array.from({ length: 200 }, (_, i) => `65a0${String(i).padStart(20, '0')}`);
    const encoded = encodeBulkTarget({ class: 'wasteful', sessionIds: many }, 2000, {
      startedUpTo,
      belowCostUsd: 0.5,
    });
    expect(encoded.length).toBeLessThanOrEqual(2000);
    expect(decodeBulkTarget(encoded)).toEqual({ class: 'wasteful', startedUpTo, belowCostUsd: 0.5 });
    expect(encodeBulkTarget({ class: 'exploratory', startedUpTo }, 150).length).toBeLessThanOrEqual(150);
    for (const bad of [
      '{"c":"productive"}',
      '{"c":"x","ids":["a"]}',
      '{"c":"productive","ids":[]}',
      '{"c":"productive","u":1,"b":-1}',
    ]) {
      expect(decodeBulkTarget(bad), bad).toBeUndefined();
    }
  });

  it('round-trips pages, block ids and modal metadata', () => {
    expect(decodePage(encodePage(3))).toBe(3);
    expect(decodePage('{"p":-1}')).toBeUndefined();
    expect(decodePage('{"p":1.5}')).toBeUndefined();
    expect(parseSessionBlockId(sessionBlockId('classified_actions', 'abc'))).toEqual({
      kind: 'classified_actions',
      sessionId: 'abc',
    });
    expect(parseSessionBlockId('small_group')).toBeUndefined();
    expect(parseSessionBlockId('other:abc')).toBeUndefined();
    const meta = { sessionId: 's1', origin: { channel: 'D1', ts: '1.2' } };
    expect(decodeModalMetadata(encodeModalMetadata(meta))).toEqual(meta);
    expect(decodeModalMetadata(encodeModalMetadata({ sessionId: 's1', origin: 'home' }))).toEqual({
      sessionId: 's1',
      origin: 'home',
    });
    expect(decodeModalMetadata('{"s":"s1","o":{"channel":1}}')).toBeUndefined();
    expect(decodeModalMetadata('nope')).toBeUndefined();
  });
});

describe('format', () => {
  it('escapes mrkdwn control characters in user data', () => {
    expect(escapeMrkdwn('a & <b> <!here>')).toBe('a &amp; &lt;b&gt; &lt;!here&gt;');
    expect(code('feat/my_`weird`_branch')).toBe("`feat/my_'weird'_branch`");
    expect(code('x'.repeat(100), 10)).toBe(`\`${'x'.repeat(9)}…\``);
    expect(userText('  many   spaces\nand lines ')).toBe('many spaces and lines');
  });

  it('links only http(s) URLs', () => {
    expect(link('https://x.test/a', 'A|B')).toBe('<https://x.test/a|A¦B>');
    expect(link('javascript:alert(1)', 'A')).toBe('A');
    expect(link(undefined, 'A')).toBe('A');
  });

  it('renders dates in the reader’s timezone with a UTC fallback', () => {
    expect(slackDate(new Date('2025-12-08T09:05:00Z'))).toBe(
      '<!date^1765184700^{date_short_pretty} {time}|2025-12-08 09:05 UTC>',
    );
  });

  it('summarises class mix and coverage', () => {
    const mix = { productive: 71, exploratory: 19, wasteful: 5, unclassified: 5 };
    expect(formatMix(mix)).toBe(
      'Productive $71 (71%) · Exploratory $19 (19%) · Wasteful $5 (5%) · Unclassified $5 (5%)',
    );
    expect(coverageOf(mix)).toBeCloseTo(0.95);
    expect(coverageOf({ productive: 0, exploratory: 0, wasteful: 0, unclassified: 0 })).toBe(0);
    expect(bar(0.84)).toBe('▓▓▓▓▓▓▓▓░░');
    expect(bar(3)).toBe('▓▓▓▓▓▓▓▓▓▓');
  });

  it('states all three definitions in one line', () => {
    const line = definitionsLine();
    expect(line.split(' · ')).toHaveLength(3);
    expect(line).toContain('retry loops, wrong context, abandoned or reverted output');
  });

  it('packs lines into chunks under the limit', () => {
    expect(packLines(['aaa', 'bbb', 'ccc'], 7)).toEqual(['aaa\nbbb', 'ccc']);
    expect(packLines(['x'.repeat(20)], 10)).toEqual([`${'x'.repeat(9)}…`]);
    expect(packLines([], 10)).toEqual([]);
  });
});

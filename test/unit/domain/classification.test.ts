import { describe, expect, it } from 'vitest';
import {
  applyClassification,
  decodeClassifyValue,
  decodeSessionValue,
  encodeClassifyValue,
  encodeSessionValue,
  MAX_CLASSIFICATION_HISTORY,
  undoClassification,
  validateClassValue,
} from '../../../src/domain/classification.ts';
import type { Classification, ClassificationAudit } from '../../../src/domain/types.ts';

const t = (minute: number) => new Date(Date.UTC(2025, 11, 10, 9, minute));
const answer = (
  cls: Classification['class'],
  minute: number,
  extra: Partial<Classification> = {},
): Classification => ({
  class: cls,
  by: 'self',
  userId: 'U1',
  at: t(minute),
  ...extra,
});

describe('applyClassification', () => {
  it('records a first answer with an audit entry', () => {
    const next = answer('productive', 1);
    const state = applyClassification(undefined, [], next);
    expect(state).toEqual({ classification: next, history: [next], changed: true, stale: false });
  });

  it('last write wins and the audit names the previous class', () => {
    const first = answer('productive', 1);
    const second = answer('wasteful', 2, { note: 'retry loop' });
    const state = applyClassification(first, [first], second);
    expect(state.classification).toEqual(second);
    expect(state.history).toEqual([first, { ...second, previous: 'productive' }]);
    expect(state.changed).toBe(true);
  });

  it('a repeated click changes nothing and adds no audit entry', () => {
    const first = answer('productive', 1);
    const state = applyClassification(first, [first], answer('productive', 5));
    expect(state).toEqual({ classification: first, history: [first], changed: false, stale: false });
  });

  it('same class by a manager is a change (who answered matters)', () => {
    const first = answer('productive', 1);
    const state = applyClassification(
      first,
      [first],
      answer('productive', 2, { by: 'manager', userId: 'U9' }),
    );
    expect(state.changed).toBe(true);
    expect(state.history.at(-1)).toMatchObject({ by: 'manager', previous: 'productive' });
  });

  it('a write older than the current answer loses but is audited', () => {
    const current = answer('exploratory', 10);
    const late = answer('wasteful', 5);
    const state = applyClassification(current, [current], late);
    expect(state.classification).toEqual(current);
    expect(state.stale).toBe(true);
    expect(state.history).toEqual([current, { ...late, previous: 'exploratory' }]);
  });

  it('ties go to the incoming write', () => {
    const current = answer('exploratory', 10);
    expect(applyClassification(current, [], answer('wasteful', 10)).classification?.class).toBe('wasteful');
  });

  it('keeps the audit bounded', () => {
    const history: ClassificationAudit[] = Array.from({ length: MAX_CLASSIFICATION_HISTORY }, (_, i) =>
      answer('productive', i % 60),
    );
    const state = applyClassification(answer('productive', 0), history, answer('wasteful', 59));
    expect(state.history).toHaveLength(MAX_CLASSIFICATION_HISTORY);
    expect(state.history.at(-1)?.class).toBe('wasteful');
  });

  it('does not mutate its inputs', () => {
    const first = answer('productive', 1);
    const history = [first];
    applyClassification(first, history, answer('wasteful', 2));
    expect(history).toEqual([first]);
  });
});

describe('undoClassification', () => {
  it('returns the session to unclassified with an undo audit entry', () => {
    const current = answer('wasteful', 1);
    const state = undoClassification(current, [current], { userId: 'U1', by: 'self', at: t(2) });
    expect(state.classification).toBeUndefined();
    expect(state.history.at(-1)).toEqual({
      class: 'wasteful',
      by: 'self',
      userId: 'U1',
      at: t(2),
      previous: 'wasteful',
      undone: true,
    });
  });

  it('undoing nothing changes nothing', () => {
    expect(undoClassification(undefined, [], { userId: 'U1', by: 'self', at: t(2) }).changed).toBe(false);
  });
});

describe('validateClassValue', () => {
  it.each([
    ['productive', 'productive'],
    [' Wasteful ', 'wasteful'],
    ['EXPLORATORY', 'exploratory'],
  ])('%j is %s', (input, expected) => {
    expect(validateClassValue(input)).toEqual({ ok: true, class: expected });
  });

  it.each([['unclassified'], ['great'], [''], [42], [null], [undefined]])('%j is rejected', (input) => {
    expect(validateClassValue(input).ok).toBe(false);
  });
});

describe('classify button values', () => {
  const id = '65f0c2aa11bb22cc33dd44ee';

  it('round-trips', () => {
    const raw = encodeClassifyValue({ sessionId: id, class: 'exploratory' });
    expect(raw).toBe(`c1:${id}:exploratory`);
    expect(raw.length).toBeLessThanOrEqual(150);
    expect(decodeClassifyValue(raw)).toEqual({ sessionId: id, class: 'exploratory' });
  });

  it.each([
    ['unknown class', `c1:${id}:awesome`],
    ['unclassified', `c1:${id}:unclassified`],
    ['short id', 'c1:65f0c2:productive'],
    ['non-hex id', 'c1:65f0c2aa11bb22cc33dd44zz:productive'],
    ['upper-case id', `c1:${id.toUpperCase()}:productive`],
    ['wrong version', `c2:${id}:productive`],
    ['extra part', `c1:${id}:productive:x`],
    ['missing part', `c1:${id}`],
    ['injection', `c1:{"$ne":null}:productive`],
    ['too long', `c1:${id}:productive${'x'.repeat(200)}`],
    ['empty', ''],
  ])('rejects %s', (_name, raw) => {
    expect(decodeClassifyValue(raw)).toBeNull();
  });

  it('rejects non-strings', () => {
    expect(decodeClassifyValue(undefined)).toBeNull();
    expect(decodeClassifyValue({ sessionId: id })).toBeNull();
  });

  it('refuses to encode bad input', () => {
    expect(() => encodeClassifyValue({ sessionId: 'nope', class: 'productive' })).toThrow(RangeError);
  });

  it('session-only values round-trip and reject tampering', () => {
    expect(decodeSessionValue(encodeSessionValue(id))).toBe(id);
    expect(decodeSessionValue(`s1:${id}x`)).toBeNull();
    expect(decodeSessionValue(`c1:${id}:productive`)).toBeNull();
    expect(() => encodeSessionValue('abc')).toThrow(RangeError);
  });
});

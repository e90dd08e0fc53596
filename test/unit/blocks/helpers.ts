import { expect } from 'vitest';
import type { PromptSession } from '../../../blocks/classify-prompt.ts';
import { assertBlockKitLimits, formatViolations, type Surface } from '../../../blocks/limits.ts';
import type { SessionClass } from '../../../src/domain/types.ts';

export function expectWithinLimits(payload: unknown, surface: Surface): void {
  const violations = assertBlockKitLimits(payload, surface, {});
  expect(formatViolations(violations), 'Block Kit violations').toBe('');
}

const CLASSES: SessionClass[] = ['productive', 'exploratory', 'wasteful'];

export function makeSession(i: number, overrides: Partial<PromptSession> = {}): PromptSession {
  return {
    id: `65a0${String(i).padStart(20, '0')}`,
    costUsd: 50 - (i % 50) + 0.25,
    durationMs: (i + 1) * 60_000,
    model: 'claude-sonnet-4-5',
    repo: 'acme/api',
    branch: `feat/ENG-${100 + i}-thing`,
    suggestion: { class: CLASSES[i % 3]!, reason: 'commit recorded on the branch' },
    startedAt: new Date(Date.UTC(2025, 11, 8, 9, i % 60)),
    ...overrides,
  };
}

export function makeSessions(n: number, overrides: Partial<PromptSession> = {}): PromptSession[] {
  return Array.from({ length: n }, (_, i) => makeSession(i, overrides));
}

/** Every text string in a payload, joined: for "does it mention X" assertions. */
export function allText(payload: unknown): string {
  const out: string[] = [];
  const walk = (v: unknown): void => {
    if (typeof v === 'string') out.push(v);
    else if (Array.isArray(v)) v.forEach(walk);
    else if (v && typeof v === 'object') Object.values(v).forEach(walk);
  };
  walk(payload);
  return out.join('\n');
}

type AnyRecord = Record<string, unknown>;

/** All interactive elements (with their block) of a block list. */
export function elementsOf(blocks: readonly unknown[]): { blockId?: string; element: AnyRecord }[] {
  const out: { blockId?: string; element: AnyRecord }[] = [];
  for (const b of blocks as AnyRecord[]) {
    const blockId = typeof b.block_id === 'string' ? b.block_id : undefined;
    const els = [
      ...(Array.isArray(b.elements) ? (b.elements as AnyRecord[]) : []),
      ...(b.accessory ? [b.accessory as AnyRecord] : []),
      ...(b.element ? [b.element as AnyRecord] : []),
    ];
    for (const element of els) if (typeof element.action_id === 'string') out.push({ blockId, element });
  }
  return out;
}

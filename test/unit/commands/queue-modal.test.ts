import { describe, expect, it } from 'vitest';
import { buildClassifyPrompt, type PromptSession } from '../../../blocks/classify-prompt.ts';
import { assertBlockKitLimits } from '../../../blocks/limits.ts';
import { buildQueueLoadingModal, buildQueueModal } from '../../../blocks/queue-modal.ts';
import { VIEWS } from '../../../src/ids.ts';

const session = (i: number): PromptSession => ({
  id: `65f0c2aa11bb22cc33dd${String(i).padStart(4, '0')}`,
  costUsd: 10 + i,
  durationMs: 30 * 60_000,
  repo: 'acme/api',
  branch: `feature/${i}`,
  suggestion: { class: 'productive', reason: 'a commit landed' },
  startedAt: new Date(Date.UTC(2025, 11, 1 + (i % 28))),
});

describe('queue modal', () => {
  it('loading view is a valid modal with the queue callback id', () => {
    const view = buildQueueLoadingModal();
    expect(view).toMatchObject({
      type: 'modal',
      callback_id: VIEWS.queueModal,
      title: { text: 'Classify sessions' },
    });
    expect(assertBlockKitLimits(view, 'modal')).toEqual([]);
  });

  it('wraps the classify prompt (same blocks and action ids) and stays within modal limits', () => {
    const prompt = buildClassifyPrompt({
      sessions: Array.from({ length: 60 }, (_, i) => session(i)),
      costFloorUsd: 0.5,
    });
    const view = buildQueueModal(prompt);
    expect(view.blocks).toEqual(prompt.blocks);
    expect(JSON.stringify(view)).toContain('classify_productive');
    expect(assertBlockKitLimits(view, 'modal')).toEqual([]);
  });

  it('an empty queue says so', () => {
    const view = buildQueueModal(buildClassifyPrompt({ sessions: [], costFloorUsd: 0.5 }));
    expect(JSON.stringify(view.blocks)).toContain('Nothing left to classify');
  });
});

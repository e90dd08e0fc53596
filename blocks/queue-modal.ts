/**
 * `/ai-roi classify`: the caller's unclassified sessions in a modal. The body is the classify prompt itself
 * (same blocks, same action ids), so the classification listeners handle a click here as in the DM; they
 * update this view (container type `view`, callback_id VIEWS.queueModal) instead of a message.
 */
import type { ModalView } from '@slack/types';
import { VIEWS } from '../src/ids.ts';
import { plain, type SlackMessage, section } from './kit.ts';
import { LIMITS } from './limits.ts';

const TITLE = 'Classify sessions';

/** Opened at once with the trigger_id (valid for 3 s), then replaced by the queue. */
export function buildQueueLoadingModal(): ModalView {
  return {
    type: 'modal',
    callback_id: VIEWS.queueModal,
    title: plain(TITLE, LIMITS.view.title),
    close: plain('Close', LIMITS.view.close),
    blocks: [section(':hourglass_flowing_sand: Loading your unclassified sessions…')],
  };
}

export function buildQueueModal(prompt: SlackMessage): ModalView {
  return {
    type: 'modal',
    callback_id: VIEWS.queueModal,
    title: plain(TITLE, LIMITS.view.title),
    close: plain('Close', LIMITS.view.close),
    blocks: prompt.blocks.slice(0, LIMITS.blocks.modal),
  };
}

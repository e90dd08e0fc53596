import type { App, ViewSubmitAction } from '@slack/bolt';
import type { AppDeps } from '../../deps.ts';
import { VIEWS } from '../../ids.ts';
import { handleClassifyModal } from './classify-modal.ts';

/** Registers every view listener: one Slack id → one callback, one callback per file. */
export function registerViews(app: App, deps: AppDeps): void {
  app.view<ViewSubmitAction>(VIEWS.classifyModal, (args) => handleClassifyModal(args, deps));
}

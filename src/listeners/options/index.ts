import type { App } from '@slack/bolt';
import type { AppDeps } from '../../deps.ts';
import { MODAL_FIELDS } from '../../ids.ts';
import { handleIssueSearch } from './issue-search.ts';

/** Registers every option listener: one Slack id → one callback, one callback per file. */
export function registerOptions(app: App, deps: AppDeps): void {
  app.options<'block_suggestion'>({ type: 'block_suggestion', action_id: MODAL_FIELDS.issueInput }, (args) =>
    handleIssueSearch(args, deps),
  );
}

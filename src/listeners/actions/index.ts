import type { App, BlockAction } from '@slack/bolt';
import type { AppDeps } from '../../deps.ts';
import { ACTIONS } from '../../ids.ts';
import { handleBulkClassify } from './bulk-classify.ts';
import { handleBulkClassifyGroup } from './bulk-classify-group.ts';
import { handleClassifySession } from './classify-session.ts';
import { handleOpenNote } from './open-note.ts';
import { handleOpenQueue } from './open-queue.ts';
import { handlePageNext } from './page-next.ts';
import { handleSessionOverflow } from './session-overflow.ts';
import { handleSetPromptMode } from './set-prompt-mode.ts';
import { handleUndoClassification } from './undo-classification.ts';

/** Registers every action listener: one Slack id → one callback, one callback per file. */
export function registerActions(app: App, deps: AppDeps): void {
  // Self-classification (prompt DM and App Home).
  for (const id of [ACTIONS.classifyProductive, ACTIONS.classifyExploratory, ACTIONS.classifyWasteful]) {
    app.action<BlockAction>(id, (args) => handleClassifySession(args, deps));
  }
  for (const id of [
    ACTIONS.bulkClassifyProductive,
    ACTIONS.bulkClassifyExploratory,
    ACTIONS.bulkClassifyWasteful,
  ]) {
    app.action<BlockAction>(id, (args) => handleBulkClassifyGroup(args, deps));
  }
  app.action<BlockAction>(ACTIONS.undoClassification, (args) => handleUndoClassification(args, deps));
  app.action<BlockAction>(ACTIONS.sessionOverflow, (args) => handleSessionOverflow(args, deps));
  app.action<BlockAction>(ACTIONS.openNote, (args) => handleOpenNote(args, deps));
  app.action<BlockAction>(ACTIONS.bulkClassify, (args) => handleBulkClassify(args, deps));
  app.action<BlockAction>(ACTIONS.pageNext, (args) => handlePageNext(args, deps));
  app.action<BlockAction>(ACTIONS.setPromptMode, (args) => handleSetPromptMode(args, deps));
  app.action<BlockAction>(ACTIONS.openQueue, (args) => handleOpenQueue(args));
}

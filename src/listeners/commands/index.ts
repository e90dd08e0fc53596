import type { App } from '@slack/bolt';
import type { AppDeps } from '../../deps.ts';
import { COMMAND } from '../../ids.ts';
import { handleAiRoiCommand } from './ai-roi.ts';

export function registerCommands(app: App, deps: AppDeps): void {
  app.command(COMMAND, (args) => handleAiRoiCommand(args, deps));
}

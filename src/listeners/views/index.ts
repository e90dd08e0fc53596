import type { App } from '@slack/bolt';
import type { AppDeps } from '../../deps.ts';

/** Registers every view listener: one Slack id → one callback, one callback per file. */
export function registerViews(_app: App, _deps: AppDeps): void {}

import type { App } from '@slack/bolt';
import type { AppDeps } from '../../deps.ts';

/** Registers every option listener: one Slack id → one callback, one callback per file. */
export function registerOptions(_app: App, _deps: AppDeps): void {}

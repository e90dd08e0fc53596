import type { App } from '@slack/bolt';
import type { AppDeps } from '../../deps.ts';

/** Registers every action listener: one Slack id → one callback, one callback per file. */
export function registerActions(_app: App, _deps: AppDeps): void {}

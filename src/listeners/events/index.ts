import type { App } from '@slack/bolt';
import type { AppDeps } from '../../deps.ts';
import { EVENTS } from '../../ids.ts';
import { publishHome } from './app-home-opened.ts';

export function registerEvents(app: App, deps: AppDeps): void {
  app.event(EVENTS.appHomeOpened, async ({ event, client }) => {
    if (event.tab !== 'home') return;
    await publishHome(client, event.user, deps);
  });
}

import type { AppDeps } from '../deps.ts';

/** What outcome tracking needs from the app: no Slack client, no scheduler. */
export type OutcomeDeps = Pick<AppDeps, 'config' | 'collections' | 'logger' | 'now'>;

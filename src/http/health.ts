import type { Db } from 'mongodb';
import { sendJson } from './body.ts';
import type { Route } from './router.ts';

export interface Readiness {
  agendaRunning: boolean;
  /** Why start-up is still waiting for the database, if it is. */
  databaseProblem?: string;
}

/** /healthz: the process answers. /readyz: the database answers a ping and the job runner is up. */
export function healthRoutes(db: Db, readiness: Readiness): Route[] {
  return [
    { method: 'GET', path: '/healthz', handler: (_req, res) => sendJson(res, 200, { status: 'ok' }) },
    {
      method: 'GET',
      path: '/readyz',
      handler: async (_req, res) => {
        const problems: string[] = [];
        if (readiness.databaseProblem) problems.push(readiness.databaseProblem);
        else {
          try {
            await db.command({ ping: 1 }, { timeoutMS: 1000 });
          } catch (error) {
            problems.push(`database unreachable: ${(error as Error).message}`);
          }
        }
        if (!readiness.agendaRunning) problems.push('job runner not running');
        sendJson(res, problems.length ? 503 : 200, {
          status: problems.length ? 'not_ready' : 'ready',
          problems,
        });
      },
    },
  ];
}

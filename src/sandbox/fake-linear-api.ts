import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { buildSchema, execute, GraphQLError, parse } from 'graphql';

/**
 * A local stand-in for Linear's GraphQL API, for tests and for local mode (the sandbox's Linear workspace).
 * It parses every query like the real server (syntax errors answer 400), checks the Authorization header, and executes the query against a subset schema over
 * in-memory issues, so the SDK's real documents (fragments included) get real-shaped answers.
 */

export interface FakeLinearIssue {
  id: string;
  identifier: string;
  title: string;
  branchName?: string;
  url?: string;
  state: { id: string; name: string; type: string };
  team: { id: string; key: string; name: string };
  project?: { id: string; name: string };
  completedAt?: string;
  canceledAt?: string;
}

export interface RecordedLinearRequest {
  rootFields: string[];
  variables: Record<string, unknown>;
  authorization?: string;
}

const SCHEMA = buildSchema(`
  scalar DateTime
  type WorkflowState { id: ID! name: String! type: String! color: String }
  type Team { id: ID! key: String! name: String! }
  type Project { id: ID! name: String! }
  type Issue {
    id: ID! identifier: String! title: String! branchName: String! url: String!
    number: Float! priority: Float! createdAt: DateTime! updatedAt: DateTime!
    completedAt: DateTime canceledAt: DateTime
    state: WorkflowState team: Team project: Project
  }
  type PageInfo { hasNextPage: Boolean! hasPreviousPage: Boolean! startCursor: String endCursor: String }
  type IssueSearchResult {
    id: ID! identifier: String! title: String! branchName: String! url: String!
    number: Float! priority: Float! createdAt: DateTime! updatedAt: DateTime!
    completedAt: DateTime state: WorkflowState team: Team project: Project
    canceledAt: DateTime
  }
  type IssueSearchPayload { nodes: [IssueSearchResult!]! pageInfo: PageInfo! totalCount: Float! }
  type IssueConnection { nodes: [Issue!]! pageInfo: PageInfo! }
  type Query {
    issue(id: String!): Issue!
    issueVcsBranchSearch(branchName: String!): Issue
    searchIssues(term: String!, first: Int, includeComments: Boolean, teamId: String): IssueSearchPayload!
    workflowState(id: String!): WorkflowState!
  }
`);

export class FakeLinearApi {
  readonly issues = new Map<string, FakeLinearIssue>();
  readonly requests: RecordedLinearRequest[] = [];
  private rateLimitedRemaining = 0;
  private delayMs = 0;
  private failRemaining = 0;
  private server?: Server;
  url = '';

  constructor(private readonly options: { apiKey: string }) {}

  addIssue(issue: Partial<FakeLinearIssue> & { identifier: string }): FakeLinearIssue {
    const teamKey = issue.identifier.split('-')[0] ?? 'ENG';
    const full: FakeLinearIssue = {
      id: issue.id ?? `issue-${issue.identifier.toLowerCase()}`,
      title: issue.title ?? `Issue ${issue.identifier}`,
      branchName: issue.branchName ?? `dev/${issue.identifier.toLowerCase()}-work`,
      url: issue.url ?? `https://linear.app/sandbox/issue/${issue.identifier}`,
      state: issue.state ?? { id: 'state-started', name: 'In Progress', type: 'started' },
      team: issue.team ?? { id: `team-${teamKey.toLowerCase()}`, key: teamKey, name: teamKey },
      ...issue,
    };
    this.issues.set(full.identifier, full);
    return full;
  }

  /** The next n requests answer 429 with Retry-After, as Linear's rate limiter does. */
  rateLimitNext(n = 1): void {
    this.rateLimitedRemaining = n;
  }

  /** The next n requests answer 500. */
  failNext(n = 1): void {
    this.failRemaining = n;
  }

  /** Delay every answer (slow upstream). */
  setDelay(ms: number): void {
    this.delayMs = ms;
  }

  async start(): Promise<string> {
    this.server = createServer((req, res) => {
      this.handle(req, res).catch((error: unknown) =>
        json(res, 500, { errors: [{ message: String(error) }] }),
      );
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/graphql`;
    return this.url;
  }

  async stop(): Promise<void> {
    if (!this.server) return;
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server!.close(() => resolve()));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    if (this.delayMs) await new Promise((resolve) => setTimeout(resolve, this.delayMs));
    if (req.method !== 'POST') return json(res, 405, { errors: [{ message: 'POST only' }] });
    const authorization = req.headers.authorization;
    if (authorization !== this.options.apiKey && authorization !== `Bearer ${this.options.apiKey}`) {
      return json(res, 401, {
        errors: [
          {
            message: 'Authentication required, not authenticated',
            extensions: { code: 'AUTHENTICATION_ERROR' },
          },
        ],
      });
    }
    if (this.rateLimitedRemaining > 0) {
      this.rateLimitedRemaining -= 1;
      res.writeHead(429, {
        'content-type': 'application/json',
        'retry-after': '1',
        'x-ratelimit-requests-limit': '1500',
        'x-ratelimit-requests-remaining': '0',
        'x-ratelimit-requests-reset': String(Date.now() + 1000),
      });
      res.end(
        JSON.stringify({ errors: [{ message: 'Rate limit exceeded', extensions: { code: 'RATELIMITED' } }] }),
      );
      return;
    }
    if (this.failRemaining > 0) {
      this.failRemaining -= 1;
      return json(res, 500, { errors: [{ message: 'Internal server error' }] });
    }
    let body: { query?: string; variables?: Record<string, unknown> };
    try {
      body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
    } catch {
      return json(res, 400, { errors: [{ message: 'Body must be JSON' }] });
    }
    if (typeof body.query !== 'string') return json(res, 400, { errors: [{ message: 'Missing query' }] });
    let document: ReturnType<typeof parse>;
    try {
      document = parse(body.query);
    } catch (error) {
      return json(res, 400, { errors: [{ message: (error as GraphQLError).message }] });
    }
    const rootFields = document.definitions.flatMap((definition) =>
      definition.kind === 'OperationDefinition'
        ? definition.selectionSet.selections.flatMap((s) => (s.kind === 'Field' ? [s.name.value] : []))
        : [],
    );
    this.requests.push({ rootFields, variables: body.variables ?? {}, authorization });
    // Unknown fields in the SDK's fragments are skipped rather than rejected, so no validation pass here.
    const result = await execute({
      schema: SCHEMA,
      document,
      variableValues: body.variables ?? {},
      rootValue: this.resolvers(),
    });
    json(res, 200, result);
  }

  private resolvers() {
    const find = (id: string) =>
      this.issues.get(id.toUpperCase()) ?? [...this.issues.values()].find((issue) => issue.id === id);
    const withDefaults = (issue: FakeLinearIssue) => ({
      number: Number(issue.identifier.split('-')[1]),
      priority: 0,
      createdAt: '2026-11-01T00:00:00.000Z',
      updatedAt: '2026-11-01T00:00:00.000Z',
      ...issue,
    });
    return {
      issue: ({ id }: { id: string }) => {
        const issue = find(id);
        if (!issue)
          throw new GraphQLError('Entity not found: Issue', { extensions: { code: 'INVALID_INPUT' } });
        return withDefaults(issue);
      },
      issueVcsBranchSearch: ({ branchName }: { branchName: string }) => {
        const issue = [...this.issues.values()].find(
          (candidate) => candidate.branchName?.toLowerCase() === branchName.toLowerCase(),
        );
        return issue ? withDefaults(issue) : null;
      },
      searchIssues: ({ term, first }: { term: string; first?: number }) => {
        const needle = term.toLowerCase();
        const nodes = [...this.issues.values()]
          .filter(
            (i) => i.identifier.toLowerCase().includes(needle) || i.title.toLowerCase().includes(needle),
          )
          .slice(0, first ?? 50)
          .map(withDefaults);
        return { nodes, totalCount: nodes.length, pageInfo: { hasNextPage: false, hasPreviousPage: false } };
      },
      workflowState: ({ id }: { id: string }) => {
        const issue = [...this.issues.values()].find((candidate) => candidate.state.id === id);
        if (!issue) throw new GraphQLError('Entity not found: WorkflowState');
        return issue.state;
      },
    };
  }
}

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
  res.end(JSON.stringify(body));
}

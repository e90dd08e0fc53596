/**
 * The narrow Linear API ai-roi needs: one issue, a text search, and the issue behind a branch name.
 *
 * Built on `@linear/sdk`'s `LinearClient` (its transport, auth header and error classes, including
 * `RatelimitedLinearError`), but each call sends one small named query through `client.client.rawRequest`
 * instead of the SDK's typed methods. The typed models load `state`, `team` and `project` lazily, one extra
 * request each: three more requests per issue, and 3 × 50 for a page of search results. Linear rate-limits by
 * requests and by query complexity (and `searchIssues` by 30 requests a minute), so one request that selects
 * exactly the fields we store is both faster and cheaper. Errors still come back as the SDK's LinearError
 * subclasses (rawRequest runs them through `parseLinearError`).
 */
import { LinearClient } from '@linear/sdk';

/** What ai-roi keeps of an issue: metadata only, never descriptions or comments. */
export interface LinearIssueInfo {
  linearId: string;
  identifier: string;
  title: string;
  url?: string;
  stateType: string;
  stateName?: string;
  team?: string;
  teamKey?: string;
  project?: string;
  completedAt?: Date;
  canceledAt?: Date;
  updatedAt?: Date;
}

export interface LinearApi {
  /** By identifier (ENG-123) or id; undefined when Linear does not know it. */
  getIssue(idOrIdentifier: string): Promise<LinearIssueInfo | undefined>;
  searchIssues(term: string, first: number): Promise<LinearIssueInfo[]>;
  /** Linear's own branch matcher (`issueVcsBranchSearch`), e.g. for `ana/eng-123-fix-login`. */
  issueByBranch(branchName: string): Promise<LinearIssueInfo | undefined>;
}

const ISSUE_FIELDS = `
  id identifier title url updatedAt completedAt canceledAt
  state { name type }
  team { key name }
  project { name }
`;

const ISSUE_QUERY = `query AiRoiIssue($id: String!) { issue(id: $id) { ${ISSUE_FIELDS} } }`;
const SEARCH_QUERY = `query AiRoiSearchIssues($term: String!, $first: Int) {
  searchIssues(term: $term, first: $first) { nodes { ${ISSUE_FIELDS} } }
}`;
const BRANCH_QUERY = `query AiRoiIssueByBranch($branchName: String!) {
  issueVcsBranchSearch(branchName: $branchName) { ${ISSUE_FIELDS} }
}`;

interface RawIssue {
  id: string;
  identifier: string;
  title: string;
  url?: string | null;
  updatedAt?: string | null;
  completedAt?: string | null;
  canceledAt?: string | null;
  state?: { name?: string | null; type?: string | null } | null;
  team?: { key?: string | null; name?: string | null } | null;
  project?: { name?: string | null } | null;
}

function date(value: string | null | undefined): Date | undefined {
  if (!value) return undefined;
  const parsed = new Date(value);
  return Number.isNaN(parsed.getTime()) ? undefined : parsed;
}

export function toIssueInfo(raw: RawIssue): LinearIssueInfo {
  const info: LinearIssueInfo = {
    linearId: raw.id,
    identifier: raw.identifier.toUpperCase(),
    title: raw.title,
    stateType: raw.state?.type ?? 'unknown',
  };
  if (raw.url) info.url = raw.url;
  if (raw.state?.name) info.stateName = raw.state.name;
  if (raw.team?.name) info.team = raw.team.name;
  if (raw.team?.key) info.teamKey = raw.team.key;
  if (raw.project?.name) info.project = raw.project.name;
  const completedAt = date(raw.completedAt);
  if (completedAt) info.completedAt = completedAt;
  const canceledAt = date(raw.canceledAt);
  if (canceledAt) info.canceledAt = canceledAt;
  const updatedAt = date(raw.updatedAt);
  if (updatedAt) info.updatedAt = updatedAt;
  return info;
}

/** Linear answers an unknown id with an "Entity not found" GraphQL error rather than null. */
export function isNotFoundError(error: unknown): boolean {
  const e = error as { errors?: { message?: string }[]; message?: string };
  const messages = [e.message, ...(e.errors ?? []).map((x) => x.message)];
  return messages.some((m) => typeof m === 'string' && /entity not found|could not find/i.test(m));
}

/**
 * Personal API keys (`lin_api_…`) go in the Authorization header as they are; OAuth access tokens
 * (`lin_oauth_…`) as Bearer. LINEAR_API_KEY may hold either.
 */
export function createLinearClient(key: string, apiUrl: string): LinearClient {
  return key.startsWith('lin_oauth_')
    ? new LinearClient({ accessToken: key, apiUrl })
    : new LinearClient({ apiKey: key, apiUrl });
}

export function createLinearApi(options: { apiKey: string; apiUrl: string }): LinearApi {
  const client = createLinearClient(options.apiKey, options.apiUrl);
  const request = async <T>(query: string, variables: Record<string, unknown>): Promise<T> => {
    const response = await client.client.rawRequest<T, Record<string, unknown>>(query, variables);
    return response.data as T;
  };
  return {
    async getIssue(idOrIdentifier) {
      try {
        const data = await request<{ issue: RawIssue | null }>(ISSUE_QUERY, { id: idOrIdentifier });
        return data.issue ? toIssueInfo(data.issue) : undefined;
      } catch (error) {
        if (isNotFoundError(error)) return undefined;
        throw error;
      }
    },
    async searchIssues(term, first) {
      const data = await request<{ searchIssues: { nodes: RawIssue[] } }>(SEARCH_QUERY, { term, first });
      return data.searchIssues.nodes.map(toIssueInfo);
    },
    async issueByBranch(branchName) {
      const data = await request<{ issueVcsBranchSearch: RawIssue | null }>(BRANCH_QUERY, { branchName });
      return data.issueVcsBranchSearch ? toIssueInfo(data.issueVcsBranchSearch) : undefined;
    },
  };
}

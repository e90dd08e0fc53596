/**
 * Linear lookups as the rest of the app uses them: cached in `linear_issues` with a freshness window, bounded
 * by a timeout, and never throwing. Every answer says whether Linear confirmed the issue, denied it, or could
 * not be asked (not configured, rate-limited, slow or failing), so callers can keep links "unconfirmed"
 * instead of failing a Slack interaction.
 *
 * Rate limits: a `RatelimitedLinearError` starts a back-off for its Retry-After (searches have their own
 * back-off, since Linear limits `searchIssues` separately); during a back-off nothing is sent to Linear and
 * callers get `unavailable` at once, served from the cache where it has the issue.
 */
import { AuthenticationLinearError, RatelimitedLinearError } from '@linear/sdk';
import type { Collections } from '../db/collections.ts';
import type { Logger } from '../logger.ts';
import { createLinearApi, type LinearApi, type LinearIssueInfo } from './api.ts';
import { cachedIssue, issueFromDoc, searchCachedIssues, storeIssue } from './cache.ts';

/** Open issues are re-read after this long; completed and canceled ones change rarely (webhooks update them). */
export const ISSUE_FRESH_MS = 10 * 60_000;
export const CLOSED_ISSUE_FRESH_MS = 6 * 60 * 60_000;
/** "Linear does not know ENG-9" is remembered this long before asking again. */
export const NOT_FOUND_FRESH_MS = 10 * 60_000;
export const SEARCH_FRESH_MS = 60_000;
export const DEFAULT_TIMEOUT_MS = 8_000;
const DEFAULT_RATE_LIMIT_BACKOFF_MS = 60_000;
const MAX_BACKOFF_MS = 15 * 60_000;
const ERROR_BACKOFF_MS = 5_000;
const AUTH_BACKOFF_MS = 5 * 60_000;
const SEARCH_LIMIT = 50;
const MAX_CACHED_SEARCHES = 500;

export type UnavailableReason = 'disabled' | 'rate_limited' | 'timeout' | 'error';

export type IssueLookup =
  | { status: 'found'; issue: LinearIssueInfo; fromCache: boolean }
  | { status: 'not_found' }
  | { status: 'unavailable'; reason: UnavailableReason };

export type IssueSearch =
  | { status: 'ok'; issues: LinearIssueInfo[] }
  | { status: 'unavailable'; reason: UnavailableReason };

export interface LookupOptions {
  timeoutMs?: number;
  /** Ignore the freshness window (the caller needs Linear's current state). */
  refresh?: boolean;
}

export interface LinearIssuesOptions {
  collections: Pick<Collections, 'linearIssues'>;
  logger: Logger;
  /** Undefined when LINEAR_API_KEY is unset: identifier matching only. */
  api?: LinearApi;
  now: () => Date;
  /** Called after a read stored a newer state of an issue (outcomes follow the issue's state). */
  onIssueChanged?: (issue: LinearIssueInfo) => Promise<void>;
}

class TimeoutError extends Error {}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new TimeoutError(`Linear did not answer within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

function isClosed(stateType: string): boolean {
  return stateType === 'completed' || stateType === 'canceled';
}

export class LinearIssues {
  private backoffUntil = 0;
  private searchBackoffUntil = 0;
  private readonly notFound = new Map<string, number>();
  private readonly searches = new Map<string, { at: number; issues: LinearIssueInfo[] }>();
  private readonly branches = new Map<string, { at: number; identifier: string | null }>();

  constructor(private readonly options: LinearIssuesOptions) {}

  /** True when an API key is configured (lookups can confirm identifiers). */
  get enabled(): boolean {
    return this.options.api !== undefined;
  }

  /** Milliseconds left of the current back-off (0 when Linear may be asked). */
  backoffRemainingMs(kind: 'any' | 'search' = 'any'): number {
    const until =
      kind === 'search' ? Math.max(this.backoffUntil, this.searchBackoffUntil) : this.backoffUntil;
    return Math.max(0, until - Date.now());
  }

  async getIssue(identifier: string, options: LookupOptions = {}): Promise<IssueLookup> {
    const key = identifier.trim().toUpperCase();
    const cached = await cachedIssue(this.options.collections, key);
    const now = this.options.now().getTime();
    if (cached && !options.refresh) {
      const window = isClosed(cached.stateType) ? CLOSED_ISSUE_FRESH_MS : ISSUE_FRESH_MS;
      if (now - cached.fetchedAt.getTime() < window) {
        return { status: 'found', issue: issueFromDoc(cached), fromCache: true };
      }
    }
    const deniedAt = this.notFound.get(key);
    if (!cached && !options.refresh && deniedAt !== undefined && Date.now() - deniedAt < NOT_FOUND_FRESH_MS) {
      return { status: 'not_found' };
    }
    const answer = await this.call('any', options.timeoutMs, (api) => api.getIssue(key));
    if (answer.ok) {
      if (!answer.value) {
        this.notFound.set(key, Date.now());
        return { status: 'not_found' };
      }
      this.notFound.delete(key);
      return { status: 'found', issue: answer.value, fromCache: false };
    }
    // Linear cannot be asked right now: a stale cached copy is better than nothing.
    if (cached) return { status: 'found', issue: issueFromDoc(cached), fromCache: true };
    return { status: 'unavailable', reason: answer.reason };
  }

  /** Linear's answer for a branch is remembered like an issue's (sessions on one branch ask once). */
  async issueByBranch(branch: string, options: LookupOptions = {}): Promise<IssueLookup> {
    const known = this.branches.get(branch);
    if (known && !options.refresh && Date.now() - known.at < ISSUE_FRESH_MS) {
      if (known.identifier === null) return { status: 'not_found' };
      const cached = await cachedIssue(this.options.collections, known.identifier);
      if (cached) return { status: 'found', issue: issueFromDoc(cached), fromCache: true };
    }
    const answer = await this.call('any', options.timeoutMs, (api) => api.issueByBranch(branch));
    if (!answer.ok) return { status: 'unavailable', reason: answer.reason };
    if (this.branches.size >= MAX_CACHED_SEARCHES) this.branches.delete(this.branches.keys().next().value!);
    this.branches.set(branch, { at: Date.now(), identifier: answer.value?.identifier ?? null });
    return answer.value
      ? { status: 'found', issue: answer.value, fromCache: false }
      : { status: 'not_found' };
  }

  async searchIssues(term: string, options: LookupOptions = {}): Promise<IssueSearch> {
    const key = term.trim().toLowerCase();
    const hit = this.searches.get(key);
    if (hit && Date.now() - hit.at < SEARCH_FRESH_MS) return { status: 'ok', issues: hit.issues };
    const answer = await this.call('search', options.timeoutMs, async (api) => {
      const issues = await api.searchIssues(term.trim(), SEARCH_LIMIT);
      // Kept by term even when the caller stopped waiting: the next keystroke may ask again.
      if (this.searches.size >= MAX_CACHED_SEARCHES) this.searches.delete(this.searches.keys().next().value!);
      this.searches.set(key, { at: Date.now(), issues });
      return issues;
    });
    if (!answer.ok) return { status: 'unavailable', reason: answer.reason };
    return { status: 'ok', issues: answer.value };
  }

  /** Issues from the cache only (no Linear call): the fallback when search is slow or unavailable. */
  searchCache(term: string, limit: number): Promise<LinearIssueInfo[]> {
    return searchCachedIssues(this.options.collections, term, limit);
  }

  /**
   * One Linear request: skipped during a back-off, bounded by a timeout. Results are cached even when they
   * arrive after the caller stopped waiting, so the next keystroke or retry finds them.
   */
  private async call<T extends LinearIssueInfo | LinearIssueInfo[] | undefined>(
    kind: 'any' | 'search',
    timeoutMs: number | undefined,
    run: (api: LinearApi) => Promise<T>,
  ): Promise<{ ok: true; value: T } | { ok: false; reason: UnavailableReason }> {
    const api = this.options.api;
    if (!api) return { ok: false, reason: 'disabled' };
    if (this.backoffRemainingMs(kind) > 0) return { ok: false, reason: 'rate_limited' };
    const work = run(api).then(
      async (value) => {
        await this.remember(value);
        return value;
      },
      (error: unknown) => {
        this.noteFailure(error, kind);
        throw error;
      },
    );
    try {
      return { ok: true, value: await withTimeout(work, timeoutMs ?? DEFAULT_TIMEOUT_MS) };
    } catch (error) {
      if (error instanceof TimeoutError) {
        // The request goes on; its outcome is cached or logged when it settles.
        work.catch(() => {});
        return { ok: false, reason: 'timeout' };
      }
      return { ok: false, reason: error instanceof RatelimitedLinearError ? 'rate_limited' : 'error' };
    }
  }

  private async remember(value: LinearIssueInfo | LinearIssueInfo[] | undefined) {
    const issues = value === undefined ? [] : Array.isArray(value) ? value : [value];
    const now = this.options.now();
    for (const issue of issues) {
      try {
        const changed = await storeIssue(this.options.collections, issue, now);
        if (changed && this.options.onIssueChanged) await this.options.onIssueChanged(issue);
      } catch (error) {
        this.options.logger.warn({ err: error, issue: issue.identifier }, 'could not cache a Linear issue');
      }
    }
  }

  private noteFailure(error: unknown, kind: 'any' | 'search'): void {
    const logger = this.options.logger;
    if (error instanceof RatelimitedLinearError) {
      const waitMs = Math.min(
        MAX_BACKOFF_MS,
        error.retryAfter !== undefined ? error.retryAfter * 1000 : DEFAULT_RATE_LIMIT_BACKOFF_MS,
      );
      const until = Date.now() + Math.max(1000, waitMs);
      if (kind === 'search') this.searchBackoffUntil = Math.max(this.searchBackoffUntil, until);
      else this.backoffUntil = Math.max(this.backoffUntil, until);
      logger.warn({ retryAfterMs: waitMs, kind }, 'Linear rate limit reached; backing off');
      return;
    }
    if (error instanceof AuthenticationLinearError) {
      this.backoffUntil = Math.max(this.backoffUntil, Date.now() + AUTH_BACKOFF_MS);
      logger.error({ err: error }, 'Linear refused the API key: check LINEAR_API_KEY (and LINEAR_API_URL)');
      return;
    }
    this.backoffUntil = Math.max(this.backoffUntil, Date.now() + ERROR_BACKOFF_MS);
    logger.warn({ err: error }, 'Linear request failed');
  }
}

export function createLinearIssues(options: {
  apiKey?: string;
  apiUrl: string;
  collections: Pick<Collections, 'linearIssues'>;
  logger: Logger;
  now: () => Date;
  onIssueChanged?: (issue: LinearIssueInfo) => Promise<void>;
}): LinearIssues {
  return new LinearIssues({
    collections: options.collections,
    logger: options.logger,
    now: options.now,
    ...(options.apiKey ? { api: createLinearApi({ apiKey: options.apiKey, apiUrl: options.apiUrl }) } : {}),
    ...(options.onIssueChanged ? { onIssueChanged: options.onIssueChanged } : {}),
  });
}

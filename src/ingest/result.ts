import type { z } from 'zod';

/**
 * The one result shape every ingest parser returns, so a route can answer
 * `400 <error>` without knowing which parser failed. `error` reads "path - message",
 * e.g. "events[3].cost.usd - Number must be ≥ 0".
 */
export type ParseResult<T> = { ok: true; value: T } | { ok: false; error: string };

export function ok<T>(value: T): ParseResult<T> {
  return { ok: true, value };
}

export function fail(path: string, message: string): { ok: false; error: string } {
  return { ok: false, error: `${path || '(root)'} - ${message}` };
}

/** `['events', 3, 'cost', 'usd']` → `events[3].cost.usd`; an empty path is the body itself. */
export function formatPath(path: readonly PropertyKey[], root = ''): string {
  let out = root;
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`;
    else out += out === '' ? String(part) : `.${String(part)}`;
  }
  return out || '(root)';
}

/** All issues of a zod error as "path - message", the first few only so a 4xx body stays short. */
export function formatZodError(error: z.ZodError, maxIssues = 5, root = ''): string {
  const lines = error.issues
    .slice(0, maxIssues)
    .map((issue) => `${formatPath(issue.path, root)} - ${issue.message}`);
  const more = error.issues.length - maxIssues;
  if (more > 0) lines.push(`(${more} more)`);
  return lines.join('; ');
}

/** Run a zod schema and return the shared result shape. */
export function parseWith<T>(schema: z.ZodType<T>, input: unknown, root = ''): ParseResult<T> {
  const parsed = schema.safeParse(input);
  return parsed.success ? ok(parsed.data) : { ok: false, error: formatZodError(parsed.error, 5, root) };
}

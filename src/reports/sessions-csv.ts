/**
 * The session export as CSV (RFC 4180: comma-separated, CRLF line ends, fields with commas, quotes or line
 * breaks quoted). Metadata only — prompts and code are never stored, so they cannot be exported.
 * Text cells that a spreadsheet would run as a formula (=, +, -, @, tab, CR first) get a leading
 * apostrophe: branch names and repo names come from telemetry and are not trusted.
 */
import type { ClassOrUnclassified, CostKind, TokenCounts } from '../domain/types.ts';

export interface SessionCsvRow {
  sessionId: string;
  /** Slack user id, or "unmapped:<identity>". */
  person: string;
  personName?: string;
  team?: string;
  startedAt: Date;
  endedAt: Date;
  costUsd: number;
  costKind: CostKind;
  tokens: TokenCounts;
  apiRequests: number;
  /** Model name → API calls. */
  models: Record<string, number>;
  repo?: string;
  branch?: string;
  class: ClassOrUnclassified;
  classifiedBy?: 'self' | 'manager' | 'auto';
  linkedIssues: readonly string[];
  /** Outcome refs (ENG-123, owner/repo#42). */
  outcomes: readonly string[];
}

export const SESSION_CSV_COLUMNS = [
  'session_id',
  'person',
  'person_name',
  'team',
  'started_at',
  'ended_at',
  'duration_minutes',
  'cost_usd',
  'cost_kind',
  'tokens_input',
  'tokens_output',
  'tokens_cache_read',
  'tokens_cache_creation',
  'tokens_total',
  'api_requests',
  'models',
  'repo',
  'branch',
  'class',
  'classified_by',
  'linked_issues',
  'outcomes',
] as const;

const FORMULA_START = /^[=+\-@\t\r]/;

/** One text cell: formula-guarded, then quoted when it has a comma, quote or line break. */
export function csvText(value: string | undefined): string {
  if (value === undefined || value === '') return '';
  const guarded = FORMULA_START.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(guarded) ? `"${guarded.replace(/"/g, '""')}"` : guarded;
}

function csvNumber(value: number, decimals: number): string {
  if (!Number.isFinite(value)) return '';
  return decimals === 0 ? String(Math.round(value)) : value.toFixed(decimals).replace(/\.?0+$/, '') || '0';
}

function modelMix(models: Record<string, number>): string {
  return Object.entries(models)
    .filter(([, calls]) => calls > 0)
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
    .map(([model, calls]) => `${model}×${calls}`)
    .join('; ');
}

export function sessionCsvLine(row: SessionCsvRow): string {
  const t = row.tokens;
  const total = t.input + t.output + t.cacheRead + t.cacheCreation;
  const minutes = Math.max(0, row.endedAt.getTime() - row.startedAt.getTime()) / 60_000;
  return [
    csvText(row.sessionId),
    csvText(row.person),
    csvText(row.personName),
    csvText(row.team),
    row.startedAt.toISOString(),
    row.endedAt.toISOString(),
    csvNumber(minutes, 1),
    csvNumber(row.costUsd, 4),
    row.costKind,
    csvNumber(t.input, 0),
    csvNumber(t.output, 0),
    csvNumber(t.cacheRead, 0),
    csvNumber(t.cacheCreation, 0),
    csvNumber(total, 0),
    csvNumber(row.apiRequests, 0),
    csvText(modelMix(row.models)),
    csvText(row.repo),
    csvText(row.branch),
    row.class,
    row.classifiedBy ?? '',
    csvText(row.linkedIssues.join(' ')),
    csvText(row.outcomes.join(' ')),
  ].join(',');
}

export function sessionsCsv(rows: readonly SessionCsvRow[]): string {
  return `${[SESSION_CSV_COLUMNS.join(','), ...rows.map(sessionCsvLine)].join('\r\n')}\r\n`;
}

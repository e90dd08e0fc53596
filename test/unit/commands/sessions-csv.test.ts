import { describe, expect, it } from 'vitest';
import {
  csvText,
  SESSION_CSV_COLUMNS,
  type SessionCsvRow,
  sessionsCsv,
} from '../../../src/reports/sessions-csv.ts';

const row: SessionCsvRow = {
  sessionId: '65f0c2aa11bb22cc33dd44ee',
  person: 'UANA000001',
  personName: 'Ana, "the" dev',
  team: 'Payments',
  startedAt: new Date('2025-12-02T10:00:00Z'),
  endedAt: new Date('2025-12-02T10:45:30Z'),
  costUsd: 12.345678,
  costKind: 'estimated',
  tokens: { input: 1000, output: 200, cacheRead: 30, cacheCreation: 4 },
  apiRequests: 7,
  models: { 'claude-haiku': 2, 'claude-sonnet-4.5': 5 },
  repo: 'acme/api',
  branch: '=HYPERLINK("http://evil")',
  class: 'productive',
  classifiedBy: 'self',
  linkedIssues: ['ENG-1', 'ENG-2'],
  outcomes: ['ENG-1', 'acme/api#42'],
};

describe('sessions CSV', () => {
  it('has one header line and one CRLF-terminated line per session', () => {
    const csv = sessionsCsv([row, { ...row, sessionId: 'b'.repeat(24), personName: undefined }]);
    const lines = csv.split('\r\n');
    expect(lines).toHaveLength(4);
    expect(lines.at(-1)).toBe('');
    expect(lines[0]).toBe(SESSION_CSV_COLUMNS.join(','));
    expect(lines[0]!.split(',')).toHaveLength(22);
  });

  it('writes numbers plainly, quotes commas and quotes, and guards formulas', () => {
    const [, line] = sessionsCsv([row]).split('\r\n');
    expect(line).toBe(
      [
        '65f0c2aa11bb22cc33dd44ee',
        'UANA000001',
        '"Ana, ""the"" dev"',
        'Payments',
        '2025-12-02T10:00:00.000Z',
        '2025-12-02T10:45:30.000Z',
        '45.5',
        '12.3457',
        'estimated',
        '1000',
        '200',
        '30',
        '4',
        '1234',
        '7',
        'claude-sonnet-4.5×5; claude-haiku×2',
        'acme/api',
        `"'=HYPERLINK(""http://evil"")"`,
        'productive',
        'self',
        'ENG-1 ENG-2',
        'ENG-1 acme/api#42',
      ].join(','),
    );
  });

  it('leaves optional cells empty and keeps unmapped people and unclassified sessions readable', () => {
    const [, line] = sessionsCsv([
      {
        ...row,
        person: 'unmapped:email:x@y.z',
        personName: undefined,
        team: undefined,
        repo: undefined,
        branch: undefined,
        class: 'unclassified',
        classifiedBy: undefined,
        linkedIssues: [],
        outcomes: [],
        models: {},
        costUsd: 0,
      },
    ]).split('\r\n');
    const cells = line!.split(',');
    expect(cells[1]).toBe('unmapped:email:x@y.z');
    expect(cells[2]).toBe('');
    expect(cells[3]).toBe('');
    expect(cells[7]).toBe('0');
    expect(cells.slice(15)).toEqual(['', '', '', 'unclassified', '', '', '']);
  });

  it.each([
    ['+1', "'+1"],
    ['-cmd', "'-cmd"],
    ['@SUM(A1)', "'@SUM(A1)"],
    ['\tx', "'\tx"],
    ['line\nbreak', '"line\nbreak"'],
    ['plain', 'plain'],
    ['', ''],
  ])('csvText(%j) → %j', (input, expected) => {
    expect(csvText(input)).toBe(expected);
  });
});

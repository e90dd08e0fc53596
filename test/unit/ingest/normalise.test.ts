import { describe, expect, it } from 'vitest';
import {
  compactIdentity,
  derivedSessionKey,
  hasPersonIdentity,
  identityKey,
} from '../../../src/ingest/identity.ts';
import { isContentLikeKey, MAX_LABELS, safeLabels } from '../../../src/ingest/labels.ts';
import { normaliseRepo } from '../../../src/ingest/repo.ts';
import { fail, formatPath } from '../../../src/ingest/result.ts';
import { canonicalJson, stableId } from '../../../src/ingest/stable-id.ts';
import { allStrings, expectNoSecrets } from './helpers.ts';

describe('identityKey', () => {
  it('prefers email, lowercased', () => {
    expect(identityKey({ email: ' Ada@Example.COM ', accountId: 'a', userId: 'u' })).toBe(
      'email:ada@example.com',
    );
  });

  it('falls back to account, user, external id', () => {
    expect(identityKey({ accountId: 'acc', userId: 'u', externalId: 'x' })).toBe('account:acc');
    expect(identityKey({ userId: 'u', externalId: 'x' })).toBe('user:u');
    expect(identityKey({ externalId: 'x' })).toBe('external:x');
    expect(identityKey({ organizationId: 'org' })).toBe('unknown');
    expect(hasPersonIdentity({ organizationId: 'org' })).toBe(false);
    expect(hasPersonIdentity({ userId: 'u' })).toBe(true);
  });

  it('compacts empty values away', () => {
    expect(compactIdentity({ email: ' ', userId: ' u ', accountId: undefined })).toEqual({ userId: 'u' });
  });

  it('derives a session key per person and UTC hour', () => {
    expect(derivedSessionKey({ email: 'A@b.c' }, new Date('2026-03-02T10:59:59Z'))).toBe(
      'derived:email:a@b.c:2026-03-02T10',
    );
  });
});

describe('labels', () => {
  it('drops content-like keys', () => {
    for (const key of [
      'prompt',
      'user.prompt',
      'tool_parameters',
      'response_text',
      'bash.command',
      'api_key',
    ])
      expect(isContentLikeKey(key)).toBe(true);
    for (const key of ['service.name', 'team', 'branch', 'deployment.environment', 'query_source'])
      expect(isContentLikeKey(key)).toBe(false);
  });

  it('caps count, key and value length', () => {
    const entries = Array.from({ length: 50 }, (_, i) => [`k${i}`, 'v'] as const);
    expect(Object.keys(safeLabels(entries))).toHaveLength(MAX_LABELS);
    const labels = safeLabels([
      ['long', 'x'.repeat(500)],
      ['k'.repeat(65), 'v'],
      ['$where', 'v'],
    ]);
    expect(labels).toEqual({ long: 'x'.repeat(200) });
  });
});

describe('normaliseRepo', () => {
  it('reduces GitHub-style URLs to owner/name', () => {
    for (const url of [
      'https://github.com/acme/api',
      'https://github.com/acme/api.git',
      'https://github.com/acme/api/',
      'git@github.com:acme/api.git',
      'ssh://git@github.com/acme/api.git',
      'acme/api',
    ]) {
      expect(normaliseRepo(url)).toBe('acme/api');
    }
  });

  it('keeps anything else as sent', () => {
    expect(normaliseRepo('https://gitlab.com/group/sub/repo')).toBe('https://gitlab.com/group/sub/repo');
    expect(normaliseRepo('monorepo')).toBe('monorepo');
  });
});

describe('result helpers and stable ids', () => {
  it('formats paths the way error messages name fields', () => {
    expect(formatPath(['events', 3, 'cost', 'usd'])).toBe('events[3].cost.usd');
    expect(formatPath([0, 'id'])).toBe('[0].id');
    expect(formatPath([])).toBe('(root)');
    expect(fail('', 'bad')).toEqual({ ok: false, error: '(root) - bad' });
  });

  it('hashes equal data equally whatever the key order', () => {
    expect(canonicalJson({ b: 1, a: [{ d: 2, c: undefined }] })).toBe('{"a":[{"d":2}],"b":1}');
    expect(stableId({ a: 1, b: 2 })).toBe(stableId({ b: 2, a: 1 }));
    expect(stableId({ a: 1 })).not.toBe(stableId({ a: 2 }));
  });

  it('deep-scan helper finds secrets in keys, values, maps and nested arrays', () => {
    expect(allStrings({ a: [{ secretKey: 1 }], m: new Map([['k', 'v']]) })).toEqual([
      'a',
      'secretKey',
      'm',
      'k',
      'v',
    ]);
    expect(() => expectNoSecrets({ nested: [{ x: 'has SECRET-1 inside' }] }, ['SECRET-1'])).toThrow(/leaked/);
  });
});

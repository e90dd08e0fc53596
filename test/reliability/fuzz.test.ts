/**
 * Fuzzing every inbound endpoint with fast-check: valid requests mutated into hostile ones (wrong types per
 * field, huge and non-finite numbers, dropped fields, truncated/oversized bodies, invalid UTF-8, deep nesting,
 * wrong content types and encodings, missing and duplicated headers, signatures over another body, timestamps
 * at and beyond each window). Invariants: no crash, no hang, no 5xx, rejected requests write nothing (an
 * authenticated invalid body may leave one dead letter, by design), and no prompt text reaches the database.
 */
import { gzipSync } from 'node:zlib';
import fc from 'fast-check';
import { ObjectId } from 'mongodb';
import { afterAll, describe, it } from 'vitest';
import { startTestApp, type TestApp } from '../support/harness.ts';
import { statusClass, useFigures } from './figures.ts';
import {
  applyByteMutation,
  applyJsonMutation,
  byteMutation,
  CONTENT_ENCODINGS,
  type JsonPath,
  jsonMutation,
  serialise,
  WRONG_CONTENT_TYPES,
} from './mutations.ts';
import {
  ACTIONS,
  blockAction,
  blockSuggestion,
  bulkValue,
  classifyValue,
  commandFields,
  encodeLogs,
  encodeMetrics,
  eventCallback,
  formBody,
  githubHeaders,
  githubMergedPr,
  homeOpened,
  linearHeaders,
  linearIssue,
  liteLlmHeaders,
  liteLlmPayload,
  manualOutcome,
  otlpHeaders,
  otlpLogs,
  otlpMetrics,
  outcomesHeaders,
  RELIABILITY_ENV,
  SECRETS,
  slackHeaders,
  usageEvent,
  usageHeaders,
  viewSubmission,
} from './payloads.ts';
import { refusedConnections } from './setup.ts';
import { type RawHeaders, rawPost, recordingLogger, scanForText, settle, snapshot } from './support.ts';

const SEED = 20_261_130;
const MAX_BODY = 256 * 1024;
const USERS = ['UALICE0001', 'UBOB000001', 'UCAROL0001', 'UNOBODY001'];

interface Built {
  body: Buffer;
  headers: RawHeaders;
}

interface Case {
  endpoint: string;
  name: string;
  /** Whether the request passes authentication (an invalid body may then leave one dead letter). */
  authenticated: boolean;
  expect?: '2xx' | '4xx';
  /** Built right before sending, so ids are fresh and timestamps are measured from the moment of sending. */
  build(): Built;
}

interface Target {
  endpoint: string;
  path: string;
  /** A fresh valid value. */
  base(): unknown;
  encode(value: unknown): Buffer;
  /** Headers that authenticate these exact bytes (content type included). */
  auth(body: Buffer): RawHeaders;
  /** Authentication failures and window edges, built from a valid body. */
  authCases(target: Target): Case[];
  /** Paths never mutated (response_url: the bot posts there; it must stay on loopback). */
  skip?(path: JsonPath): boolean;
  slack?: boolean;
  /** gzip is part of the endpoint's contract. */
  gzip?: boolean;
}

const AUTH_HEADERS = new Set([
  'authorization',
  'webhook-signature',
  'webhook-timestamp',
  'webhook-id',
  'linear-signature',
  'x-hub-signature-256',
  'x-slack-signature',
  'x-slack-request-timestamp',
]);

const json = (value: unknown) => Buffer.from(serialise(value));

/** A case from a valid body with other headers. */
function headerCase(
  target: Target,
  name: string,
  expect: Case['expect'],
  authenticated: boolean,
  headers: (body: Buffer, valid: RawHeaders) => RawHeaders,
  bodyOf: () => Buffer = () => target.encode(target.base()),
): Case {
  return {
    endpoint: target.endpoint,
    name,
    expect,
    authenticated,
    build: () => {
      const body = bodyOf();
      return { body, headers: headers(body, target.auth(body)) };
    },
  };
}

const without = (headers: RawHeaders, ...names: string[]): RawHeaders =>
  Object.fromEntries(Object.entries(headers).filter(([key]) => !names.includes(key.toLowerCase())));

function bearerCases(target: Target): Case[] {
  const c = (name: string, authorization: string | string[] | undefined) =>
    headerCase(target, name, '4xx', false, (_body, valid) => ({
      ...without(valid, 'authorization'),
      ...(authorization !== undefined && { authorization }),
    }));
  return [
    c('no authorization', undefined),
    c('wrong bearer token', 'Bearer wrong-token'),
    c('basic auth', 'Basic dXNlcjpwYXNz'),
    c('empty bearer', 'Bearer '),
    c('token as prefix', 'Bearer reliability'),
  ];
}

/** Standard Webhooks: signature, id and timestamp headers, tolerance 5 minutes either way. */
function standardWebhookCases(target: Target): Case[] {
  const at = (offsetSeconds: number) => (body: Buffer) =>
    usageHeaders(body, { at: new Date(Date.now() + offsetSeconds * 1000) });
  const c = (
    name: string,
    expect: Case['expect'],
    ok: boolean,
    headers: (body: Buffer, valid: RawHeaders) => RawHeaders,
  ) => headerCase(target, name, expect, ok, headers);
  return [
    c('no signature headers', '4xx', false, (_b, v) =>
      without(v, 'webhook-id', 'webhook-timestamp', 'webhook-signature'),
    ),
    c('no webhook-signature', '4xx', false, (_b, v) => without(v, 'webhook-signature')),
    c('no webhook-id', '4xx', false, (_b, v) => without(v, 'webhook-id')),
    c('signature over another body', '4xx', false, (b) => ({
      ...usageHeaders(Buffer.concat([b, Buffer.from(' ')])),
    })),
    c('signature with another secret', '4xx', false, (b, v) => ({
      ...v,
      'webhook-signature': `v1,${Buffer.from(b.subarray(0, 32)).toString('base64')}`,
    })),
    c('timestamp 4 min old (inside)', '2xx', true, (b) => at(-240)(b)),
    c('timestamp 4 min ahead (inside)', '2xx', true, (b) => at(240)(b)),
    c('timestamp 6 min old (stale)', '4xx', false, (b) => at(-360)(b)),
    c('timestamp 6 min ahead (future)', '4xx', false, (b) => at(360)(b)),
    c('timestamp not a number', '4xx', false, (_b, v) => ({ ...v, 'webhook-timestamp': 'soon' })),
  ];
}

function linearCases(target: Target): Case[] {
  const withTimestamp = (offsetMs: number) => () => json(linearIssue({ timestamp: Date.now() + offsetMs }));
  const c = (
    name: string,
    expect: Case['expect'],
    ok: boolean,
    headers: (body: Buffer, valid: RawHeaders) => RawHeaders,
    body?: () => Buffer,
  ) => headerCase(target, name, expect, ok, headers, body);
  return [
    c('no linear-signature', '4xx', false, (_b, v) => without(v, 'linear-signature')),
    c('signature over another body', '4xx', false, (b, v) => ({
      ...v,
      'linear-signature': linearHeaders(Buffer.concat([b, Buffer.from(' ')]))['linear-signature']!,
    })),
    c('signature with another secret', '4xx', false, (_b, v) => ({
      ...v,
      'linear-signature': 'ab'.repeat(32),
    })),
    c('webhookTimestamp 30 s old (inside)', '2xx', true, (_b, v) => v, withTimestamp(-30_000)),
    c('webhookTimestamp 5 min old (stale)', '4xx', false, (_b, v) => v, withTimestamp(-300_000)),
    c('webhookTimestamp 5 min ahead', '4xx', false, (_b, v) => v, withTimestamp(300_000)),
    c('duplicated linear-signature', '4xx', false, (_b, v) => ({
      ...v,
      'linear-signature': [String(v['linear-signature']), 'ab'.repeat(32)],
    })),
  ];
}

function githubCases(target: Target): Case[] {
  const c = (
    name: string,
    expect: Case['expect'],
    ok: boolean,
    headers: (body: Buffer, valid: RawHeaders) => RawHeaders,
  ) => headerCase(target, name, expect, ok, headers);
  return [
    c('no x-hub-signature-256', '4xx', false, (_b, v) => without(v, 'x-hub-signature-256')),
    c('sha1 signature', '4xx', false, (_b, v) => ({ ...v, 'x-hub-signature-256': `sha1=${'a'.repeat(40)}` })),
    c('signature without prefix', '4xx', false, (_b, v) => ({
      ...v,
      'x-hub-signature-256': String(v['x-hub-signature-256']).slice('sha256='.length),
    })),
    c('signature over another body', '4xx', false, (b, v) => ({
      ...v,
      'x-hub-signature-256': githubHeaders(Buffer.concat([b, Buffer.from(' ')]))['x-hub-signature-256'],
    })),
    c('duplicated x-hub-signature-256', '4xx', false, (_b, v) => ({
      ...v,
      'x-hub-signature-256': [`sha256=${'0'.repeat(64)}`, String(v['x-hub-signature-256'])],
    })),
  ];
}

/** Slack: v0 signature over "v0:ts:body", 5-minute staleness window. */
function slackCases(target: Target): Case[] {
  const contentType = (v: RawHeaders) => String(v['content-type']);
  const c = (
    name: string,
    expect: Case['expect'],
    ok: boolean,
    headers: (body: Buffer, valid: RawHeaders) => RawHeaders,
  ) => headerCase(target, name, expect, ok, headers);
  const at = (offset: number) => (b: Buffer, v: RawHeaders) =>
    slackHeaders(b.toString('utf8'), contentType(v), Math.floor(Date.now() / 1000) + offset);
  return [
    c('no x-slack-signature', '4xx', false, (_b, v) => without(v, 'x-slack-signature')),
    c('no timestamp', '4xx', false, (_b, v) => without(v, 'x-slack-request-timestamp')),
    c('signature over another body', '4xx', false, (b, v) =>
      slackHeaders(`${b.toString('utf8')}&x=1`, contentType(v)),
    ),
    c('another signing secret', '4xx', false, (b, v) =>
      slackHeaders(b.toString('utf8'), contentType(v), undefined, 'not-the-signing-secret'),
    ),
    c('v1 signature', '4xx', false, (_b, v) => ({
      ...v,
      'x-slack-signature': String(v['x-slack-signature']).replace(/^v0=/, 'v1='),
    })),
    c('timestamp 4 min old (inside)', '2xx', true, at(-240)),
    c('timestamp 6 min old (stale)', '4xx', false, at(-360)),
    c('timestamp not a number', '4xx', false, (_b, v) => ({ ...v, 'x-slack-request-timestamp': 'now' })),
    c('duplicated x-slack-signature', '4xx', false, (_b, v) => ({
      ...v,
      'x-slack-signature': [`v0=${'0'.repeat(64)}`, String(v['x-slack-signature'])],
    })),
  ];
}

/** Cases every target gets: the mutation families, generated by fast-check. */
function generatedCases(target: Target, runs: number, seed: number): Case[] {
  const mutatedJson = jsonMutation.map<Case>((mutation) => {
    let name = '';
    return {
      endpoint: target.endpoint,
      get name() {
        return name;
      },
      authenticated: true,
      build: () => {
        const mutated = applyJsonMutation(target.base(), mutation, target.skip);
        name = `field: ${mutated.name}`;
        let body: Buffer;
        try {
          body = target.encode(mutated.value);
        } catch {
          // The encoder refuses the value (protobuf types): send the JSON text under the binary type instead.
          body = json(mutated.value);
          name += ' (unencodable, sent as JSON)';
        }
        return { body, headers: target.auth(body) };
      },
    };
  });
  const mutatedBytes = byteMutation.map<Case>((mutation) => {
    let name = '';
    return {
      endpoint: target.endpoint,
      get name() {
        return name;
      },
      authenticated: true,
      build: () => {
        const mutated = applyByteMutation(target.encode(target.base()), mutation);
        name = `bytes: ${mutated.name}`;
        return { body: mutated.body, headers: target.auth(mutated.body) };
      },
    };
  });
  const contentTypes = fc.constantFrom(...WRONG_CONTENT_TYPES).map<Case>((contentType) =>
    headerCase(target, `content-type ${contentType ?? '(none)'}`, undefined, true, (_b, v) => ({
      ...without(v, 'content-type'),
      ...(contentType !== undefined && { 'content-type': contentType }),
    })),
  );
  const encodings = fc.constantFrom(...CONTENT_ENCODINGS).map<Case>((encoding) =>
    headerCase(target, `content-encoding ${encoding}`, undefined, true, (_b, v) => ({
      ...v,
      'content-encoding': encoding,
    })),
  );
  const headerNames = fc.record({
    pick: fc.nat(),
    how: fc.constantFrom('drop', 'same twice', 'wrong first', 'wrong last'),
  });
  const headers = headerNames.map<Case>(({ pick, how }) => {
    let name = '';
    let authenticatedNow = true;
    return {
      endpoint: target.endpoint,
      get name() {
        return name;
      },
      get authenticated() {
        return authenticatedNow;
      },
      build: () => {
        const body = target.encode(target.base());
        const valid = target.auth(body);
        const names = Object.keys(valid);
        const header = names[pick % names.length]!;
        const value = String(valid[header]);
        name = `header ${header}: ${how}`;
        // Breaking a credential header leaves the request unauthenticated: it may not leave a dead letter.
        if (AUTH_HEADERS.has(header) && how !== 'same twice') authenticatedNow = false;
        const headers: RawHeaders =
          how === 'drop'
            ? without(valid, header)
            : {
                ...valid,
                [header]:
                  how === 'same twice'
                    ? [value, value]
                    : how === 'wrong first'
                      ? [`${value}x`, value]
                      : [value, `${value}x`],
              };
        return { body, headers };
      },
    };
  });
  const arbitrary = fc.oneof(
    { weight: 6, arbitrary: mutatedJson },
    { weight: 4, arbitrary: mutatedBytes },
    { weight: 1, arbitrary: contentTypes },
    { weight: 1, arbitrary: encodings },
    { weight: 2, arbitrary: headers },
  );
  return fc.sample(arbitrary, { numRuns: runs, seed });
}

/** Fixed cases: valid, gzip, oversized and gzip-bomb bodies. */
function fixedCases(target: Target): Case[] {
  const valid: Case = {
    endpoint: target.endpoint,
    name: 'valid',
    expect: '2xx',
    authenticated: true,
    build: () => {
      const body = target.encode(target.base());
      return { body, headers: target.auth(body) };
    },
  };
  // Signatures cover the body as sent before Content-Encoding (the service verifies the inflated bytes).
  const gzip = (name: string, expect: Case['expect'], make: (body: Buffer) => Buffer): Case => ({
    endpoint: target.endpoint,
    name,
    expect,
    authenticated: true,
    build: () => {
      const plain = target.encode(target.base());
      return { body: make(plain), headers: { ...target.auth(plain), 'content-encoding': 'gzip' } };
    },
  });
  const cases: Case[] = [valid, valid, valid];
  cases.push({
    endpoint: target.endpoint,
    name: 'oversized body',
    // Slack bodies are Bolt's (10 MB limit), not the ingest limit.
    expect: target.slack ? undefined : '4xx',
    authenticated: true,
    build: () => {
      const body = Buffer.concat([target.encode(target.base()), Buffer.alloc(MAX_BODY + 1, 0x20)]);
      return { body, headers: target.auth(body) };
    },
  });
  cases.push(
    gzip('gzip bomb', '4xx', () => gzipSync(Buffer.alloc(MAX_BODY * 8, 0x20))),
    gzip('corrupt gzip', target.slack ? undefined : '4xx', (b) => gzipSync(b).subarray(0, 20)),
    gzip('gzip', target.gzip ? '2xx' : undefined, (b) => gzipSync(b)),
  );
  return cases;
}

describe('fuzzing every inbound endpoint', async () => {
  const figures = useFigures('fuzz');
  const { logger, entries } = recordingLogger();
  const app: TestApp = await startTestApp({
    env: { ...RELIABILITY_ENV, INGEST_MAX_BODY_BYTES: String(MAX_BODY), LOG_LEVEL: 'warn' },
    service: { startJobs: false, logger },
  });
  const { db } = app.service.deps;
  afterAll(() => app.stop());

  // Sessions of two people, so actions and views reach real documents.
  const sessionIds: string[] = [];
  for (const email of ['alice@example.com', 'bob@example.com']) {
    const response = await rawPost(
      app.baseUrl,
      '/v1/logs',
      JSON.stringify(otlpLogs({ email })),
      otlpHeaders(),
    );
    if (response.status !== 200) throw new Error(`seeding failed: ${response.status}`);
  }
  for (const session of await app.service.deps.collections.sessions.find({}).toArray()) {
    sessionIds.push(session._id!.toHexString());
  }
  const someSession = (n: number) => sessionIds[n % sessionIds.length] ?? new ObjectId().toHexString();
  let pickCounter = 0;
  const pickUser = () => USERS[pickCounter++ % USERS.length]!;
  const responseUrl = () => app.slack.responseUrl();
  const isResponseUrl = (path: JsonPath) => path.includes('response_url');

  const bearer = (headers: () => RawHeaders) => (body: Buffer) => {
    void body;
    return headers();
  };
  const slackForm = (body: Buffer) =>
    slackHeaders(body.toString('utf8'), 'application/x-www-form-urlencoded');
  const slackJson = (body: Buffer) => slackHeaders(body.toString('utf8'), 'application/json');
  const formOf = (value: unknown) => {
    if (!value || typeof value !== 'object' || Array.isArray(value)) return Buffer.from(serialise(value));
    const fields = Object.fromEntries(
      Object.entries(value).map(([k, v]) => [k, typeof v === 'string' ? v : serialise(v)]),
    );
    return Buffer.from(formBody(fields));
  };
  const payloadOf = (value: unknown) => Buffer.from(`payload=${encodeURIComponent(serialise(value))}`);

  const actionBases = [
    () =>
      blockAction(
        pickUser(),
        ACTIONS.classifyProductive,
        classifyValue(someSession(pickCounter)),
        responseUrl(),
      ),
    () => blockAction(pickUser(), ACTIONS.bulkClassifyWasteful, bulkValue(sessionIds), responseUrl()),
    () =>
      blockAction(
        pickUser(),
        ACTIONS.undoClassification,
        classifyValue(someSession(pickCounter)),
        responseUrl(),
      ),
    () => blockAction(pickUser(), ACTIONS.openNote, classifyValue(someSession(pickCounter)), responseUrl()),
    () => blockAction(pickUser(), ACTIONS.pageNext, '{"p":1}', responseUrl()),
    () => blockAction(pickUser(), ACTIONS.setPromptMode, 'weekly', responseUrl()),
    () => blockAction(pickUser(), ACTIONS.openQueue, '', responseUrl()),
    () => ({
      ...blockAction(pickUser(), ACTIONS.sessionOverflow, '', responseUrl()),
      actions: [
        {
          type: 'overflow',
          action_id: ACTIONS.sessionOverflow,
          block_id: `session:${someSession(pickCounter)}`,
          selected_option: { value: classifyValue(someSession(pickCounter)) },
        },
      ],
    }),
    () => ({
      ...blockAction(pickUser(), ACTIONS.bulkClassify, '', responseUrl()),
      actions: [
        {
          type: 'static_select',
          action_id: ACTIONS.bulkClassify,
          block_id: 'bulk',
          selected_option: { value: bulkValue(sessionIds.slice(0, 2)) },
        },
      ],
    }),
  ];

  const targets: Target[] = [
    {
      endpoint: '/v1/logs (json)',
      path: '/v1/logs',
      base: () => otlpLogs(),
      encode: json,
      auth: bearer(() => otlpHeaders('json')),
      authCases: bearerCases,
      gzip: true,
    },
    {
      endpoint: '/v1/logs (protobuf)',
      path: '/v1/logs',
      base: () => otlpLogs(),
      encode: encodeLogs,
      auth: bearer(() => otlpHeaders('protobuf')),
      authCases: () => [],
      gzip: true,
    },
    {
      endpoint: '/v1/metrics (json)',
      path: '/v1/metrics',
      base: () => otlpMetrics(),
      encode: json,
      auth: bearer(() => otlpHeaders('json')),
      authCases: bearerCases,
      gzip: true,
    },
    {
      endpoint: '/v1/metrics (protobuf)',
      path: '/v1/metrics',
      base: () => otlpMetrics(),
      encode: encodeMetrics,
      auth: bearer(() => otlpHeaders('protobuf')),
      authCases: () => [],
      gzip: true,
    },
    {
      endpoint: '/webhooks/usage',
      path: '/webhooks/usage',
      base: () => ({ events: [usageEvent(), usageEvent()] }),
      encode: json,
      auth: (body) => usageHeaders(body),
      authCases: standardWebhookCases,
      gzip: true,
    },
    {
      endpoint: '/webhooks/litellm',
      path: '/webhooks/litellm',
      base: () => [liteLlmPayload(), liteLlmPayload()],
      encode: json,
      auth: bearer(liteLlmHeaders),
      authCases: bearerCases,
      gzip: true,
    },
    {
      endpoint: '/webhooks/linear',
      path: '/webhooks/linear',
      base: () => linearIssue(),
      encode: json,
      auth: (body) => linearHeaders(body),
      authCases: linearCases,
    },
    {
      endpoint: '/webhooks/github',
      path: '/webhooks/github',
      base: () => githubMergedPr(),
      encode: json,
      auth: (body) => githubHeaders(body),
      authCases: githubCases,
    },
    {
      endpoint: '/api/outcomes',
      path: '/api/outcomes',
      base: () => manualOutcome(),
      encode: json,
      auth: bearer(outcomesHeaders),
      authCases: bearerCases,
    },
    {
      endpoint: 'slack: /ai-roi command',
      path: '/slack/events',
      base: () =>
        commandFields(
          fc.sample(
            fc.oneof(
              fc.constantFrom(
                'help',
                'summary',
                'budget',
                'forecast',
                'team',
                'export',
                'classify',
                'digest preview',
                'templates',
                'unmapped',
                'prefs',
              ),
              fc.string({ unit: 'binary', maxLength: 60 }),
              fc
                .tuple(
                  fc.constantFrom(
                    'summary',
                    'budget set',
                    'subscribe',
                    'map',
                    'link',
                    'reclassify',
                    'team add',
                    'templates set',
                  ),
                  fc.string({ maxLength: 40 }),
                )
                .map(([a, b]) => `${a} ${b}`),
            ),
            { numRuns: 1, seed: SEED + pickCounter++ },
          )[0]!,
          pickUser(),
          responseUrl(),
        ),
      encode: formOf,
      auth: slackForm,
      authCases: slackCases,
      skip: isResponseUrl,
      slack: true,
    },
    {
      endpoint: 'slack: block_actions',
      path: '/slack/events',
      base: () => actionBases[pickCounter++ % actionBases.length]!(),
      encode: payloadOf,
      auth: slackForm,
      authCases: slackCases,
      skip: isResponseUrl,
      slack: true,
    },
    {
      endpoint: 'slack: view_submission',
      path: '/slack/events',
      base: () => viewSubmission(pickUser(), someSession(pickCounter++)),
      encode: payloadOf,
      auth: slackForm,
      authCases: () => [],
      skip: isResponseUrl,
      slack: true,
    },
    {
      endpoint: 'slack: block_suggestion',
      path: '/slack/events',
      base: () =>
        blockSuggestion(pickUser(), ['ENG', 'ENG-1', 'refunds', '', 'x'.repeat(300)][pickCounter++ % 5]!),
      encode: payloadOf,
      auth: slackForm,
      authCases: () => [],
      slack: true,
    },
    {
      endpoint: 'slack: events',
      path: '/slack/events',
      base: () =>
        pickCounter++ % 3 === 0
          ? { type: 'url_verification', token: 'legacy', challenge: 'challenge-value' }
          : pickCounter % 3 === 1
            ? homeOpened(pickUser())
            : eventCallback({ type: 'app_mention', user: pickUser(), text: 'hi', channel: 'CLEADERS01' }),
      encode: json,
      auth: slackJson,
      authCases: slackCases,
      slack: true,
    },
  ];

  const RUNS = { http: 110, slack: 50 };
  const results: {
    endpoint: string;
    name: string;
    status: number | string;
    expect?: string;
    wrote?: number;
    deadLetters?: number;
    message?: string;
  }[] = [];
  const byEndpoint = new Map<string, Record<string, number>>();
  let checkedForWrites = 0;

  const record = (c: Case, status: number | 'crash' | 'hung', body: Buffer) => {
    const cls = typeof status === 'number' ? statusClass(status) : status;
    const counts = byEndpoint.get(c.endpoint) ?? {};
    counts[cls] = (counts[cls] ?? 0) + 1;
    byEndpoint.set(c.endpoint, counts);
    figures.add('requests tried');
    figures.add(`responses ${cls}`);
    const entry = {
      endpoint: c.endpoint,
      name: c.name,
      status,
      ...(c.expect && { expect: c.expect }),
      message: body.toString('utf8').slice(0, 160),
    };
    results.push(entry);
    return entry;
  };

  /** One request at a time: every rejected request's writes are measured exactly. */
  async function runSequential(cases: Case[]) {
    let before = await settle(db);
    for (const c of cases) {
      const built = c.build();
      const target = targets.find((t) => t.endpoint === c.endpoint)!;
      const response = await rawPost(app.baseUrl, target.path, built.body, built.headers);
      const entry = record(c, response.status, response.body);
      const rejected = typeof response.status === 'number' && response.status >= 400;
      const after = rejected ? await snapshot(db) : await settle(db, { quietMs: 15 });
      if (rejected) {
        checkedForWrites += 1;
        const letters = after.deadLetters - before.deadLetters;
        Object.assign(entry, { wrote: after.objects - before.objects - letters, deadLetters: letters });
        if (!c.authenticated && letters) Object.assign(entry, { unauthenticatedDeadLetter: true });
      }
      before = after;
    }
  }

  /**
   * Slack requests in concurrent batches (an unhandled request is only answered after Bolt's 3 s timeout).
   * A batch whose requests were all rejected must have written nothing.
   */
  async function runBatched(cases: Case[], size: number) {
    for (let i = 0; i < cases.length; i += size) {
      const batch = cases.slice(i, i + size);
      const before = await settle(db, { quietMs: 60 });
      const responses = await Promise.all(
        batch.map((c) => {
          const built = c.build();
          return rawPost(app.baseUrl, '/slack/events', built.body, built.headers).then((r) => ({ c, r }));
        }),
      );
      const entries = responses.map(({ c, r }) => record(c, r.status, r.body));
      const after = await settle(db, { quietMs: 60 });
      if (responses.every(({ r }) => typeof r.status === 'number' && r.status >= 400)) {
        checkedForWrites += batch.length;
        const wrote = after.objects - before.objects;
        if (wrote)
          Object.assign(entries[0]!, { wrote, name: `${entries[0]!.name} (batch of ${batch.length})` });
      }
    }
  }

  it('answers every mutated request without crashing, hanging or a 5xx, and rejected requests write nothing', async () => {
    const started = Date.now();
    let seed = SEED;
    const http = targets.filter((t) => !t.slack);
    const slack = targets.filter((t) => t.slack);
    const httpCases = http.flatMap((t) => [
      ...fixedCases(t),
      ...t.authCases(t),
      ...generatedCases(t, RUNS.http, seed++),
    ]);
    const slackCasesAll = slack.flatMap((t) => [
      ...fixedCases(t),
      ...t.authCases(t),
      ...generatedCases(t, RUNS.slack, seed++),
    ]);
    await runSequential(httpCases);
    await runBatched(slackCasesAll, 40);
    figures.report('fuzz seconds', Math.round((Date.now() - started) / 1000));

    for (const [endpoint, counts] of byEndpoint) {
      figures.report(
        `  ${endpoint}`,
        Object.entries(counts)
          .sort()
          .map(([k, v]) => `${k}:${v}`)
          .join(' '),
      );
    }
    figures.report('rejected requests checked for writes', checkedForWrites);
    figures.report('non-loopback connections refused by the guard', refusedConnections.length);
    figures.report(
      'dead letters kept (authenticated, invalid)',
      results.reduce((n, r) => n + (r.deadLetters ?? 0), 0),
    );
    const serverErrors = entries.filter((e) => e.level >= 50);
    figures.report('errors logged by the service', serverErrors.length);
    const distinct = [
      ...new Set(serverErrors.map((e) => `${e.msg}${e.err ? `: ${e.err}` : ''}`.slice(0, 140))),
    ];
    if (distinct.length) console.log('[fuzz] distinct errors logged:', distinct.slice(0, 20));
    const problems = (predicate: (r: (typeof results)[number]) => boolean) =>
      results.filter(predicate).slice(0, 8);
    const crashes = results.filter((r) => r.status === 'crash' || r.status === 'hung');
    const fives = results.filter((r) => typeof r.status === 'number' && r.status >= 500);
    const mismatched = results.filter(
      (r) => r.expect && typeof r.status === 'number' && statusClass(r.status) !== r.expect,
    );
    const writes = results.filter((r) => (r.wrote ?? 0) !== 0);
    const unauthLetters = results.filter((r) => 'unauthenticatedDeadLetter' in r);
    const extraLetters = results.filter((r) => (r.deadLetters ?? 0) > 1);
    figures.expect(
      'crashes (dropped or hung connections)',
      crashes.length,
      { eq: 0 },
      problems((r) => crashes.includes(r)),
    );
    figures.expect(
      '5xx responses',
      fives.length,
      { eq: 0 },
      problems((r) => fives.includes(r)),
    );
    figures.expect(
      'answers not as expected (auth, windows, limits)',
      mismatched.length,
      { eq: 0 },
      problems((r) => mismatched.includes(r)),
    );
    figures.expect(
      'documents written by rejected requests',
      writes.reduce((n, r) => n + (r.wrote ?? 0), 0),
      { eq: 0 },
      problems((r) => writes.includes(r)),
    );
    figures.expect(
      'dead letters from unauthenticated requests',
      unauthLetters.length,
      { eq: 0 },
      unauthLetters.slice(0, 8),
    );
    figures.expect(
      'requests leaving more than one dead letter',
      extraLetters.length,
      { eq: 0 },
      extraLetters.slice(0, 8),
    );
    const health = await rawPost(app.baseUrl, '/healthz', '', {}, { method: 'GET' });
    figures.expect('healthz after the fuzz run (200)', Number(health.status === 200), { eq: 1 });
  });

  it('stores no prompt, response or tool text anywhere after the fuzz run', async () => {
    const hits = await scanForText(db, SECRETS);
    figures.expect('prompt/response/tool text found in the database', hits.length, { eq: 0 }, hits);
  });
});

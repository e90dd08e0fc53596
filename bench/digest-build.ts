import { cpus, loadavg } from 'node:os';
import { type Db, MongoClient, ObjectId } from 'mongodb';
import { renderSpendChart } from '../src/charts/spend-chart.ts';
import {
  type Collections,
  collections as collectionsOf,
  encodeKey,
  ensureIndexes,
  type OutcomeDoc,
  type RollupDoc,
  type SessionDoc,
} from '../src/db/collections.ts';
import { composeDigest } from '../src/digest/compose.ts';
import { digestPeriodFor } from '../src/digest/schedule.ts';
import type { ClassOrUnclassified, SessionClass, UsageEvent } from '../src/domain/types.ts';
import { applyRollupIncrements, moveSessionSpend } from '../src/store/rollups.ts';
import { storeUsageEvents, utcDay } from '../src/store/usage-store.ts';
import type { BenchContext } from './support.ts';

/**
 * Digest build time for an org of 200 people in 10 teams over 90 days, with 100k and with 1M usage events.
 *
 * The digest reads rollups_daily, outcomes and sessions, never usage_events, so what the events leave behind
 * is generated directly: the same people, days and sessions in both cases (more events per session in the
 * 1M case), folded into rollup rows and session totals exactly as src/store/usage-store.ts folds them. A
 * sample of the events is also folded through the real storeUsageEvents into a fresh database and its
 * rollups compared with the generator's, so the generated rows are the rows the product would write.
 * (Folding all 100k events through the store is left out: on the offline engine every session update is a
 * collection scan, which makes that setup quadratic, and it measures ingest, not the digest.)
 */

const PEOPLE = 200;
const TEAMS = 10;
const DAYS = 90;
const REPOS_PER_TEAM = 3;
const MODELS = ['claude-sonnet-4.5', 'claude-opus-4.1', 'claude-haiku-4.5'];
const LAST_DAY = Date.UTC(2026, 2, 15); // Sunday Mar 15, 2026: the digest posts Monday Mar 16.
const POST_AT = new Date('2026-03-16T09:00:00Z');

/** Small deterministic PRNG (mulberry32), so both sizes see the same org. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface PlannedSession {
  index: number;
  id: ObjectId;
  person: number;
  team: string;
  day: number;
  start: number;
  cls: ClassOrUnclassified;
  repo: string;
  outcome?: { id: ObjectId; kind: 'linear_issue' | 'pr'; completedAt: Date };
}

/** The org's sessions: ~2.6 per person per weekday, fewer on weekends; classes, repos and linked outcomes. */
function planSessions(): PlannedSession[] {
  const random = rng(42);
  const sessions: PlannedSession[] = [];
  for (let d = 0; d < DAYS; d++) {
    const dayStart = LAST_DAY - (DAYS - 1 - d) * 86_400_000;
    const weekday = new Date(dayStart).getUTCDay();
    const perPerson = weekday === 0 || weekday === 6 ? 0.4 : 2.6;
    for (let p = 0; p < PEOPLE; p++) {
      const count = Math.floor(perPerson + random());
      for (let s = 0; s < count; s++) {
        const roll = random();
        const cls: ClassOrUnclassified =
          roll < 0.55
            ? 'productive'
            : roll < 0.75
              ? 'exploratory'
              : roll < 0.85
                ? 'wasteful'
                : 'unclassified';
        const team = p % TEAMS;
        const session: PlannedSession = {
          index: sessions.length,
          id: new ObjectId(),
          person: p,
          team: `Team ${String.fromCharCode(65 + team)}`,
          day: d,
          start: dayStart + (8 + Math.floor(random() * 9)) * 3_600_000,
          cls,
          repo: `acme/svc-${team}-${Math.floor(random() * REPOS_PER_TEAM)}`,
        };
        if (cls === 'productive' && random() < 0.3) {
          session.outcome = {
            id: new ObjectId(),
            kind: random() < 0.7 ? 'linear_issue' : 'pr',
            completedAt: new Date(session.start + Math.floor(random() * 4) * 86_400_000 + 3_600_000),
          };
        }
        sessions.push(session);
      }
    }
  }
  return sessions;
}

function eventsPerSession(totalEvents: number, sessions: number, index: number): number {
  const base = Math.floor(totalEvents / sessions);
  return base + (index < totalEvents - base * sessions ? 1 : 0);
}

/** The events of one session, deterministic per (session, count). */
function eventsOf(session: PlannedSession, count: number): UsageEvent[] {
  const random = rng(1000 + session.index);
  const events: UsageEvent[] = [];
  for (let e = 0; e < count; e++) {
    const input = 500 + Math.floor(random() * 4000);
    const output = 100 + Math.floor(random() * 800);
    events.push({
      source: 'claude_code',
      sourceEventId: `${session.id.toHexString()}-${e}`,
      kind: 'api_request',
      occurredAt: new Date(session.start + e * 20_000),
      sessionKey: session.id.toHexString(),
      identity: { email: `person${session.person}@example.com` },
      model: MODELS[Math.floor(random() * MODELS.length)]!,
      tokens: { input, output, cacheRead: 0, cacheCreation: 0 },
      costUsd: Math.round((input * 3 + output * 15) / 10_000) / 100,
      costKind: 'estimated',
      repo: session.repo,
      labels: {},
    });
  }
  return events;
}

const userOf = (person: number) => `UBENCH${String(person).padStart(4, '0')}`;

interface Generated {
  rollups: RollupDoc[];
  sessions: SessionDoc[];
  outcomes: OutcomeDoc[];
  events: number;
}

/** Fold every event as usage-store.ts would (in the session's final class), without a database. */
function generate(plan: PlannedSession[], totalEvents: number, only?: Set<number>): Generated {
  const rows = new Map<string, RollupDoc>();
  const sessions: SessionDoc[] = [];
  const outcomes: OutcomeDoc[] = [];
  let events = 0;
  for (const planned of plan) {
    if (only && !only.has(planned.index)) continue;
    const list = eventsOf(planned, eventsPerSession(totalEvents, plan.length, planned.index));
    const person = userOf(planned.person);
    const session: SessionDoc = {
      _id: planned.id,
      source: 'claude_code',
      sessionKey: planned.id.toHexString(),
      identity: { email: `person${planned.person}@example.com` },
      identityKey: `email:person${planned.person}@example.com`,
      slackUserId: person,
      team: planned.team,
      startedAt: new Date(planned.start),
      lastEventAt: new Date(planned.start),
      closedAt: new Date(planned.start + list.length * 20_000 + 30 * 60_000),
      costUsd: 0,
      costKind: 'estimated',
      tokens: { input: 0, output: 0, cacheRead: 0, cacheCreation: 0 },
      costByDay: {},
      apiRequests: 0,
      apiErrors: 0,
      promptsCounted: 0,
      models: {},
      repo: planned.repo,
      commits: [],
      links: [],
      outcomeIds: planned.outcome ? [planned.outcome.id.toHexString()] : [],
      foldedIds: [],
      classificationHistory: [],
      labels: {},
      ...(planned.cls !== 'unclassified' && {
        classification: {
          class: planned.cls as SessionClass,
          by: 'self' as const,
          userId: person,
          at: new Date(planned.start),
        },
      }),
    };
    for (const event of list) {
      events += 1;
      const day = utcDay(event.occurredAt);
      const tokens = event.tokens.input + event.tokens.output;
      session.costUsd += event.costUsd;
      session.tokens.input += event.tokens.input;
      session.tokens.output += event.tokens.output;
      session.costByDay[day] = (session.costByDay[day] ?? 0) + event.costUsd;
      session.apiRequests += 1;
      session.models[encodeKey(event.model!)] = (session.models[encodeKey(event.model!)] ?? 0) + 1;
      session.foldedIds.push(event.sourceEventId);
      if (event.occurredAt > session.lastEventAt) session.lastEventAt = event.occurredAt;
      const key = `${day}|${planned.team}|${person}|${planned.cls}`;
      let row = rows.get(key);
      if (!row) {
        row = {
          day,
          team: planned.team,
          person,
          class: planned.cls,
          costUsd: 0,
          estimatedCostUsd: 0,
          tokens: 0,
          byRepo: {},
          byModel: {},
        };
        rows.set(key, row);
      }
      row.costUsd += event.costUsd;
      row.estimatedCostUsd += event.costUsd;
      row.tokens += tokens;
      const repoKey = encodeKey(planned.repo);
      const modelKey = encodeKey(event.model!);
      row.byRepo[repoKey] = (row.byRepo[repoKey] ?? 0) + event.costUsd;
      row.byModel[modelKey] = (row.byModel[modelKey] ?? 0) + event.costUsd;
    }
    sessions.push(session);
    if (planned.outcome) {
      const number = planned.index;
      outcomes.push({
        _id: planned.outcome.id,
        kind: planned.outcome.kind,
        ref: planned.outcome.kind === 'pr' ? `${planned.repo}#${number}` : `ENG-${number}`,
        title: `Outcome ${number}`,
        state: planned.outcome.kind === 'pr' ? 'merged' : 'completed',
        completedAt: planned.outcome.completedAt,
        team: planned.team,
        sessionIds: [planned.id.toHexString()],
        createdAt: planned.outcome.completedAt,
        updatedAt: planned.outcome.completedAt,
        details: {},
      });
    }
  }
  return { rollups: [...rows.values()], sessions, outcomes, events };
}

async function insertAll<T extends object>(
  insert: (docs: T[]) => Promise<unknown>,
  docs: T[],
): Promise<void> {
  for (let i = 0; i < docs.length; i += 2000) await insert(docs.slice(i, i + 2000));
}

async function seed(db: Db, data: Generated): Promise<Collections> {
  await ensureIndexes(db);
  const c = collectionsOf(db);
  const now = new Date();
  await c.teams.insertMany(
    Array.from({ length: TEAMS }, (_, t) => ({
      name: `Team ${String.fromCharCode(65 + t)}`,
      members: Array.from({ length: PEOPLE / TEAMS }, (_, i) => userOf(i * TEAMS + t)),
      managers: [userOf(t)],
      budget: {
        amountUsd: 4000,
        period: 'monthly' as const,
        split: { productive: 60, exploratory: 30, wasteful: 10 },
        alertThresholds: [],
      },
      createdAt: now,
      updatedAt: now,
    })),
  );
  await insertAll((docs) => c.rollupsDaily.insertMany(docs), data.rollups);
  await insertAll((docs) => c.sessions.insertMany(docs), data.sessions);
  await insertAll((docs) => c.outcomes.insertMany(docs), data.outcomes);
  return c;
}

const round = (ms: number) => Math.round(ms * 10) / 10;
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

/** Fold a sample of events through the real store and compare its rollups with the generator's. */
async function verifySample(
  client: MongoClient,
  plan: PlannedSession[],
  totalEvents: number,
  sessions: number,
): Promise<{ ok: boolean; events: number; rows: number }> {
  const sample = new Set(
    plan
      .filter((_, i) => i % Math.floor(plan.length / sessions) === 0)
      .slice(0, sessions)
      .map((s) => s.index),
  );
  const expected = generate(plan, totalEvents, sample);
  const db = client.db(`bench_digest_verify_${process.pid}`);
  await db.dropDatabase();
  await ensureIndexes(db);
  const c = collectionsOf(db);
  const resolver = async (keys: string[]) =>
    new Map(
      keys.map((key) => {
        const person = Number(/person(\d+)@/.exec(key)?.[1]);
        return [
          key,
          { slackUserId: userOf(person), team: `Team ${String.fromCharCode(65 + (person % TEAMS))}` },
        ] as const;
      }),
    );
  const planned = plan.filter((s) => sample.has(s.index));
  for (const session of planned) {
    const events = eventsOf(session, eventsPerSession(totalEvents, plan.length, session.index));
    await storeUsageEvents(c, events, resolver, new Date());
  }
  // Classification, as the classify flow does it: the session's spend moves between class rows.
  for (const session of planned) {
    if (session.cls === 'unclassified') continue;
    const classification = {
      class: session.cls as SessionClass,
      by: 'self' as const,
      userId: userOf(session.person),
      at: new Date(),
    };
    const before = await c.sessions.findOneAndUpdate(
      { sessionKey: session.id.toHexString() },
      { $set: { classification } },
      { returnDocument: 'before' },
    );
    if (before) await applyRollupIncrements(c, moveSessionSpend(before, { ...before, classification }));
  }
  const stored = await c.rollupsDaily.find({}).toArray();
  const norm = (rows: RollupDoc[]) =>
    rows
      .filter((r) => Math.abs(r.costUsd) > 1e-9)
      .map((r) => {
        const byRepo = Object.entries(r.byRepo ?? {})
          .filter(([, v]) => Math.abs(v) > 1e-9)
          .map(([k, v]) => `${k}=${v.toFixed(6)}`)
          .sort()
          .join(',');
        return `${r.day}|${r.team}|${r.person}|${r.class}|${r.costUsd.toFixed(6)}|${byRepo}`;
      })
      .sort();
  const a = norm(stored);
  const b = norm(expected.rollups);
  await db.dropDatabase();
  return {
    ok: a.length === b.length && a.every((line, i) => line === b[i]),
    events: expected.events,
    rows: b.length,
  };
}

export async function benchDigestBuild(ctx: BenchContext): Promise<void> {
  const client = new MongoClient(ctx.mongoUri);
  await client.connect();
  const plan = planSessions();
  const runs = ctx.quick ? 3 : 7;
  const results: {
    events: number;
    rows: number;
    sessions: number;
    outcomes: number;
    seedMs: number;
    times: number[];
    chartMs: number;
  }[] = [];

  const check = await verifySample(client, plan, 100_000, ctx.quick ? 60 : 400);
  ctx.check(
    `generated rollups equal what storeUsageEvents writes (sample of ${check.events} events, ${check.rows} rows)`,
    check.ok,
  );

  const { period } = digestPeriodFor({ cadence: 'weekly', tz: 'UTC' }, POST_AT);
  for (const totalEvents of [100_000, 1_000_000]) {
    const started = performance.now();
    const data = generate(plan, totalEvents);
    const db = client.db(`bench_digest_${process.pid}_${totalEvents}`);
    await db.dropDatabase();
    const c = await seed(db, data);
    const seedMs = performance.now() - started;
    const deps = { collections: c, config: { PRIVACY_MIN_GROUP: 3 } };
    const target = { scope: { kind: 'org' as const }, audience: 'leadership' as const };
    for (let i = 0; i < 2; i++) await composeDigest(deps, target, period, POST_AT); // warm-up
    const times: number[] = [];
    let last: Awaited<ReturnType<typeof composeDigest>> | undefined;
    for (let i = 0; i < runs; i++) {
      const t = performance.now();
      last = await composeDigest(deps, target, period, POST_AT);
      last.message({ status: 'attached' });
      times.push(performance.now() - t);
    }
    const chartStarted = performance.now();
    await renderSpendChart(last!.chartInput);
    const chartMs = performance.now() - chartStarted;
    results.push({
      events: data.events,
      rows: data.rollups.length,
      sessions: data.sessions.length,
      outcomes: data.outcomes.length,
      seedMs,
      times,
      chartMs,
    });
    await db.dropDatabase();
  }
  await client.close();

  const [small, large] = results as [(typeof results)[0], (typeof results)[0]];
  const ratio = median(large.times) / median(small.times);
  ctx.report(
    `Digest build (load rollups/outcomes/sessions + numbers + template + Block Kit), org of ${PEOPLE} people, ${TEAMS} teams, ${DAYS} days, weekly leadership digest, ${runs} runs (${ctx.databaseKind})`,
    results.map((r) => ({
      usage_events: r.events.toLocaleString('en-US'),
      rollup_rows: r.rows,
      sessions: r.sessions,
      outcomes: r.outcomes,
      'median ms': round(median(r.times)),
      'min ms': round(Math.min(...r.times)),
      'max ms': round(Math.max(...r.times)),
      'chart render ms': round(r.chartMs),
      'setup s': round(r.seedMs / 1000),
    })),
  );
  console.log(
    `build time ratio 1M / 100k events: ${ratio.toFixed(2)}× (median), ${(Math.min(...large.times) / Math.min(...small.times)).toFixed(2)}× (min); load average ${loadavg()[0]!.toFixed(1)} on ${cpus().length} CPUs`,
  );
  ctx.check('digest build grows ≤ 1.5× from 100k to 1M events', ratio <= 1.5);
  ctx.check('digest build < 1000 ms with 1M events', median(large.times) < 1000);
}

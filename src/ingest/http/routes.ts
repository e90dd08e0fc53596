import type { IncomingMessage, ServerResponse } from 'node:http';
import { RESOLVE_IDENTITIES_JOB } from '../../../jobs/resolve-identities.ts';
import type { AppDeps } from '../../deps.ts';
import type { UsageEvent } from '../../domain/types.ts';
import { requireBearer } from '../../http/auth.ts';
import { HttpError, readRawBody, sendBytes, sendJson } from '../../http/body.ts';
import { isDatabaseUnavailable, unavailable } from '../../http/db-errors.ts';
import type { Route } from '../../http/router.ts';
import { storeMetricSamples } from '../../store/metric-store.ts';
import { createPersonResolver } from '../../store/people-resolver.ts';
import { type StoreOutcome, storeUsageEvents } from '../../store/usage-store.ts';
import { mapLiteLlmPayloads, parseLiteLlmText } from '../litellm.ts';
import { logsPartialSuccess } from '../otlp/logs.ts';
import { metricsPartialSuccess } from '../otlp/metrics.ts';
import { decodeLogsRequest, decodeMetricsRequest } from '../otlp/proto.ts';
import {
  type OtlpEncoding,
  otlpEncodingOf,
  otlpLogsResponse,
  otlpMetricsResponse,
  readOtlpLogs,
  readOtlpMetrics,
} from '../otlp/request.ts';
import { verifyStandardWebhook } from '../standard-webhooks.ts';
import { usageEventsFromWebhook } from '../usage-webhook.ts';
import { saveDeadLetter } from './dead-letters.ts';
import { IngestGate } from './gate.ts';

/**
 * Usage ingestion endpoints: OTLP/HTTP logs and metrics (Claude Code and other agents), the signed generic
 * usage webhook, and LiteLLM's generic_api callback. Every one authenticates first, decodes, validates,
 * then stores idempotently; storage outages answer 503 with Retry-After so senders retry.
 */
export function ingestRoutes(deps: AppDeps): Route[] {
  const resolvePeople = createPersonResolver(deps.collections);
  const gate = new IngestGate(64);
  let lastIdentityKick = 0;

  const store = async (events: UsageEvent[]): Promise<StoreOutcome> => {
    const outcome = await storeUsageEvents(deps.collections, events, resolvePeople, deps.now());
    // Unknown people are looked up off the hot path, at most every few seconds.
    if (outcome.unmappedIdentities.length && Date.now() - lastIdentityKick > 5000) {
      lastIdentityKick = Date.now();
      deps.agenda.now(RESOLVE_IDENTITIES_JOB).catch((error: unknown) => {
        deps.logger.warn({ err: error }, 'could not schedule identity resolution');
      });
    }
    return outcome;
  };

  /** Shared shape: saturation gate, then the handler; database outages become 503. */
  const guarded =
    (endpoint: string, handler: (req: IncomingMessage, res: ServerResponse) => Promise<void>) =>
    async (req: IncomingMessage, res: ServerResponse) => {
      if (!gate.enter()) {
        req.resume();
        throw new HttpError(429, 'Too many concurrent ingest requests; retry shortly', {
          'retry-after': '1',
        });
      }
      try {
        await handler(req, res);
      } catch (error) {
        if (isDatabaseUnavailable(error)) {
          deps.logger.warn({ endpoint, err: error }, 'ingest refused: database unavailable');
          throw unavailable();
        }
        throw error;
      } finally {
        gate.leave();
      }
    };

  const readBody = (req: IncomingMessage) => readRawBody(req, deps.config.INGEST_MAX_BODY_BYTES);

  const otlpEncoding = (req: IncomingMessage): OtlpEncoding => {
    const encoding = otlpEncodingOf(req.headers['content-type']);
    if (!encoding) {
      req.resume();
      throw new HttpError(415, 'Content-Type must be application/json or application/x-protobuf');
    }
    return encoding;
  };

  const rejectInvalid = async (
    endpoint: string,
    body: Buffer,
    error: string,
    decode?: (bytes: Uint8Array) => unknown,
  ): Promise<never> => {
    await saveDeadLetter(deps.collections, endpoint, body, error, deps.now(), decode);
    throw new HttpError(400, error);
  };

  return [
    {
      method: 'POST',
      path: '/v1/logs',
      handler: guarded('/v1/logs', async (req, res) => {
        requireBearer(req, deps.config.OTLP_TOKEN, 'OTLP_TOKEN');
        const encoding = otlpEncoding(req);
        const body = await readBody(req);
        const mapped = readOtlpLogs(body, encoding, { receivedAt: deps.now() });
        if (!mapped.ok) {
          return rejectInvalid('/v1/logs', body, mapped.error, binaryDecoder(encoding, decodeLogsRequest));
        }
        await store(mapped.value.events);
        const answer = otlpLogsResponse(encoding, logsPartialSuccess(mapped.value));
        sendBytes(res, 200, answer.contentType, Buffer.from(answer.body));
      }),
    },
    {
      method: 'POST',
      path: '/v1/metrics',
      handler: guarded('/v1/metrics', async (req, res) => {
        requireBearer(req, deps.config.OTLP_TOKEN, 'OTLP_TOKEN');
        const encoding = otlpEncoding(req);
        const body = await readBody(req);
        const mapped = readOtlpMetrics(body, encoding);
        if (!mapped.ok) {
          return rejectInvalid(
            '/v1/metrics',
            body,
            mapped.error,
            binaryDecoder(encoding, decodeMetricsRequest),
          );
        }
        await storeMetricSamples(deps.collections, mapped.value.samples, deps.now());
        const answer = otlpMetricsResponse(encoding, metricsPartialSuccess(mapped.value));
        sendBytes(res, 200, answer.contentType, Buffer.from(answer.body));
      }),
    },
    {
      method: 'POST',
      path: '/webhooks/usage',
      handler: guarded('/webhooks/usage', async (req, res) => {
        const body = await readBody(req);
        if (!deps.config.USAGE_WEBHOOK_SECRET) {
          throw new HttpError(401, 'This endpoint is disabled: set USAGE_WEBHOOK_SECRET (a whsec_… secret)');
        }
        const verified = verifyStandardWebhook(deps.config.USAGE_WEBHOOK_SECRET, body, req.headers);
        if (!verified.ok) throw new HttpError(401, verified.message);
        const json = parseJson(body);
        if (!json.ok) return rejectInvalid('/webhooks/usage', body, json.error);
        const events = usageEventsFromWebhook(json.value);
        if (!events.ok) return rejectInvalid('/webhooks/usage', body, events.error);
        const outcome = await store(events.value);
        sendJson(res, 200, { stored: outcome.stored, duplicates: outcome.duplicates });
      }),
    },
    {
      method: 'POST',
      path: '/webhooks/litellm',
      handler: guarded('/webhooks/litellm', async (req, res) => {
        requireBearer(req, deps.config.LITELLM_TOKEN, 'LITELLM_TOKEN');
        const body = await readBody(req);
        const payloads = parseLiteLlmText(body.toString('utf8'));
        if (!payloads.ok) return rejectInvalid('/webhooks/litellm', body, payloads.error);
        const mapped = mapLiteLlmPayloads(payloads.value);
        const outcome = await store(mapped.events);
        sendJson(res, 200, {
          stored: outcome.stored,
          duplicates: outcome.duplicates,
          rejected: mapped.rejected.map((r) => ({ index: r.index, reason: r.reason })),
        });
      }),
    },
  ];
}

/** Protobuf bodies are decoded for the dead letter (so their content can be blanked); JSON is read as text. */
function binaryDecoder(
  encoding: OtlpEncoding,
  decode: (bytes: Uint8Array) => unknown,
): ((bytes: Uint8Array) => unknown) | undefined {
  return encoding === 'protobuf' ? decode : undefined;
}

function parseJson(body: Buffer): { ok: true; value: unknown } | { ok: false; error: string } {
  try {
    return { ok: true, value: JSON.parse(body.toString('utf8')) };
  } catch (error) {
    return { ok: false, error: `(body) - invalid JSON: ${(error as Error).message}` };
  }
}

import { isContentLikeKey } from '../labels.ts';

/**
 * Dead letters keep invalid bodies for diagnosis and replay, but never their content: prompt and response text,
 * tool parameters and commands travel in fields with content-like names (OTLP attribute `prompt`, LiteLLM
 * `messages`, …), and those string values are blanked before anything is stored.
 */

export const REDACTED = '[redacted]';

/** Event names sit in the OTLP log body (`claude_code.api_request`): metadata, kept. */
const EVENT_NAME = /^(claude_code|gen_ai)\.[a-z_.]{1,80}$/;

/** A member named exactly `key` names an attribute (OTLP) or a team (Linear): metadata, not content. */
const isContentKey = (key: string) => key !== 'key' && isContentLikeKey(key);

export interface RedactedBody {
  /** The body to store (valid UTF-8); undefined when it could not be searched for content (then nothing is kept). */
  text?: string;
  /** How the body was read: parsed JSON/ndjson/form, decoded protobuf (kept as JSON), scanned text, or not kept. */
  format: 'json' | 'ndjson' | 'form' | 'decoded' | 'text' | 'dropped';
  /** String values blanked. */
  redactions: number;
}

interface Counter {
  count: number;
}

/** Deeper than this, a subtree is replaced whole: no recursion limit for hostile nesting, nothing unread kept. */
export const MAX_REDACT_DEPTH = 64;

function redactValue(value: unknown, underContent: boolean, counter: Counter, depth = 0): unknown {
  if (depth > MAX_REDACT_DEPTH && value && typeof value === 'object') {
    counter.count += 1;
    return `${REDACTED} (nested too deep)`;
  }
  if (typeof value === 'string') {
    if (!underContent || EVENT_NAME.test(value)) return value;
    counter.count += 1;
    return REDACTED;
  }
  if (Array.isArray(value)) return value.map((item) => redactValue(item, underContent, counter, depth + 1));
  if (!value || typeof value !== 'object') return value;
  const record = value as Record<string, unknown>;
  // OTLP KeyValue: the attribute's name decides whether its value is content; without a readable name it is.
  if ('value' in record && ('key' in record || Object.keys(record).length === 1)) {
    const content = underContent || typeof record.key !== 'string' || isContentLikeKey(record.key);
    return { ...record, value: redactValue(record.value, content, counter, depth + 1) };
  }
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(record)) {
    out[key] = redactValue(item, underContent || isContentKey(key), counter, depth + 1);
  }
  return out;
}

/** Content-like values of any JSON value. */
export function redactJson(value: unknown): { value: unknown; redactions: number } {
  const counter = { count: 0 };
  return { value: redactValue(value, false, counter), redactions: counter.count };
}

const STRING = String.raw`"((?:[^"\\]|\\.)*)(?:"|$)`;
const ATTRIBUTE = new RegExp(
  String.raw`("key"\s*:\s*)${STRING}(\s*,\s*"value"\s*:\s*\{\s*"[A-Za-z]+"\s*:\s*)${STRING}`,
  'g',
);
const MEMBER = new RegExp(
  String.raw`${STRING}(\s*:\s*(?:\[\s*)?(?:\{\s*"[A-Za-z_]+"\s*:\s*)?)${STRING}`,
  'g',
);

/**
 * Text that does not parse (truncated, invalid): blank the string values of content-like members and OTLP
 * attributes by pattern.
 */
export function redactText(text: string): { text: string; redactions: number } {
  let redactions = 0;
  const attributes = text.replace(
    ATTRIBUTE,
    (match, head: string, key: string, middle: string, value: string) => {
      if (!isContentLikeKey(key) || EVENT_NAME.test(value)) return match;
      redactions += 1;
      return `${head}"${key}"${middle}"${REDACTED}"`;
    },
  );
  const members = attributes.replace(MEMBER, (match, key: string, colon: string, value: string) => {
    if (!isContentKey(key) || value === REDACTED || EVENT_NAME.test(value)) return match;
    redactions += 1;
    return `"${key}"${colon}"${REDACTED}"`;
  });
  return { text: members, redactions };
}

function tryJson(text: string): { ok: true; value: unknown } | { ok: false } {
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch {
    return { ok: false };
  }
}

/**
 * What a dead letter may keep of a body. `decode` reads binary encodings (OTLP protobuf). A body that cannot be
 * searched for content (undecodable protobuf, invalid UTF-8, text that is not JSON) is not kept.
 */
export function redactBody(body: Buffer, decode?: (bytes: Uint8Array) => unknown): RedactedBody {
  const dropped: RedactedBody = { format: 'dropped', redactions: 0 };
  if (decode) {
    try {
      const decoded = redactJson(decode(body));
      return { text: JSON.stringify(decoded.value), format: 'decoded', redactions: decoded.redactions };
    } catch {
      return dropped;
    }
  }
  const utf8 = body.toString('utf8');
  if (!Buffer.from(utf8, 'utf8').equals(body)) return dropped;
  const parsed = tryJson(utf8);
  if (parsed.ok) {
    const redacted = redactJson(parsed.value);
    const text = redacted.redactions ? JSON.stringify(redacted.value) : utf8;
    return { text, format: 'json', redactions: redacted.redactions };
  }
  const lines = utf8.split('\n').filter((line) => line.trim() !== '');
  const parsedLines = lines.map(tryJson);
  if (lines.length > 1 && parsedLines.every((line) => line.ok)) {
    let redactions = 0;
    const out = parsedLines.map((line) => {
      const redacted = redactJson(line.ok ? line.value : null);
      redactions += redacted.redactions;
      return JSON.stringify(redacted.value);
    });
    return { text: redactions ? out.join('\n') : utf8, format: 'ndjson', redactions };
  }
  const form = utf8.startsWith('payload=') ? new URLSearchParams(utf8).get('payload') : null;
  const formJson = form === null ? { ok: false as const } : tryJson(form);
  if (formJson.ok) {
    const redacted = redactJson(formJson.value);
    const text = redacted.redactions ? `payload=${encodeURIComponent(JSON.stringify(redacted.value))}` : utf8;
    return { text, format: 'form', redactions: redacted.redactions };
  }
  // Truncated or otherwise broken JSON: blank content by pattern. Other text (protobuf sent as JSON, random
  // bytes) cannot be searched for content reliably: not kept.
  if (!/^\s*[[{]/.test(utf8)) return dropped;
  const scanned = redactText(utf8);
  return { text: scanned.text, format: 'text', redactions: scanned.redactions };
}

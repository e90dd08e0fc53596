/**
 * Labels are the safe, free-form part of a usage record (OTEL_RESOURCE_ATTRIBUTES, request tags).
 * There is no whitelist, so anything that could carry content (prompts, commands, bodies) is
 * dropped by key, and size is capped so a noisy sender cannot bloat every stored event.
 */
export const MAX_LABELS = 32;
export const MAX_LABEL_KEY_LENGTH = 64;
export const MAX_LABEL_VALUE_LENGTH = 200;

/** Key segments that name content rather than metadata; matched per dot/underscore-separated word. */
const CONTENT_WORDS = new Set([
  'prompt',
  'prompts',
  'response',
  'responses',
  'completion',
  'message',
  'messages',
  'body',
  'content',
  'text',
  'input',
  'output',
  'command',
  'parameters',
  'params',
  'code',
  'diff',
  'patch',
  'secret',
  'token',
  'password',
  'authorization',
  'cookie',
  'key',
]);

/** Keys that look like metadata despite containing a content word, e.g. "service.name" is fine. */
const ALLOWED_DESPITE_WORD = new Set(['api_key_alias', 'tool_input_size_bytes']);

export function isContentLikeKey(key: string): boolean {
  const lower = key.toLowerCase();
  if (ALLOWED_DESPITE_WORD.has(lower)) return false;
  return lower.split(/[._\-/\s]+/).some((word) => CONTENT_WORDS.has(word));
}

/** Copies scalar labels, dropping content-like keys, then caps count, key and value length. */
export function safeLabels(entries: Iterable<readonly [string, string]>): Record<string, string> {
  const labels: Record<string, string> = {};
  let count = 0;
  for (const [key, value] of entries) {
    if (count >= MAX_LABELS) break;
    if (!key || key.length > MAX_LABEL_KEY_LENGTH || key.startsWith('$') || isContentLikeKey(key)) continue;
    if (Object.hasOwn(labels, key)) continue;
    labels[key] = value.length > MAX_LABEL_VALUE_LENGTH ? value.slice(0, MAX_LABEL_VALUE_LENGTH) : value;
    count += 1;
  }
  return labels;
}

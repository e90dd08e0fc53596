/**
 * Values used as document field names (`byRepo.<repo>`, `models.<model>`, label keys) must not contain dots,
 * start with `$` or hold NUL. One reversible escape, used by the store to write and by readers to decode.
 */
export function encodeKey(value: string): string {
  return value.replace(/%/g, '%25').replace(/\./g, '%2E').replace(/^\$/, '%24').replace(/\0/g, '%00');
}

/** The original value; a key that was not written by encodeKey is returned as it is. */
export function decodeKey(key: string): string {
  try {
    return decodeURIComponent(key);
  } catch {
    return key;
  }
}

/** A string map whose keys may contain dots (OTLP attribute names), safe to store as a subdocument. */
export function encodeKeys(record: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(record).map(([key, value]) => [encodeKey(key), value]));
}

import type { OtlpAnyValue, OtlpInt64, OtlpKeyValue } from './schema.ts';

/** Attributes by key; the first occurrence of a key wins, as OTLP forbids duplicates anyway. */
export type AttributeMap = ReadonlyMap<string, OtlpAnyValue>;

export function attributeMap(attributes: readonly OtlpKeyValue[] | undefined): AttributeMap {
  const map = new Map<string, OtlpAnyValue>();
  for (const { key, value } of attributes ?? []) {
    if (value !== undefined && !map.has(key)) map.set(key, value);
  }
  return map;
}

/** A scalar AnyValue as text; arrays, maps and bytes have no safe one-line form and give undefined. */
export function anyValueToString(value: OtlpAnyValue | undefined): string | undefined {
  if (value === undefined) return undefined;
  if (value.stringValue !== undefined) return value.stringValue;
  if (value.intValue !== undefined) return String(value.intValue);
  if (value.doubleValue !== undefined) return String(value.doubleValue);
  if (value.boolValue !== undefined) return String(value.boolValue);
  return undefined;
}

/**
 * A number from whichever AnyValue field carries it: Claude Code has sent token counts as
 * intValue (number or string), doubleValue and stringValue across versions.
 */
export function anyValueToNumber(value: OtlpAnyValue | undefined): number | undefined {
  if (value === undefined) return undefined;
  const raw = value.intValue ?? value.doubleValue ?? value.stringValue;
  if (raw === undefined || raw === '') return undefined;
  const number = typeof raw === 'number' ? raw : Number(raw.trim());
  return Number.isFinite(number) ? number : undefined;
}

export function anyValueToBoolean(value: OtlpAnyValue | undefined): boolean | undefined {
  if (value?.boolValue !== undefined) return value.boolValue;
  if (value?.stringValue === 'true') return true;
  if (value?.stringValue === 'false') return false;
  return undefined;
}

/** Looks a key up in several attribute maps in order (record before resource). */
export function firstString(maps: readonly AttributeMap[], ...keys: string[]): string | undefined {
  for (const key of keys) {
    for (const map of maps) {
      const text = anyValueToString(map.get(key))?.trim();
      if (text) return text;
    }
  }
  return undefined;
}

export function firstNumber(maps: readonly AttributeMap[], ...keys: string[]): number | undefined {
  for (const key of keys) {
    for (const map of maps) {
      const number = anyValueToNumber(map.get(key));
      if (number !== undefined) return number;
    }
  }
  return undefined;
}

/** Scalar attributes as [key, text] pairs (for labels and metric dimensions). */
export function scalarEntries(map: AttributeMap): [string, string][] {
  const entries: [string, string][] = [];
  for (const [key, value] of map) {
    const text = anyValueToString(value);
    if (text !== undefined) entries.push([key, text]);
  }
  return entries;
}

const NANOS_PER_MILLI = 1_000_000n;

/** Unix nanoseconds (decimal string or number) to a Date; 0, absent or malformed mean "unknown". */
export function nanosToDate(nanos: OtlpInt64 | undefined): Date | undefined {
  if (nanos === undefined) return undefined;
  let millis: number;
  if (typeof nanos === 'number') {
    millis = Math.floor(nanos / 1e6);
  } else {
    if (!/^\d+$/.test(nanos)) return undefined;
    millis = Number(BigInt(nanos) / NANOS_PER_MILLI);
  }
  if (!(millis > 0)) return undefined;
  const date = new Date(millis);
  return Number.isNaN(date.getTime()) ? undefined : date;
}

/** Canonical decimal-string form of a 64-bit value, so JSON numbers and strings hash alike. */
export function int64Text(value: OtlpInt64 | undefined): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value === 'string') return value.replace(/^(-?)0+(?=\d)/, '$1');
  return Number.isSafeInteger(value) ? String(value) : BigInt(Math.trunc(value)).toString();
}

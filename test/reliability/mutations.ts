/**
 * fast-check arbitraries that turn a valid request into a hostile one: values of the wrong type, huge and
 * non-finite numbers, dropped fields, truncated bodies, invalid UTF-8, deep nesting, random bytes.
 */
import fc from 'fast-check';

export type JsonPath = (string | number)[];

/** Literal JSON tokens JSON.stringify cannot produce (NaN, 1e999…), spliced in after serialisation. */
const RAW_MARK = '@@RAW:';
export const raw = (token: string) => `${RAW_MARK}${token}@@`;

/** JSON.stringify, then splice raw tokens in place of their marker strings. */
export function serialise(value: unknown): string {
  return JSON.stringify(value).replace(/"@@RAW:([^@"]*)@@"/g, '$1');
}

const protoKey = (key: string) => JSON.parse(`{"${key}":{"polluted":true}}`) as Record<string, unknown>;

export const deepObject = (depth: number) => raw(`${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`);
export const deepArray = (depth: number) => raw(`${'['.repeat(depth)}${']'.repeat(depth)}`);

/** Values that break assumptions: wrong types, extremes, non-finite numbers, operators, prototype keys. */
export const evilValue: fc.Arbitrary<unknown> = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.constantFrom<unknown>(
      null,
      true,
      false,
      0,
      -1,
      -0.01,
      1e308,
      -1e308,
      2 ** 53 + 2,
      5e-324,
      '',
      ' ',
      'NaN',
      '-1',
      '1e999',
      '0x1F',
      'null',
      '\u0000',
      '\ud800',
      '𝕏'.repeat(300),
      'x'.repeat(20_000),
      [],
      {},
      [[[[]]]],
      { $gt: '' },
      { $where: 'sleep(100)' },
      protoKey('__proto__'),
      protoKey('constructor'),
      '$set',
      'a.b.c',
      { 'a.b': 1, $x: 2 },
      raw('NaN'),
      raw('Infinity'),
      raw('-Infinity'),
      raw('1e999'),
      raw('-1e999'),
      raw('123456789012345678901234567890123456789'),
      raw('-0'),
      deepObject(64),
      deepObject(5_000),
      deepArray(50_000),
    ),
  },
  { weight: 1, arbitrary: fc.double() },
  { weight: 1, arbitrary: fc.integer() },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 40 }) },
  { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 3 }) },
);

/** Every path in a JSON value (objects and arrays, root excluded). */
export function pathsOf(value: unknown, prefix: JsonPath = [], out: JsonPath[] = []): JsonPath[] {
  if (Array.isArray(value)) {
    value.forEach((item, index) => {
      out.push([...prefix, index]);
      pathsOf(item, [...prefix, index], out);
    });
  } else if (value && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) {
      out.push([...prefix, key]);
      pathsOf(item, [...prefix, key], out);
    }
  }
  return out;
}

function cloneJson<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}

function parentOf(root: unknown, path: JsonPath): Record<string | number, unknown> | undefined {
  let node = root;
  for (const key of path.slice(0, -1)) {
    if (!node || typeof node !== 'object') return undefined;
    node = (node as Record<string | number, unknown>)[key];
  }
  return node && typeof node === 'object' ? (node as Record<string | number, unknown>) : undefined;
}

export function setAt(value: unknown, path: JsonPath, replacement: unknown): unknown {
  const copy = cloneJson(value);
  const parent = parentOf(copy, path);
  if (parent) parent[path.at(-1)!] = replacement;
  return copy;
}

export function deleteAt(value: unknown, path: JsonPath): unknown {
  const copy = cloneJson(value);
  const parent = parentOf(copy, path);
  const key = path.at(-1)!;
  if (Array.isArray(parent) && typeof key === 'number') parent.splice(key, 1);
  else if (parent) delete parent[key];
  return copy;
}

export interface JsonMutation {
  pick: number;
  drop: boolean;
  evil: unknown;
}

/** Replace or drop the value at a random path (picked by index among the value's paths). */
export const jsonMutation: fc.Arbitrary<JsonMutation> = fc.record({
  pick: fc.nat(),
  drop: fc.boolean(),
  evil: evilValue,
});

export function applyJsonMutation(
  value: unknown,
  mutation: JsonMutation,
  skip: (path: JsonPath) => boolean = () => false,
): { name: string; value: unknown } {
  const paths = pathsOf(value).filter((path) => !skip(path));
  if (!paths.length) return { name: 'root replaced', value: mutation.evil };
  const path = paths[mutation.pick % paths.length]!;
  const where = path.join('.');
  if (mutation.drop) return { name: `drop ${where}`, value: deleteAt(value, path) };
  const shown =
    typeof mutation.evil === 'string' ? mutation.evil.slice(0, 24) : JSON.stringify(mutation.evil);
  return { name: `${where} = ${String(shown).slice(0, 40)}`, value: setAt(value, path, mutation.evil) };
}

const INVALID_UTF8: number[][] = [
  [0xff],
  [0xc3, 0x28],
  [0xed, 0xa0, 0x80],
  [0xf8, 0x88, 0x80, 0x80, 0x80],
  [0xc0, 0xaf],
  [0x80],
];

export type ByteMutation =
  | { kind: 'truncate'; at: number }
  | { kind: 'utf8'; at: number; bytes: number }
  | { kind: 'random'; bytes: Uint8Array }
  | { kind: 'literal'; text: string }
  | { kind: 'deep'; depth: number; array: boolean }
  | { kind: 'flip'; at: number; xor: number };

export const byteMutation: fc.Arbitrary<ByteMutation> = fc.oneof(
  fc.record({ kind: fc.constant('truncate' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('utf8' as const), at: fc.nat(), bytes: fc.nat(INVALID_UTF8.length - 1) }),
  fc.record({ kind: fc.constant('random' as const), bytes: fc.uint8Array({ maxLength: 600 }) }),
  fc.record({
    kind: fc.constant('literal' as const),
    text: fc.constantFrom(
      '',
      ' ',
      '{}',
      '[]',
      'null',
      '"x"',
      '1',
      '{"',
      '\u0000',
      '{"a":1,"a":2}',
      'payload=',
    ),
  }),
  fc.record({
    kind: fc.constant('deep' as const),
    depth: fc.constantFrom(1_000, 20_000, 200_000),
    array: fc.boolean(),
  }),
  fc.record({ kind: fc.constant('flip' as const), at: fc.nat(), xor: fc.integer({ min: 1, max: 255 }) }),
);

export function applyByteMutation(body: Buffer, mutation: ByteMutation): { name: string; body: Buffer } {
  switch (mutation.kind) {
    case 'truncate': {
      const at = body.length ? mutation.at % body.length : 0;
      return { name: `truncated at ${at}/${body.length}`, body: body.subarray(0, at) };
    }
    case 'utf8': {
      // Inside a string when there is one: right after a quote.
      const quotes: number[] = [];
      for (let i = 0; i < body.length; i++) if (body[i] === 0x22) quotes.push(i + 1);
      const at = quotes.length ? quotes[mutation.at % quotes.length]! : mutation.at % (body.length + 1);
      const bytes = Buffer.from(INVALID_UTF8[mutation.bytes]!);
      return {
        name: `invalid UTF-8 ${bytes.toString('hex')} at ${at}`,
        body: Buffer.concat([body.subarray(0, at), bytes, body.subarray(at)]),
      };
    }
    case 'random':
      return { name: `${mutation.bytes.length} random bytes`, body: Buffer.from(mutation.bytes) };
    case 'literal':
      return { name: `body ${JSON.stringify(mutation.text)}`, body: Buffer.from(mutation.text) };
    case 'deep': {
      const open = mutation.array ? '[' : '{"a":';
      const close = mutation.array ? ']' : '}';
      const text = `${open.repeat(mutation.depth)}${mutation.array ? '' : '1'}${close.repeat(mutation.depth)}`;
      return {
        name: `nested ${mutation.array ? 'arrays' : 'objects'} depth ${mutation.depth}`,
        body: Buffer.from(text),
      };
    }
    case 'flip': {
      if (!body.length) return { name: 'flip on empty', body };
      const copy = Buffer.from(body);
      const at = mutation.at % copy.length;
      copy[at] = copy[at]! ^ mutation.xor;
      return { name: `byte ${at} ^ ${mutation.xor}`, body: copy };
    }
  }
}

export const WRONG_CONTENT_TYPES = [
  undefined,
  'text/plain',
  'application/xml',
  'multipart/form-data; boundary=xyz',
  'application/json; charset=latin1',
  'APPLICATION/JSON',
  'application/x-www-form-urlencoded',
  'application/x-protobuf',
  'application/json, text/plain',
  'application/octet-stream',
  '*/*',
];

export const CONTENT_ENCODINGS = ['br', 'deflate', 'gzip, gzip', 'compress', 'identity', 'GZIP', 'x-gzip'];

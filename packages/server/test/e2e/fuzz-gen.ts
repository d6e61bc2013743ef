// Seeded generators of hostile request bodies for the security fuzz: protobuf-shaped JSON from message
// descriptors, JSON-schema-shaped JSON from the OpenAPI document, then wrong types, garbage and edge values.
import { ScalarType, type DescField, type DescMessage } from '@bufbuild/protobuf';

export type Rng = () => number;

/** mulberry32: tiny, fast, reproducible from one 32-bit seed. */
export function rngFrom(seed: number): Rng {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export const pick = <T>(rng: Rng, xs: readonly T[]): T => xs[Math.floor(rng() * xs.length)] as T;
const chance = (rng: Rng, p: number) => rng() < p;

export interface Pools {
  /** Ids that exist on the server (repo, plan, snapshot, instance...), so some bodies get past lookups. */
  ids: string[];
  /** Absolute paths inside the test's workspace (the only absolute paths the fuzz may write to). */
  paths: string[];
}

const HUGE = 'x'.repeat(70_000);
const LONG = 'y'.repeat(5_000);

function asciiNoise(rng: Rng): string {
  const n = 1 + Math.floor(rng() * 40);
  let s = '';
  for (let i = 0; i < n; i++) s += String.fromCharCode(32 + Math.floor(rng() * 95));
  return s.replace(/\//g, '_');
}

/** Strings that break parsers, paths, shells and length limits; never an absolute path outside the workspace. */
export function fuzzString(rng: Rng, pools: Pools): string {
  const fixed = [
    '',
    ' ',
    '\u0000',
    'a\u0000b',
    '..',
    '../x',
    '../../../y',
    'sub/dir',
    '/etc/passwd',
    '%00',
    '%2e%2e%2f',
    'é漢字🙂',
    '\ud800',
    '\u202e\ufeff',
    HUGE,
    LONG,
    '${HOME}',
    '$(id)',
    '; id',
    '--password-command=true',
    '-o',
    'rest:http://127.0.0.1:1/x',
    'rest:http://u:p@127.0.0.1:1/x',
    's3:http://127.0.0.1:1/bucket',
    'sftp:nobody@127.0.0.1:x',
    'rclone:nope:x',
    'http://127.0.0.1:1/hook',
    'not a url',
    '9223372036854775807',
    '-1',
    'true',
    'null',
    '{"a":1}',
    '********',
    'latest',
    'a'.repeat(64),
    'CRON_TZ=Nowhere/Zone 0 0 * * *',
    '*/0 * * * *',
  ];
  const r = rng();
  if (r < 0.3) return pick(rng, pools.ids);
  if (r < 0.38) return pick(rng, pools.paths);
  if (r < 0.5) return asciiNoise(rng);
  return pick(rng, fixed);
}

const INT64S: unknown[] = [
  '0',
  '1',
  '-1',
  '9223372036854775807',
  '-9223372036854775808',
  '9223372036854775808',
  '18446744073709551616',
  '1e3',
  '0x10',
  ' 1',
  '',
  'abc',
  9007199254740993,
  1.5,
  -0,
  '1.0',
  1e308,
  true,
  null,
];
const INT32S: unknown[] = [
  0,
  1,
  -1,
  2147483647,
  -2147483648,
  2147483648,
  4294967296,
  1.5,
  '7',
  'x',
  null,
  1e20,
];
const FLOATS: unknown[] = [0, -1, 1.5, 1e308, -1e308, 'NaN', 'Infinity', '-Infinity', 'x', 5e-324, null];

function scalar(rng: Rng, t: ScalarType, pools: Pools): unknown {
  switch (t) {
    case ScalarType.STRING:
      return fuzzString(rng, pools);
    case ScalarType.BYTES:
      return pick(rng, ['', 'AAEC', '!!notbase64', Buffer.from(HUGE).toString('base64'), 'A'.repeat(3)]);
    case ScalarType.BOOL:
      return pick(rng, [true, false, true, 'true', 0, null]);
    case ScalarType.DOUBLE:
    case ScalarType.FLOAT:
      return pick(rng, FLOATS);
    case ScalarType.INT64:
    case ScalarType.UINT64:
    case ScalarType.SINT64:
    case ScalarType.FIXED64:
    case ScalarType.SFIXED64:
      return chance(rng, 0.4) ? String(Math.floor(rng() * 10)) : pick(rng, INT64S);
    default:
      return chance(rng, 0.4) ? Math.floor(rng() * 10) : pick(rng, INT32S);
  }
}

function fieldValue(rng: Rng, f: DescField, pools: Pools, depth: number): unknown {
  switch (f.fieldKind) {
    case 'scalar':
      return scalar(rng, f.scalar, pools);
    case 'enum': {
      const names = f.enum.values.map((v) => v.name);
      return chance(rng, 0.8) ? pick(rng, names) : pick(rng, [999, -1, 'NOPE', 1.5]);
    }
    case 'message':
      return protoJson(rng, f.message, pools, depth + 1);
    case 'list': {
      const n = Math.floor(rng() * 4);
      const one = (): unknown =>
        f.listKind === 'scalar'
          ? scalar(rng, f.scalar, pools)
          : f.listKind === 'enum'
            ? pick(
                rng,
                f.enum.values.map((v) => v.name),
              )
            : protoJson(rng, f.message, pools, depth + 1);
      return Array.from({ length: n }, one);
    }
    case 'map': {
      const o: Record<string, unknown> = {};
      for (let i = Math.floor(rng() * 3); i > 0; i--) o[fuzzString(rng, pools).slice(0, 50)] = 'v';
      return o;
    }
  }
}

/** JSON for `desc` in Connect's JSON form, each field present by chance, values from the hostile pools. */
export function protoJson(rng: Rng, desc: DescMessage, pools: Pools, depth = 0): unknown {
  if (desc.typeName.startsWith('google.protobuf.'))
    return pick(rng, [{}, 'x', 0, desc.typeName.endsWith('Value') ? fuzzString(rng, pools) : {}]);
  if (depth > 5) return {};
  const o: Record<string, unknown> = {};
  const oneofDone = new Set<string>();
  for (const f of desc.fields) {
    if (f.oneof) {
      if (oneofDone.has(f.oneof.name) && !chance(rng, 0.05)) continue;
      if (!chance(rng, 0.4)) continue;
      oneofDone.add(f.oneof.name);
    } else if (!chance(rng, 0.6)) continue;
    o[chance(rng, 0.9) ? f.jsonName : f.name] = fieldValue(rng, f, pools, depth);
  }
  if (chance(rng, 0.05)) o[asciiNoise(rng)] = 1;
  return o;
}

type Schema = Record<string, unknown>;

/** JSON for a JSON schema of the OpenAPI document (`$ref` into components.schemas). */
export function schemaJson(rng: Rng, s: Schema, root: Schema, pools: Pools, depth = 0): unknown {
  if (depth > 6) return null;
  const ref = s.$ref;
  if (typeof ref === 'string') {
    const name = ref.split('/').pop() ?? '';
    const comps = (root.components as { schemas?: Record<string, Schema> } | undefined)?.schemas ?? {};
    return schemaJson(rng, comps[name] ?? {}, root, pools, depth + 1);
  }
  if ('const' in s && chance(rng, 0.9)) return s.const;
  if (Array.isArray(s.enum) && chance(rng, 0.85)) return pick(rng, s.enum);
  const alts = (s.anyOf ?? s.oneOf) as Schema[] | undefined;
  if (Array.isArray(alts) && alts.length) return schemaJson(rng, pick(rng, alts), root, pools, depth + 1);
  if (Array.isArray(s.allOf) && s.allOf.length)
    return schemaJson(rng, s.allOf[0] as Schema, root, pools, depth + 1);
  const type = Array.isArray(s.type) ? pick(rng, s.type as string[]) : s.type;
  switch (type) {
    case 'object': {
      const props = (s.properties ?? {}) as Record<string, Schema>;
      const required = new Set((s.required ?? []) as string[]);
      const o: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(props))
        if (chance(rng, required.has(k) ? 0.92 : 0.5)) o[k] = schemaJson(rng, v, root, pools, depth + 1);
      if (chance(rng, 0.05)) o[asciiNoise(rng)] = 'extra';
      return o;
    }
    case 'array': {
      const items = (s.items ?? {}) as Schema;
      return Array.from({ length: Math.floor(rng() * 4) }, () =>
        schemaJson(rng, items, root, pools, depth + 1),
      );
    }
    case 'string':
      return fuzzString(rng, pools);
    case 'integer':
      return chance(rng, 0.5) ? Math.floor(rng() * 10) : pick(rng, INT32S);
    case 'number':
      return pick(rng, FLOATS);
    case 'boolean':
      return chance(rng, 0.9) ? chance(rng, 0.5) : 'yes';
    case 'null':
      return null;
    default:
      return chance(rng, 0.5) ? fuzzString(rng, pools) : {};
  }
}

const WRONG: unknown[] = [123, 'str', [], {}, null, true, -1.5, '\u0000', [[[]]], { $typeName: 'x' }];

/** Replaces one random node of `v` (or `v` itself) with a value of another type. */
export function wrongType(rng: Rng, v: unknown): unknown {
  if (v === null || typeof v !== 'object' || chance(rng, 0.15)) return pick(rng, WRONG);
  const entries: [string | number, unknown][] = Array.isArray(v)
    ? v.map((x: unknown, i): [number, unknown] => [i, x])
    : Object.entries(v);
  if (entries.length === 0) return pick(rng, WRONG);
  const [k, x] = pick(rng, entries);
  const copy = (Array.isArray(v) ? [...v] : { ...v }) as Record<string | number, unknown>;
  copy[k] = wrongType(rng, x);
  return copy;
}

export interface RawBody {
  what: string;
  contentType: string;
  body: string | Uint8Array;
}

/** A body that is no JSON at all, or JSON no parser should accept quietly. */
/** A hostile body for a shaped value: mostly the shape itself (60 %), else its wrong-typed twin, else garbage. */
export function hostileBody(rng: Rng, shaped: unknown): RawBody {
  const r = rng();
  if (r < 0.6) return { what: 'shaped', contentType: 'application/json', body: JSON.stringify(shaped) };
  if (r < 0.8)
    return {
      what: 'wrong type',
      contentType: 'application/json',
      body: JSON.stringify(wrongType(rng, shaped)),
    };
  return garbageBody(rng, JSON.stringify(shaped));
}

export function garbageBody(rng: Rng, json: string): RawBody {
  const bytes = new Uint8Array(1 + Math.floor(rng() * 512));
  for (let i = 0; i < bytes.length; i++) bytes[i] = Math.floor(rng() * 256);
  const depth = 20_000;
  const cases: RawBody[] = [
    { what: 'binary garbage', contentType: 'application/json', body: bytes },
    { what: 'binary as proto', contentType: 'application/proto', body: bytes },
    {
      what: 'truncated json',
      contentType: 'application/json',
      body: json.slice(0, Math.floor(json.length / 2)),
    },
    { what: 'deep arrays', contentType: 'application/json', body: '['.repeat(depth) + ']'.repeat(depth) },
    {
      what: 'deep objects',
      contentType: 'application/json',
      body: '{"a":'.repeat(depth) + '1' + '}'.repeat(depth),
    },
    { what: 'empty', contentType: 'application/json', body: '' },
    {
      what: 'top-level scalar',
      contentType: 'application/json',
      body: pick(rng, ['1', '"s"', 'null', '[]', 'true']),
    },
    { what: 'text/plain', contentType: 'text/plain', body: json },
    { what: 'form', contentType: 'application/x-www-form-urlencoded', body: 'a=1&b=%00' },
    { what: 'latin1 charset', contentType: 'application/json; charset=latin1', body: json },
    { what: 'no content type', contentType: '', body: json },
    { what: 'duplicate keys', contentType: 'application/json', body: '{"a":1,"a":{"b":2}}' },
    {
      what: 'lone surrogate bytes',
      contentType: 'application/json',
      body: Buffer.from([0x7b, 0x22, 0xed, 0xa0, 0x80, 0x22, 0x3a, 0x31, 0x7d]),
    },
  ];
  return pick(rng, cases);
}

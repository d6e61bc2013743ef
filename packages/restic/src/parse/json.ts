/** Parses one line as JSON; undefined for text lines (restic mixes text into --json output). */
export function parseJsonLine(line: string): unknown {
  const t = line.trim();
  if (!(t.startsWith('{') || t.startsWith('['))) return undefined;
  try {
    return JSON.parse(t) as unknown;
  } catch {
    return undefined;
  }
}

export function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * Finds the JSON document in stdout: the whole text if it parses, else the first line that parses
 * (0.14 `forget --json --prune` prints the JSON on line 1 followed by text).
 */
export function parseJsonDocument(stdout: string): unknown {
  const t = stdout.trim();
  if (t === '') return undefined;
  try {
    return JSON.parse(t) as unknown;
  } catch {
    for (const line of t.split('\n')) {
      const v = parseJsonLine(line);
      if (v !== undefined) return v;
    }
    return undefined;
  }
}

const camelKey = (k: string): string => k.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());

/** Converts restic's snake_case keys to camelCase, recursively. */
export function camelize<T = unknown>(v: unknown): T {
  if (Array.isArray(v)) return v.map((x) => camelize(x)) as T;
  if (!isObject(v)) return v as T;
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(v)) out[camelKey(k)] = camelize(x);
  return out as T;
}

/** Unknown ETA in 0.14 is 2^63: larger than any real value, so drop it. */
export function saneNumber(v: unknown): number | undefined {
  return typeof v === 'number' && Number.isFinite(v) && v < 2 ** 53 ? v : undefined;
}

export type RangeResult =
  { kind: 'full' } | { kind: 'range'; start: number; end: number } | { kind: 'unsatisfiable' };

/**
 * Parses a Range header like Go's http.ServeContent for one range (bytes=a-b, a-, -n): malformed or
 * non-overlapping → 416. Several ranges are answered with the full content (RFC 9110 allows it).
 */
export function parseRange(header: string | undefined, size: number): RangeResult {
  if (header === undefined || header === '') return { kind: 'full' };
  const bad: RangeResult = { kind: 'unsatisfiable' };
  if (!header.startsWith('bytes=')) return bad;
  const spec = header.slice(6).trim();
  if (spec.includes(',')) return { kind: 'full' };
  const dash = spec.indexOf('-');
  if (dash < 0) return bad;
  const a = spec.slice(0, dash).trim();
  const b = spec.slice(dash + 1).trim();
  const num = /^\d+$/;
  if (a === '') {
    if (!num.test(b)) return bad;
    let n = Number(b);
    if (n === 0) return { kind: 'unsatisfiable' };
    if (n > size) n = size;
    if (size === 0) return { kind: 'unsatisfiable' };
    return { kind: 'range', start: size - n, end: size - 1 };
  }
  if (!num.test(a)) return bad;
  const start = Number(a);
  if (start >= size) return { kind: 'unsatisfiable' };
  let end = size - 1;
  if (b !== '') {
    if (!num.test(b)) return bad;
    end = Math.min(Number(b), size - 1);
    if (end < start) return bad;
  }
  return { kind: 'range', start, end };
}

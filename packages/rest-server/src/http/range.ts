import type { IncomingMessage } from 'node:http';
import { firstHeader, trimSpace as trim } from './go-headers.js';

/** One byte range of a Range header; `length` may be 0 (Go keeps `bytes=-0` as an empty range at the end). */
export interface ByteRange {
  start: number;
  length: number;
}

/** What Go's http.ServeContent answers to a Range header. */
export type RangePlan =
  | { kind: 'full' }
  | { kind: 'single'; start: number; end: number }
  | { kind: 'multi'; ranges: ByteRange[] }
  | { kind: 'unsatisfiable'; noOverlap: boolean };

const FULL: RangePlan = { kind: 'full' };
const INT64 = /^[+-]?\d+$/;
const MAX_INT64 = 9223372036854775807n;
const MIN_INT64 = -9223372036854775808n;

/** strconv.ParseInt(s, 10, 64): optional sign, decimal digits, fits int64; NaN on error. */
function parseInt64(s: string): number {
  if (!INT64.test(s)) return NaN;
  if (s.length > 15) {
    const b = BigInt(s);
    if (b > MAX_INT64 || b < MIN_INT64) return NaN;
  }
  return Number(s);
}

/**
 * Go's net/http parseRange (Go 1.23): comma-separated specs in request order (overlaps kept), suffix `-N`
 * clamped to the size, open `N-`, ends clamped; specs starting at or past the size are dropped.
 */
export function parseRanges(header: string, size: number): ByteRange[] | 'invalid' | 'noOverlap' {
  if (!header.startsWith('bytes=')) return 'invalid';
  const ranges: ByteRange[] = [];
  let noOverlap = false;
  for (const spec of header.slice(6).split(',')) {
    const ra = trim(spec);
    if (ra === '') continue;
    const dash = ra.indexOf('-');
    if (dash < 0) return 'invalid';
    const a = trim(ra.slice(0, dash));
    const b = trim(ra.slice(dash + 1));
    if (a === '') {
      if (b === '' || b.startsWith('-')) return 'invalid';
      const n = parseInt64(b);
      if (!(n >= 0)) return 'invalid';
      const len = Math.min(n, size);
      ranges.push({ start: size - len, length: len });
      continue;
    }
    const start = parseInt64(a);
    if (!(start >= 0)) return 'invalid';
    if (start >= size) {
      noOverlap = true; // Go checks this before looking at the end at all
      continue;
    }
    if (b === '') {
      ranges.push({ start, length: size - start });
      continue;
    }
    const end = parseInt64(b);
    if (Number.isNaN(end) || start > end) return 'invalid';
    ranges.push({ start, length: Math.min(end, size - 1) - start + 1 });
  }
  return noOverlap && ranges.length === 0 ? 'noOverlap' : ranges;
}

/**
 * serveContent's decision: no header → full; syntax error → 416; nothing overlaps → 416 with
 * `Content-Range: bytes *\/size` (200 for an empty object); ranges summing past the size → full 200;
 * one range → plain 206; several → multipart/byteranges.
 */
export function planRanges(header: string | undefined, size: number): RangePlan {
  if (header === undefined || header === '') return FULL;
  const r = parseRanges(header, size);
  if (r === 'noOverlap' && size === 0) return FULL;
  if (typeof r === 'string') return { kind: 'unsatisfiable', noOverlap: r === 'noOverlap' };
  const [first] = r;
  if (first === undefined) return FULL;
  if (r.length === 1) return { kind: 'single', start: first.start, end: first.start + first.length - 1 };
  let sum = 0;
  for (const x of r) sum += x.length;
  return sum > size ? FULL : { kind: 'multi', ranges: r };
}

/** The Range header Go would read: the first one (Node joins repeated headers with ", "). */
export function firstRangeHeader(req: IncomingMessage): string | undefined {
  return firstHeader(req, 'range');
}

import type { IncomingMessage } from 'node:http';
import { firstHeader, trimSpace } from './go-headers.js';

// Go's http.ServeContent as rest-server calls it for GET of an object: mod time = Unix epoch and no ETag, so
// If-Modified-Since and If-Unmodified-Since are ignored and no entity tag ever matches. What is left:
// If-Match passes only through `*` (else 412), If-None-Match fails only on `*` (304), and If-Range keeps
// the Range only when it is the epoch as an HTTP date.

/** Go's scanETag: `"text"` or `W/"text"` at the start of `s`, and the rest; undefined when malformed. */
function scanETag(s: string): [string, string] | undefined {
  const t = trimSpace(s);
  const start = t.startsWith('W/') ? 2 : 0;
  if (t.length - start < 2 || t[start] !== '"') return undefined;
  for (let i = start + 1; i < t.length; i++) {
    const c = t.charCodeAt(i);
    if (c === 0x22) return [t.slice(0, i + 1), t.slice(i + 1)];
    if (!(c === 0x21 || (c >= 0x23 && c <= 0x7e) || c >= 0x80)) return undefined;
  }
  return undefined;
}

/** Scans an If-Match/If-None-Match list as Go does: true when `*` comes before any malformed entry. */
function listReachesStar(header: string): boolean {
  let rest = header;
  for (;;) {
    rest = trimSpace(rest);
    if (rest.length === 0) return false;
    if (rest[0] === ',') {
      rest = rest.slice(1);
      continue;
    }
    if (rest[0] === '*') return true;
    const tag = scanETag(rest);
    if (!tag) return false; // no ETag of ours can match a well-formed one either
    rest = tag[1];
  }
}

/** The status Go answers with before looking at Range (412 or 304), or undefined to serve the object. */
export function preconditionStatus(req: IncomingMessage): 304 | 412 | undefined {
  const ifMatch = firstHeader(req, 'if-match');
  if (ifMatch && !listReachesStar(ifMatch)) return 412;
  const ifNoneMatch = firstHeader(req, 'if-none-match');
  if (ifNoneMatch && listReachesStar(ifNoneMatch)) return 304;
  return undefined;
}

/** Whether a Range header applies: only without If-Range, or with If-Range naming the epoch as a date. */
export function rangeAllowed(req: IncomingMessage): boolean {
  const ifRange = firstHeader(req, 'if-range');
  if (!ifRange) return true;
  if (scanETag(ifRange)) return false;
  return httpDateSeconds(ifRange) === 0;
}

const DAYS = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];
const LONG_DAYS = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const DAY = `(${DAYS.join('|')})`;
const MONTH = `(${MONTHS.join('|')})`;
const CLOCK = '(\\d{1,2}):(\\d{2}):(\\d{2})';
// Go's http.ParseTime layouts: TimeFormat (RFC 1123, GMT), RFC 850 and ANSI C asctime. Go reads day and month
// names in any case; the literal GMT and zone names must be upper case (checked after the match).
const RFC1123 = new RegExp(`^${DAY}, (\\d{2}) ${MONTH} (\\d{4}) ${CLOCK} (GMT)$`, 'i');
const RFC850 = new RegExp(
  `^(${LONG_DAYS.join('|')}), (\\d{2})-${MONTH}-(\\d{2}) ${CLOCK} ([A-Z]{3,5})$`,
  'i',
);
const ASCTIME = new RegExp(`^${DAY} ${MONTH} ( \\d|\\d{1,2}) ${CLOCK} (\\d{4})$`, 'i');
const UPPER = /^[A-Z]+$/;

type DateParts = [year: number, month: string, day: string, hour: string, minute: string, second: string];

function dateParts(s: string): DateParts | undefined {
  let m = RFC1123.exec(s);
  if (m && UPPER.test(m[8] ?? ''))
    return [Number(m[4]), m[3] ?? '', m[2] ?? '', m[5] ?? '', m[6] ?? '', m[7] ?? ''];
  m = RFC850.exec(s);
  if (m && UPPER.test(m[8] ?? '')) {
    const yy = Number(m[4]);
    return [yy >= 69 ? 1900 + yy : 2000 + yy, m[3] ?? '', m[2] ?? '', m[5] ?? '', m[6] ?? '', m[7] ?? ''];
  }
  m = ASCTIME.exec(s);
  if (m) return [Number(m[7]), m[2] ?? '', (m[3] ?? '').trim(), m[4] ?? '', m[5] ?? '', m[6] ?? ''];
  return undefined;
}

/**
 * Seconds since the epoch of an HTTP date in one of Go's three layouts, or undefined. Zone names in RFC 850
 * dates count as UTC (Go fabricates a zero offset for names it does not know).
 */
export function httpDateSeconds(s: string): number | undefined {
  const parts = dateParts(s);
  if (!parts) return undefined;
  const [year, monthName, day, hour, minute, second] = parts;
  const month = MONTHS.findIndex((name) => name.toLowerCase() === monthName.toLowerCase());
  const [d, h, mi, se] = [Number(day), Number(hour), Number(minute), Number(second)];
  if (d < 1 || d > daysIn(year, month) || h > 23 || mi > 59 || se > 59) return undefined;
  const date = new Date(0);
  date.setUTCFullYear(year, month, d); // not Date.UTC, which reads years below 100 as 19xx
  date.setUTCHours(h, mi, se, 0);
  return date.getTime() / 1000;
}

function daysIn(year: number, month: number): number {
  const date = new Date(0);
  date.setUTCFullYear(year, month + 1, 0);
  return date.getUTCDate();
}

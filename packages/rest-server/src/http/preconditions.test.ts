import type { IncomingMessage } from 'node:http';
import { describe, expect, it } from 'vitest';
import { httpDateSeconds, preconditionStatus, rangeAllowed } from './preconditions.js';

const req = (headers: Record<string, string>): IncomingMessage =>
  ({
    headers,
    headersDistinct: Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, [v]])),
  }) as unknown as IncomingMessage;

describe('preconditionStatus (Go ServeContent with no ETag and the epoch as mod time)', () => {
  it.each([
    [{}, undefined],
    [{ 'if-match': '*' }, undefined],
    [{ 'if-match': ' , "a", W/"b" ,*' }, undefined], // well-formed tags are skipped until the star
    [{ 'if-match': '"a"' }, 412],
    [{ 'if-match': 'garbage, *' }, 412], // a malformed entry ends the scan
    [{ 'if-match': '"unterminated, *' }, 412],
    [{ 'if-none-match': '*' }, 304],
    [{ 'if-none-match': '"a", *' }, 304],
    [{ 'if-none-match': '"a"' }, undefined], // no ETag of ours matches
    [{ 'if-none-match': 'nonsense, *' }, undefined],
    [{ 'if-match': '"a"', 'if-none-match': '*' }, 412], // If-Match is checked first
    [{ 'if-modified-since': 'Thu, 01 Jan 1970 00:00:00 GMT' }, undefined], // ignored: the mod time is the epoch
    [{ 'if-unmodified-since': 'Thu, 01 Jan 1970 00:00:00 GMT' }, undefined],
  ])('%j → %s', (headers, status) => {
    expect(preconditionStatus(req(headers))).toBe(status);
  });
});

describe('rangeAllowed (If-Range)', () => {
  it.each([
    [{}, true],
    [{ 'if-range': '"etag"' }, false],
    [{ 'if-range': 'W/"etag"' }, false],
    [{ 'if-range': 'Thu, 01 Jan 1970 00:00:00 GMT' }, true], // the epoch is the mod time rest-server gives Go
    [{ 'if-range': 'Thursday, 01-Jan-70 00:00:00 GMT' }, true],
    [{ 'if-range': 'Thu Jan  1 00:00:00 1970' }, true],
    [{ 'if-range': 'Thu, 01 Jan 1970 00:00:01 GMT' }, false],
    [{ 'if-range': 'Wed, 21 Oct 2015 07:28:00 GMT' }, false],
    [{ 'if-range': 'not a date' }, false],
  ])('%j → %s', (headers, allowed) => {
    expect(rangeAllowed(req(headers))).toBe(allowed);
  });
});

describe('httpDateSeconds (Go http.ParseTime layouts)', () => {
  it.each([
    ['Wed, 21 Oct 2015 07:28:00 GMT', 1445412480],
    ['wed, 21 oct 2015 07:28:00 GMT', 1445412480], // names in any case
    ['Wednesday, 21-Oct-15 07:28:00 GMT', 1445412480],
    ['Thursday, 01-Jan-70 00:00:00 UTC', 0],
    ['Friday, 01-Jan-99 00:00:00 GMT', 915148800], // two-digit years 69-99 are 19xx
    ['Wed Oct 21 07:28:00 2015', 1445412480],
    ['Wed Oct 21 7:28:00 2015', 1445412480], // asctime hours may have one digit
    ['Thu Jan 1 00:00:00 1970', 0],
  ])('%s → %d', (s, secs) => {
    expect(httpDateSeconds(s)).toBe(secs);
  });

  it.each([
    'Thu, 01 Jan 1970 00:00:00 gmt', // the literal GMT is upper case
    'Thu, 01 Jan 1970 00:00:00 UTC',
    'Thu, 1 Jan 1970 00:00:00 GMT', // RFC 1123 days have two digits
    'Thu, 31 Feb 1970 00:00:00 GMT',
    'Thu, 01 Jan 1970 24:00:00 GMT',
    'Thu, 01 Jan 0070 00:00:00 GMT', // year 70, not 1970
    '1970-01-01T00:00:00Z',
  ])('%s is not a date Go accepts as equal to the epoch', (s) => {
    expect(httpDateSeconds(s) ?? 'invalid').not.toBe(0);
  });
});

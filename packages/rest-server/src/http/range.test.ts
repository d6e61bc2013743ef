import type { IncomingMessage } from 'node:http';
import { describe, expect, it } from 'vitest';
import { firstRangeHeader, parseRanges, planRanges } from './range.js';

const r = (start: number, length: number): { start: number; length: number } => ({ start, length });

describe('parseRanges (Go 1.23 net/http parseRange, cases from its range_test.go)', () => {
  it.each([
    ['foo', 0, 'invalid'],
    ['bytes=7', 10, 'invalid'],
    ['bytes= 7 ', 10, 'invalid'],
    ['bytes=5-4', 10, 'invalid'],
    ['bytes=0-2,5-4', 10, 'invalid'],
    ['bytes=2-5,4-3', 10, 'invalid'],
    ['bytes=--5,4--3', 10, 'invalid'],
    ['bytes=A-', 10, 'invalid'],
    ['bytes=A- ', 10, 'invalid'],
    ['bytes=A-Z', 10, 'invalid'],
    ['bytes= -Z', 10, 'invalid'],
    ['bytes=5-Z', 10, 'invalid'],
    ['bytes=Ran-dom, garbage', 10, 'invalid'],
    ['bytes=0x01-0x02', 10, 'invalid'],
    ['Bytes=0-1', 10, 'invalid'],
    ['bytes=0-99999999999999999999', 10, 'invalid'], // past int64: strconv.ParseInt fails
    ['bytes=\u00a00-1', 10, 'invalid'], // only ASCII space is trimmed
    ['bytes=1-', 0, 'noOverlap'],
    ['bytes=10-,20-', 10, 'noOverlap'],
    ['bytes=20-x', 10, 'noOverlap'], // the end of a spec past the size is never parsed
    ['bytes=', 0, []],
    ['bytes=         ', 10, []],
    ['bytes= , , ,   ', 10, []],
  ])('%j of %d → %j', (h, size, want) => expect(parseRanges(h, size)).toEqual(want));

  it.each([
    ['bytes=0-9', 10, [r(0, 10)]],
    ['bytes=0-', 10, [r(0, 10)]],
    ['bytes=5-', 10, [r(5, 5)]],
    ['bytes=0-20', 10, [r(0, 10)]],
    ['bytes=15-,0-5', 10, [r(0, 6)]],
    ['bytes=20-x,1-2', 10, [r(1, 2)]],
    ['bytes=1-2,5-', 10, [r(1, 2), r(5, 5)]],
    ['bytes=-2 , 7-', 11, [r(9, 2), r(7, 4)]],
    ['bytes=0-0 ,2-2, 7-', 11, [r(0, 1), r(2, 1), r(7, 4)]],
    ['bytes=-5', 10, [r(5, 5)]],
    ['bytes=-15', 10, [r(0, 10)]],
    ['bytes=500-700,601-999', 10000, [r(500, 201), r(601, 399)]],
    ['bytes=0-0,-1', 10000, [r(0, 1), r(9999, 1)]],
    ['bytes=   1 -2   ,  4- 5, 7 - 8 , ,,', 11, [r(1, 2), r(4, 2), r(7, 2)]],
    ['bytes=0-1\t,\t4-5', 10, [r(0, 2), r(4, 2)]],
    ['bytes=+5-+7', 10, [r(5, 3)]], // ParseInt accepts a sign
    ['bytes=-+3', 10, [r(7, 3)]],
    ['bytes=0--0', 10, [r(0, 1)]],
    ['bytes=-0', 10, [r(10, 0)]], // Go keeps an empty range at the end
    ['bytes=0-9223372036854775807', 10, [r(0, 10)]],
  ])('%j of %d → %j', (h, size, want) => expect(parseRanges(h, size)).toEqual(want));
});

describe('planRanges (serveContent)', () => {
  it.each([
    [undefined, 100, { kind: 'full' }],
    ['', 100, { kind: 'full' }],
    ['bytes=', 100, { kind: 'full' }],
    ['bytes=10-19', 100, { kind: 'single', start: 10, end: 19 }],
    ['bytes=90-200', 100, { kind: 'single', start: 90, end: 99 }],
    ['bytes=-200', 100, { kind: 'single', start: 0, end: 99 }],
    ['bytes=200-,10-19', 100, { kind: 'single', start: 10, end: 19 }],
    ['bytes=-0', 100, { kind: 'single', start: 100, end: 99 }],
    ['bytes=-5', 0, { kind: 'single', start: 0, end: -1 }],
    ['bytes=100-', 100, { kind: 'unsatisfiable', noOverlap: true }],
    ['bytes=100-,200-', 100, { kind: 'unsatisfiable', noOverlap: true }],
    ['bytes=5-2', 100, { kind: 'unsatisfiable', noOverlap: false }],
    ['bytes=0-1,x', 100, { kind: 'unsatisfiable', noOverlap: false }],
    ['items=0-1', 100, { kind: 'unsatisfiable', noOverlap: false }],
    ['bytes=x', 0, { kind: 'unsatisfiable', noOverlap: false }],
    ['bytes=0-', 0, { kind: 'full' }], // empty object: Go answers 200 rather than 416
    ['bytes=0-1,5-6', 0, { kind: 'full' }],
    ['bytes=0-59,40-99', 100, { kind: 'full' }], // sum 120 > size: ranges ignored
    ['bytes=0-,0-', 100, { kind: 'full' }],
    ['bytes=0-49,50-99', 100, { kind: 'multi', ranges: [r(0, 50), r(50, 50)] }], // sum == size is fine
    ['bytes=0-1,5-6', 100, { kind: 'multi', ranges: [r(0, 2), r(5, 2)] }],
    ['bytes=200-,0-9,20-29', 100, { kind: 'multi', ranges: [r(0, 10), r(20, 10)] }],
    ['bytes=-0,0-1', 100, { kind: 'multi', ranges: [r(100, 0), r(0, 2)] }],
  ])('%j of %d', (h, size, want) => expect(planRanges(h, size)).toEqual(want));
});

describe('firstRangeHeader', () => {
  const req = (range: string | undefined, distinct?: string[]): IncomingMessage =>
    ({ headers: { range }, headersDistinct: { range: distinct } }) as unknown as IncomingMessage;

  it('takes the first of repeated Range headers, like Go’s Header.Get', () => {
    expect(firstRangeHeader(req('bytes=0-1, bytes=5-6', ['bytes=0-1', 'bytes=5-6']))).toBe('bytes=0-1');
    expect(firstRangeHeader(req('bytes=0-1, 5-6', ['bytes=0-1, 5-6']))).toBe('bytes=0-1, 5-6');
    expect(firstRangeHeader(req('bytes=0-1'))).toBe('bytes=0-1');
    expect(firstRangeHeader(req(undefined))).toBeUndefined();
  });
});

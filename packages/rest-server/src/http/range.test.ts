import { describe, expect, it } from 'vitest';
import { parseRange } from './range.js';

describe('parseRange (Go http.ServeContent, single range)', () => {
  it.each([
    [undefined, 100, { kind: 'full' }],
    ['bytes=0-', 100, { kind: 'range', start: 0, end: 99 }],
    ['bytes=10-19', 100, { kind: 'range', start: 10, end: 19 }],
    ['bytes=90-200', 100, { kind: 'range', start: 90, end: 99 }],
    ['bytes=-10', 100, { kind: 'range', start: 90, end: 99 }],
    ['bytes=-200', 100, { kind: 'range', start: 0, end: 99 }],
    ['bytes=100-', 100, { kind: 'unsatisfiable' }],
    ['bytes=5-2', 100, { kind: 'unsatisfiable' }],
    ['bytes=x-2', 100, { kind: 'unsatisfiable' }],
    ['items=0-1', 100, { kind: 'unsatisfiable' }],
    ['bytes=0-1,5-6', 100, { kind: 'full' }],
    ['bytes=0-', 0, { kind: 'unsatisfiable' }],
  ])('%s of %d', (h, size, want) => expect(parseRange(h, size)).toEqual(want));
});

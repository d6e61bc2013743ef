import { describe, expect, it } from 'vitest';
import { camelize, parseJsonDocument, parseJsonLine, saneNumber } from './json.js';

describe('json helpers', () => {
  it('ignores text lines', () => {
    expect(parseJsonLine('restoring <Snapshot> to /x')).toBeUndefined();
    expect(parseJsonLine('{"a":1}')).toEqual({ a: 1 });
    expect(parseJsonLine('{"a":')).toBeUndefined();
  });

  it('finds the JSON line before prune text', () => {
    expect(parseJsonDocument('[{"keep":[]}]\nloading indexes...\n')).toEqual([{ keep: [] }]);
    expect(parseJsonDocument('')).toBeUndefined();
  });

  it('camelizes nested keys', () => {
    expect(camelize({ short_id: 'a', group_key: { hostname: 'h' }, list: [{ data_added: 1 }] })).toEqual({
      shortId: 'a',
      groupKey: { hostname: 'h' },
      list: [{ dataAdded: 1 }],
    });
  });

  it('drops the 2^63 unknown ETA', () => {
    expect(saneNumber(JSON.parse('9223372036854775808'))).toBeUndefined();
    expect(saneNumber(12)).toBe(12);
  });
});

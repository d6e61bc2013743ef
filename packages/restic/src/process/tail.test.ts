import { describe, expect, it } from 'vitest';
import { TailBuffer } from './tail.js';

describe('TailBuffer', () => {
  it('keeps only the last lines within the limit', () => {
    const t = new TailBuffer(20);
    for (let i = 0; i < 100; i++) t.push(`line ${i}`);
    expect(t.toString().length).toBeLessThanOrEqual(20);
    expect(t.toLines().at(-1)).toBe('line 99');
    expect(t.truncated).toBe(true);
  });

  it('cuts a single huge line to its end', () => {
    const t = new TailBuffer(10);
    t.push('x'.repeat(100) + 'END');
    expect(t.toString()).toHaveLength(10);
    expect(t.toString().endsWith('END')).toBe(true);
  });
});

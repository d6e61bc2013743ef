import { describe, expect, it } from 'vitest';
import { asStaged, resolveStaged, stage } from './staged-rows.js';

describe('staged sidecar rows', () => {
  it('the config fingerprint picks the new value, the one it replaced, or (edited elsewhere) the newest', () => {
    const row = stage({ value: 'old', fp: 'A' }, 'new', 'B', 'A');
    expect(row).toEqual({ value: 'new', fp: 'B', prev: { value: 'old', fp: 'A' } });
    expect(resolveStaged(row, 'B')).toEqual({ state: 'current', value: 'new' });
    expect(resolveStaged(row, 'A')).toEqual({ state: 'rolled-back', value: 'old' });
    expect(resolveStaged(row, 'C')).toEqual({ state: 'foreign', value: 'new' });
  });

  it('an edit that leaves the config part as it was commits with the row itself', () => {
    const row = stage({ value: 'old', fp: 'A' }, 'renamed', 'A', 'A');
    expect(resolveStaged(row, 'A').value).toBe('renamed');
  });

  it('stages over a row that was itself still staged: the value the config showed is the one kept', () => {
    const first = stage({ value: 'v1', fp: 'A' }, 'v2', 'B', 'A');
    // the first edit never reached config.json (it still shows A)
    expect(stage(first, 'v3', 'C', 'A').prev).toEqual({ value: 'v1', fp: 'A' });
  });

  it('reads a bare value written by older versions as edited elsewhere', () => {
    expect(resolveStaged(asStaged({ id: 3 }), 'A')).toEqual({ state: 'foreign', value: { id: 3 } });
    expect(asStaged({ value: 1, fp: 'A' })).toEqual({ value: 1, fp: 'A' });
  });
});

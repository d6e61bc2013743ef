import { describe, expect, it } from 'vitest';
import { acceptedEncodings } from './static-route.js';

describe('acceptedEncodings', () => {
  it('reads the encodings a browser offers, without their parameters', () => {
    expect(acceptedEncodings('gzip, deflate, br, zstd')).toEqual(new Set(['gzip', 'deflate', 'br', 'zstd']));
    expect(acceptedEncodings('br;q=1.0, gzip;q=0.8')).toEqual(new Set(['br', 'gzip']));
  });

  it('leaves out an encoding refused with q=0, and answers nothing for no header', () => {
    expect(acceptedEncodings('br;q=0, gzip')).toEqual(new Set(['gzip']));
    expect(acceptedEncodings(undefined)).toEqual(new Set());
    expect(acceptedEncodings('identity')).toEqual(new Set(['identity']));
  });
});

import { describe, expect, it } from 'vitest';
import { acceptsGzip, scalarBundlePath } from './docs-routes.js';

describe('docs routes helpers', () => {
  it('finds the installed Scalar standalone bundle', () => {
    expect(scalarBundlePath()).toMatch(/@scalar[/\\]api-reference[/\\]dist[/\\]browser[/\\]standalone\.js$/);
  });

  it.each([
    [undefined, false],
    ['', false],
    ['identity', false],
    ['gzip', true],
    ['gzip, deflate, br', true],
    ['br;q=1.0, GZIP;q=0.5', true],
    ['gzip;q=0', false],
    ['*', true],
    ['deflate, *;q=0', false],
  ])('Accept-Encoding %j → gzip %s', (header, expected) => {
    expect(acceptsGzip(header)).toBe(expected);
  });
});

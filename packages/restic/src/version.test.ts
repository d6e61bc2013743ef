import { describe, expect, it } from 'vitest';
import { atLeast, compareVersions, parseVersionOutput, supports } from './version.js';

describe('parseVersionOutput', () => {
  it('parses the 0.14 text form', () => {
    expect(parseVersionOutput('restic 0.14.0 compiled with go1.19.8 on linux/amd64\n')).toEqual({
      resticVersion: '0.14.0',
      goVersion: '1.19.8',
      platform: 'linux',
      architecture: 'amd64',
    });
  });

  it('parses the 0.17+ JSON form', () => {
    const out =
      '{"message_type":"version","version":"0.18.1","go_version":"go1.24.4","go_os":"linux","go_arch":"arm64"}';
    expect(parseVersionOutput(out)).toEqual({
      resticVersion: '0.18.1',
      goVersion: '1.24.4',
      platform: 'linux',
      architecture: 'arm64',
    });
  });

  it('parses dev builds', () => {
    expect(
      parseVersionOutput('restic 0.16.4-dev (compiled manually) compiled with go1.22.1 on darwin/arm64')
        .resticVersion,
    ).toBe('0.16.4-dev');
  });

  it('rejects garbage', () => {
    expect(() => parseVersionOutput('hello')).toThrow(/cannot parse/);
  });
});

describe('compareVersions', () => {
  it('orders numerically', () => {
    expect(compareVersions('0.14.0', '0.9.6')).toBeGreaterThan(0);
    expect(compareVersions('0.17.1', '0.17.1')).toBe(0);
    expect(atLeast('0.16.0', '0.17.0')).toBe(false);
    expect(supports('0.14.0', 'rewrite')).toBe(false);
    expect(supports('0.19.1', 'rewrite')).toBe(true);
  });
});

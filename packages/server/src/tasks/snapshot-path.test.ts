import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ValidationError } from '../errors.js';
import { fileInTarget, restoreTarget, snapshotPath, snapshotPattern } from './snapshot-path.js';

const issueOf = (fn: () => unknown) => {
  try {
    fn();
  } catch (e) {
    if (e instanceof ValidationError) return e.issues[0];
    throw e;
  }
  return undefined;
};

describe('snapshotPath', () => {
  it.each([
    ['', '/'],
    ['/', '/'],
    ['/../../victim', '/victim'],
    ['/a/./b//c/', '/a/b/c'],
    ['/a/b/../../../..', '/'],
    ['a/b', '/a/b'],
    ['/a/..b/c..', '/a/..b/c..'],
    ['/ spaced /x', '/ spaced /x'],
  ])('%j is %j', (input, out) => expect(snapshotPath('path', input)).toBe(out));

  it('refuses NUL bytes and over-long input, naming the field', () => {
    expect(issueOf(() => snapshotPath('filePath', '/a\0b'))).toEqual({
      path: 'filePath',
      message: 'must not contain a NUL byte',
    });
    expect(issueOf(() => snapshotPath('path', `/${'x'.repeat(4096)}`))?.message).toMatch(/at most 4096/);
  });
});

describe('snapshotPattern', () => {
  it('normalises absolute patterns and keeps relative ones without ".."', () => {
    expect(snapshotPattern('include[0]', '/x/../y/*.txt')).toBe('/y/*.txt');
    expect(snapshotPattern('exclude[0]', '*.tmp')).toBe('*.tmp');
    expect(issueOf(() => snapshotPattern('include[1]', '../../etc'))?.path).toBe('include[1]');
    expect(issueOf(() => snapshotPattern('include[2]', ''))?.message).toBe('must not be empty');
  });
});

describe('restoreTarget', () => {
  it('resolves dot segments and refuses relative, root, system and blocked targets', () => {
    expect(restoreTarget('target', '/srv/r/x/..')).toBe('/srv/r');
    expect(issueOf(() => restoreTarget('target', 'rel/dir'))?.message).toBe('must be an absolute path');
    expect(issueOf(() => restoreTarget('target', '/tmp/..'))?.message).toBe('must not be the root directory');
    expect(restoreTarget('targetPath', '/', { allowRoot: true })).toBe('/');
    expect(issueOf(() => restoreTarget('target', '/tmp/../../proc/self'))?.message).toBe(
      'must not be inside /proc',
    );
    expect(issueOf(() => restoreTarget('targetPath', '/data/a/../b', { blocked: ['/data'] }))).toEqual({
      path: 'targetPath',
      message: 'must not be inside /data',
    });
    expect(restoreTarget('target', '/database')).toBe('/database');
    expect(issueOf(() => restoreTarget('target', '/x\0'))?.message).toBe('must not contain a NUL byte');
  });
});

describe('fileInTarget', () => {
  it('joins the normalised path and refuses one whose real path leaves the target', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'restora-fit-'));
    try {
      const target = path.join(dir, 'target');
      fs.mkdirSync(path.join(target, 'sub'), { recursive: true });
      fs.mkdirSync(path.join(dir, 'outside'));
      fs.writeFileSync(path.join(dir, 'outside', 'f'), 'x');
      fs.symlinkSync(path.join(dir, 'outside'), path.join(target, 'sub', 'link'));
      fs.symlinkSync('../sub', path.join(target, 'inner'));
      expect(fileInTarget('filePath', target, '/../../sub')).toBe(path.join(target, 'sub'));
      expect(fileInTarget('filePath', target, '/inner')).toBe(path.join(target, 'inner'));
      expect(fileInTarget('filePath', target, '/missing')).toBe(path.join(target, 'missing'));
      expect(issueOf(() => fileInTarget('filePath', target, '/sub/link/f'))?.path).toBe('filePath');
      expect(issueOf(() => fileInTarget('filePath', target, '/sub/link'))?.path).toBe('filePath');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

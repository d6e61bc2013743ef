import { describe, expect, it } from 'vitest';
import { decodeTarget, foldersValid, parseRemainder, splitUrlPath } from './paths.js';

describe('splitUrlPath (rest-server TestSplitURLPath)', () => {
  it.each([
    ['/', [], '/'],
    ['/config', [], '/config'],
    ['/data/', [], '/data/'],
    ['/foo', [], '/foo'],
    ['/foo/', ['foo'], '/'],
    ['/foo/config', ['foo'], '/config'],
    ['/foo/bar/', ['foo', 'bar'], '/'],
    ['/foo/bar/data/', ['foo', 'bar'], '/data/'],
    ['/foo/bar/config', ['foo', 'bar'], '/config'],
    ['/a/b/c/config', ['a', 'b'], '/c/config'],
    ['/a/b/c/', ['a', 'b'], '/c/'],
    ['/foo/data/bar/', ['foo'], '/data/bar/'],
    ['/./config', ['.'], '/config'],
    ['/../config', ['..'], '/config'],
    ['//config', [''], '/config'],
    ['foo/config', [], 'foo/config'],
    ['/keys/x/', [], '/keys/x/'],
  ])('%s', (url, folders, remainder) => {
    expect(splitUrlPath(url)).toEqual({ folders, remainder });
  });

  it('refuses folder names that could leave the data directory', () => {
    for (const f of ['', '.', '..', 'a\0b', 'a/b', 'a\\b']) expect(foldersValid([f])).toBe(false);
    expect(foldersValid(['user', 'repo-1.x'])).toBe(true);
  });
});

describe('parseRemainder', () => {
  const id = 'a'.repeat(64);
  it('accepts exactly the rest-server routes', () => {
    expect(parseRemainder('/')).toEqual({ kind: 'repo' });
    expect(parseRemainder('/config')).toEqual({ kind: 'config' });
    expect(parseRemainder('/locks/')).toEqual({ kind: 'list', type: 'locks' });
    expect(parseRemainder(`/data/${id}`)).toEqual({ kind: 'object', type: 'data', name: id });
  });
  it.each([
    '/data',
    `/data/${'A'.repeat(64)}`,
    `/data/${'a'.repeat(63)}`,
    `/data/${'g'.repeat(64)}`,
    '/foo',
    '/config/',
    `/data/${id}/`,
    '/c/config',
    '/.htpasswd',
    '/private_key',
  ])('%s is 404', (r) => expect(parseRemainder(r)).toBeUndefined());
});

describe('decodeTarget', () => {
  it('decodes percent-encoding, including encoded separators, and splits the query', () => {
    expect(decodeTarget('/a%2Fb/config?x=1')).toEqual({ path: '/a/b/config', query: 'x=1' });
    expect(decodeTarget('/%2e%2e/config')).toEqual({ path: '/../config', query: '' });
    expect(decodeTarget('/%zz/')).toBeUndefined();
  });
});

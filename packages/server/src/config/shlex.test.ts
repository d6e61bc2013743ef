import { describe, expect, it } from 'vitest';
import { shlexSplit } from './shlex.js';

describe('shlexSplit', () => {
  it.each([
    [`--option "a b" 'c d' e\\ f -o x="y z"`, ['--option', 'a b', 'c d', 'e f', '-o', 'x=y z']],
    ['  ', []],
    ['', []],
    [`"" ''`, ['', '']],
    [`"a\\"b" "\\$x" "\\n"`, ['a"b', '$x', '\\n']],
    [`'a\\b'`, ['a\\b']],
    ['a\\\nb', ['ab']],
    ['"a\\\nb"', ['ab']],
    ['a\tb\nc', ['a', 'b', 'c']],
  ])('%j splits to %j', (input, words) => {
    expect(shlexSplit(input)).toEqual(words);
  });

  it.each([
    ['a\\', /trailing backslash/],
    ['"open', /unterminated double quote/],
    ["it's", /unterminated single quote/],
  ])('%j is refused', (input, message) => {
    expect(() => shlexSplit(input)).toThrow(message);
  });
});

import { describe as group, expect, it } from 'vitest';
import { classify, describe, summariseStderr } from './errors.js';
import { formatCommand, redact } from './process/redact.js';

group('classify', () => {
  it('recognises restic 0.14 messages that have no dedicated exit code', () => {
    expect(classify(1, 'Fatal: wrong password or no key found\n')).toBe('wrong-password');
    expect(
      classify(
        1,
        'Fatal: unable to open config file: stat /x/config: no such file or directory\nIs there a repository at the following location?\n/x',
      ),
    ).toBe('repo-not-found');
    expect(
      classify(1, 'unable to create lock in backend: repository is already locked exclusively by PID 1'),
    ).toBe('locked');
    expect(classify(1, 'Fatal: unknown flag: --bogus')).toBe('invalid-argument');
    expect(classify(1, 'invalid id "ffff": no matching ID found for prefix "ffff"')).toBe('invalid-argument');
    expect(classify(1, 'Fatal: something else')).toBe('failed');
  });

  it('uses the exit codes of newer versions', () => {
    expect(classify(10, '')).toBe('repo-not-found');
    expect(classify(11, '')).toBe('locked');
    expect(classify(12, '')).toBe('wrong-password');
    expect(classify(130, '')).toBe('interrupted');
    expect(classify(3, '')).toBe('incomplete-backup');
  });

  it('prefers the 0.18 exit_error JSON message', () => {
    const err = 'noise\n{"message_type":"exit_error","code":12,"message":"wrong password"}\n';
    expect(summariseStderr(err)).toBe('wrong password');
    expect(describe('wrong-password', 12, err)).toContain('(exit 12): wrong password');
  });
});

group('redact', () => {
  it('hides URL passwords and secrets', () => {
    expect(redact('rest:https://user:hunter2@host:8000/repo')).toBe('rest:https://user:***@host:8000/repo');
    expect(redact('the pw is s3cret!', ['s3cret!'])).toBe('the pw is ***');
  });

  it('quotes arguments with spaces', () => {
    expect(formatCommand('restic', ['backup', 'a b', '--tag', 'x'])).toBe("restic backup 'a b' --tag x");
  });
});

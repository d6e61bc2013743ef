import { Code, ConnectError } from '@connectrpc/connect';
import { describe, expect, it } from 'vitest';
import { authorization, serverUrl } from './connection.js';
import { toCliError } from './errors.js';
import { CliError, EXIT } from './exit-codes.js';
import { bytes, duration } from './format.js';
import { progressText } from './progress.js';

describe('client plumbing', () => {
  it('takes --server, then RESTORA_SERVER, then the local default; a bare host:port gets http://', () => {
    expect(serverUrl(undefined, {})).toBe('http://127.0.0.1:9898');
    expect(serverUrl(undefined, { RESTORA_SERVER: 'nas:9898' })).toBe('http://nas:9898');
    expect(serverUrl('https://b.example/', { RESTORA_SERVER: 'a' })).toBe('https://b.example');
    expect(() => serverUrl('ftp://x', {})).toThrow(/must be http/);
  });

  it('prefers a token, then user and password, from the environment', () => {
    expect(authorization('http://x', { RESTORA_TOKEN: 't', RESTORA_USER: 'u', RESTORA_PASSWORD: 'p' })).toBe(
      'Bearer t',
    );
    expect(authorization('http://x', { RESTORA_USER: 'u', RESTORA_PASSWORD: 'p' })).toBe(
      `Basic ${Buffer.from('u:p').toString('base64')}`,
    );
  });

  it('maps server errors to one line and an exit code', () => {
    const at = 'http://h:1';
    expect(toCliError(new ConnectError('plan "x" not found', Code.NotFound), at)).toMatchObject({
      message: 'plan "x" not found',
      exitCode: EXIT.notFound,
    });
    expect(toCliError(new ConnectError('bad', Code.InvalidArgument), at).exitCode).toBe(EXIT.usage);
    expect(toCliError(new ConnectError('HTTP 401', Code.Unauthenticated), at).message).toMatch(
      /^not signed in to http:\/\/h:1: HTTP 401 \(run `restora login`/,
    );
    const refused = new ConnectError(
      'fetch failed',
      Code.Unavailable,
      undefined,
      undefined,
      new Error('ECONNREFUSED'),
    );
    expect(toCliError(refused, at)).toMatchObject({ exitCode: EXIT.unreachable });
    expect(toCliError(new CliError('x', 4), at).exitCode).toBe(4);
    expect(toCliError(new Error('boom\n    at f (x.js:1)'), at)).toMatchObject({
      message: 'boom',
      exitCode: 1,
    });
  });

  it('renders progress with speed and ETA', () => {
    const p = {
      percent: 0.5,
      bytesDone: 10 * 1024 * 1024,
      totalBytes: 20 * 1024 * 1024,
      filesDone: 3,
      totalFiles: 6,
    };
    expect(progressText(p, 5000)).toBe('50% 10.0 MiB/20.0 MiB, 3/6 files, 2.00 MiB/s, ETA 5s');
    expect(bytes(512)).toBe('512 B');
    expect(duration(3_725_000)).toBe('1h02m');
  });
});

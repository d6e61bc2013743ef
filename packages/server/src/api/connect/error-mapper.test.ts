import { Code, ConnectError } from '@connectrpc/connect';
import { ResticError } from '@restora/restic';
import { describe, expect, it } from 'vitest';
import { ConflictError, InternalError, NotFoundError, ValidationError } from '../../errors.js';
import { TaskFailedError } from '../../engine.js';
import { toConnectError } from './error-mapper.js';

describe('toConnectError', () => {
  it('maps domain and restic errors to Connect codes with their messages', () => {
    const cases: [unknown, Code, string][] = [
      [new NotFoundError('plan "x" not found'), Code.NotFound, 'plan "x" not found'],
      [
        new ConflictError('config modno mismatch, reload and try again'),
        Code.FailedPrecondition,
        'config modno mismatch, reload and try again',
      ],
      [
        new ValidationError([{ path: 'plans[0].repo', message: 'repo "r" not found' }]),
        Code.InvalidArgument,
        'validation error: plans[0].repo: repo "r" not found',
      ],
      [
        new TaskFailedError('restic exited with code 1', {} as never),
        Code.FailedPrecondition,
        'restic exited with code 1',
      ],
      [new InternalError('safe text'), Code.Unknown, 'safe text'],
      [
        new ResticError({
          code: 'failed',
          message: 'restic failed (exit 1): Fatal: unable to open repository at /etc/passwd: not a directory',
        }),
        Code.FailedPrecondition,
        'restic failed (exit 1): Fatal: unable to open repository at /etc/passwd: not a directory',
      ],
      [
        new ResticError({
          code: 'failed',
          message: 'restic failed (exit 1): Fatal: write: no space left on device',
        }),
        Code.Unknown,
        'restic failed',
      ],
      [
        new ResticError({ code: 'failed', message: 'restic failed (exit 2): panic', exitCode: 2 }),
        Code.Unknown,
        'restic failed (exit 2)',
      ],
      [
        new ResticError({ code: 'invalid-argument', message: 'no matching ID found for prefix "ab"' }),
        Code.NotFound,
        'no matching ID found for prefix "ab"',
      ],
      [new ResticError({ code: 'interrupted', message: 'stop' }), Code.Canceled, 'stop'],
      [
        new ResticError({ code: 'wrong-password', message: 'wrong password' }),
        Code.InvalidArgument,
        'wrong password',
      ],
      [new ResticError({ code: 'repo-not-found', message: 'no repository' }), Code.NotFound, 'no repository'],
      [new ResticError({ code: 'locked', message: 'locked' }), Code.FailedPrecondition, 'locked'],
    ];
    for (const [err, code, message] of cases)
      expect(toConnectError(err)).toMatchObject({ code, rawMessage: message });
  });

  it('hides unexpected errors behind "internal error" and logs them', () => {
    const logged: unknown[] = [];
    const secret = new Error('ECONNREFUSED at /home/u/.secret');
    const e = toConnectError(secret, (x) => logged.push(x));
    expect(e).toBeInstanceOf(ConnectError);
    expect([e.code, e.rawMessage]).toEqual([Code.Internal, 'internal error']);
    expect(logged).toEqual([secret]);
  });
});

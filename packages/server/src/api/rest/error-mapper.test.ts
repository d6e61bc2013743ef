import { ResticError } from '@restora/restic';
import { describe, expect, it } from 'vitest';
import { ConflictError, InternalError, NotFoundError, ValidationError } from '../../errors.js';
import { mapError } from './error-mapper.js';
import { badRequest } from './http-error.js';

describe('REST error mapper', () => {
  it.each([
    [new NotFoundError('Repository not found'), 404, { message: 'Repository not found' }],
    [new ConflictError('Backup is already running'), 409, { message: 'Backup is already running' }],
    [
      new ValidationError([{ path: 'config.path', message: 'is required' }]),
      400,
      { message: 'validation error: config.path: is required', details: 'config.path: is required' },
    ],
    [
      badRequest('Invalid body: name: x', 'name: x'),
      400,
      { message: 'Invalid body: name: x', details: 'name: x' },
    ],
    [
      Object.assign(new Error('too big'), { statusCode: 413, code: 'FST_ERR_CTP_BODY_TOO_LARGE' }),
      413,
      { message: 'Request body too large' },
    ],
    [new InternalError('safe text'), 500, { message: 'safe text' }],
    [new Error('secret stack detail'), 500, { message: 'Internal server error' }],
  ])('%s → %i', (err, status, body) => {
    expect(mapError(err)).toEqual({ status, body });
  });

  it('maps restic failures: unknown snapshot 404, locked 409, refused requests 400, others 500 with stderr in details', () => {
    const e = (code: ConstructorParameters<typeof ResticError>[0]['code'], message: string) =>
      new ResticError({ code, message, stderrTail: 'Fatal: detail' });
    expect(mapError(e('invalid-argument', 'no matching ID found for prefix "dead"')).status).toBe(404);
    expect(mapError(e('locked', 'repository is locked')).status).toBe(409);
    expect(mapError(e('wrong-password', 'wrong password')).status).toBe(400);
    expect(mapError(e('failed', 'restic failed'))).toEqual({
      status: 400,
      body: { message: 'restic failed', details: 'Fatal: detail' },
    });
    const crash = new ResticError({ code: 'failed', message: 'restic failed', stderrTail: 'panic: x' });
    expect(mapError(crash)).toEqual({ status: 500, body: { message: 'restic failed' } });
  });
});

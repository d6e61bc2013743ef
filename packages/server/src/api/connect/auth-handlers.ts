// v1.Authentication: Login (rate-limited per client IP) and HashPassword (authenticated once users exist).
import type { ServiceImpl } from '@connectrpc/connect';
import { Code, ConnectError } from '@connectrpc/connect';
import type { Authentication } from '@restora/proto';
import type { Authenticator } from '../../auth/authenticator.js';
import { hashPassword } from '../../auth/passwords.js';
import type { RateLimiter } from '../../auth/rate-limit.js';
import { UnauthenticatedError } from '../../errors.js';
import { requestInfo } from './context.js';

export function authHandlers(auth: Authenticator, limiter: RateLimiter): ServiceImpl<typeof Authentication> {
  return {
    login: async (req, ctx) => {
      const wait = limiter.hit(requestInfo(ctx).ip);
      if (wait > 0)
        throw new ConnectError(`too many login attempts, try again in ${wait} s`, Code.ResourceExhausted);
      return { token: await auth.login(req.username, req.password) };
    },
    hashPassword: async (req, ctx) => {
      if (auth.mode() === 'enabled') {
        const result = await auth.authenticate(requestInfo(ctx).authorization);
        if (!result.ok)
          throw new UnauthenticatedError('HashPassword requires authentication once users exist');
      }
      if (!req.value) throw new ConnectError('password is empty', Code.InvalidArgument);
      return { value: await hashPassword(req.value) };
    },
  };
}

// v1.Authentication: Login (the one password check, throttled per address and user) and HashPassword (the route
// guard lets it through without credentials only during first-run setup).
import type { ServiceImpl } from '@connectrpc/connect';
import { Code, ConnectError } from '@connectrpc/connect';
import type { Authentication } from '@restora/proto';
import type { Authenticator } from '../../auth/authenticator.js';
import { hashPassword } from '../../auth/passwords.js';
import { UnauthenticatedError } from '../../errors.js';
import { requestInfo } from './context.js';

export function authHandlers(auth: Authenticator): ServiceImpl<typeof Authentication> {
  return {
    login: async (req, ctx) => {
      const r = await auth.checkPassword(req.username, req.password, requestInfo(ctx).ip);
      if (!r.ok && r.retryAfter) throw new ConnectError(r.reason, Code.ResourceExhausted);
      if (!r.ok) throw new UnauthenticatedError('invalid password');
      return { token: await auth.issueToken(req.username) };
    },
    hashPassword: async (req) => {
      if (!req.value) throw new ConnectError('password is empty', Code.InvalidArgument);
      return { value: await hashPassword(req.value) };
    },
  };
}

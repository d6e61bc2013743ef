import type { IncomingMessage } from 'node:http';
import type { Htpasswd } from './htpasswd.js';

export type Authenticator = (req: IncomingMessage) => Promise<string | undefined> | string | undefined;

/** Returns the user name, '' under --no-auth, or undefined for 401. */
export function makeAuthenticator(opts: {
  noAuth: boolean;
  proxyHeader: string | undefined;
  htpasswd: Htpasswd | undefined;
}): Authenticator {
  if (opts.noAuth) return () => '';
  const header = opts.proxyHeader?.toLowerCase();
  if (header) {
    return (req) => {
      const v = req.headers[header];
      const user = Array.isArray(v) ? v[0] : v;
      return user ? user : undefined;
    };
  }
  const ht = opts.htpasswd;
  return async (req) => {
    const auth = req.headers.authorization;
    if (!ht || auth === undefined || auth.slice(0, 6).toLowerCase() !== 'basic ') return undefined;
    const decoded = Buffer.from(auth.slice(6).trim(), 'base64').toString('utf8');
    const i = decoded.indexOf(':');
    if (i < 0) return undefined;
    const user = decoded.slice(0, i);
    return (await ht.validate(user, decoded.slice(i + 1))) ? user : undefined;
  };
}

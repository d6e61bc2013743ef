// The credentials a request carries, read once: HTTP Basic, a bearer value (a JWT from Login or an API key), an
// `x-api-key` header, a Zerobyte session cookie. Malformed values read as absent, never as an error.
import type { IncomingHttpHeaders } from 'node:http';

export interface Credentials {
  basic?: { user: string; password: string };
  bearer?: string;
  apiKey?: string;
  session?: string;
}

const COOKIE_NAMES = ['zerobyte.session', 'zerobyte.session_token', '__Secure-zerobyte.session_token'];

export function sessionCookie(header: string | undefined): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const i = part.indexOf('=');
    if (i < 0 || !COOKIE_NAMES.includes(part.slice(0, i).trim())) continue;
    try {
      // better-auth style values carry a signature after a dot; ours are plain base64url
      return decodeURIComponent(part.slice(i + 1).trim()).split('.')[0];
    } catch {
      return undefined;
    }
  }
  return undefined;
}

export function readCredentials(headers: IncomingHttpHeaders): Credentials {
  const out: Credentials = {};
  const auth = headers.authorization ?? '';
  const space = auth.indexOf(' ');
  const scheme = auth.slice(0, space).toLowerCase();
  const value = auth.slice(space + 1).trim();
  if (scheme === 'basic') {
    const decoded = Buffer.from(value, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon >= 0) out.basic = { user: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
  } else if (scheme === 'bearer' && value) out.bearer = value;
  const key = headers['x-api-key'];
  if (typeof key === 'string' && key) out.apiKey = key;
  const session = sessionCookie(headers.cookie);
  if (session) out.session = session;
  return out;
}

/** A bearer value shaped like a JWT (three base64url parts) is a token from Login; anything else an API key. */
export const isJwt = (v: string) => /^[\w-]+\.[\w-]+\.[\w-]*$/.test(v);

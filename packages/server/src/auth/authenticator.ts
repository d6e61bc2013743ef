// Who is calling: HTTP Basic (bcrypt) or Bearer JWT (HS256, 7 days, subject must still be a user).
import crypto from 'node:crypto';
import { SignJWT, jwtVerify } from 'jose';
import type { Config } from '@restora/proto';
import type { LoginThrottle } from './login-throttle.js';
import { verifyPassword } from './passwords.js';

/** disabled: config.auth.disabled is true; setup: no users yet (first run); enabled: users required. */
export type AuthMode = 'disabled' | 'setup' | 'enabled';

/** A failed check says why (Backrest's 401 texts) and, when the caller must wait first, for how many seconds. */
export type AuthResult = { ok: true; user: string } | { ok: false; reason: string; retryAfter?: number };

const TOKEN_TTL = '7d';
const BASIC_CACHE_MS = 5 * 60_000;

export class Authenticator {
  /** Basic check results (keyed by a digest of user, password and stored hash) to avoid bcrypt per request. */
  private readonly basicCache = new Map<string, { ok: boolean; until: number }>();

  constructor(
    private readonly config: () => Config,
    private readonly secret: Uint8Array,
    private readonly throttle: LoginThrottle,
  ) {}

  mode(): AuthMode {
    const auth = this.config().auth;
    if (auth?.disabled === true) return 'disabled';
    return (auth?.users.length ?? 0) === 0 ? 'setup' : 'enabled';
  }

  hasUsers(): boolean {
    return (this.config().auth?.users.length ?? 0) > 0;
  }

  /** A bearer token (HS256, 7 days) for a user. */
  issueToken(username: string): Promise<string> {
    return new SignJWT({})
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .setSubject(username)
      .setIssuedAt()
      .setExpirationTime(TOKEN_TTL)
      .sign(this.secret);
  }

  /** Checks an Authorization header value; reasons match Backrest's 401 texts. */
  async authenticate(header: string | undefined, address: string): Promise<AuthResult> {
    if (!header) return { ok: false, reason: 'Unauthorized (No Authorization Header)' };
    const space = header.indexOf(' ');
    const scheme = header.slice(0, space).toLowerCase();
    const value = header.slice(space + 1).trim();
    if (scheme === 'basic') {
      const decoded = Buffer.from(value, 'base64').toString('utf8');
      const colon = decoded.indexOf(':');
      if (colon < 0) return { ok: false, reason: 'Unauthorized (Bad Credentials)' };
      return this.checkPassword(decoded.slice(0, colon), decoded.slice(colon + 1), address);
    }
    if (scheme === 'bearer') {
      try {
        const { payload } = await jwtVerify(value, this.secret, { algorithms: ['HS256'] });
        if (payload.sub && this.findUser(payload.sub)) return { ok: true, user: payload.sub };
      } catch {
        // fall through: expired, malformed or badly signed
      }
      return { ok: false, reason: 'Unauthorized (Bad Token)' };
    }
    return { ok: false, reason: 'Unauthorized (No Authorization Header)' };
  }

  private findUser(name: string) {
    return this.config().auth?.users.find((u) => u.name === name);
  }

  /** A password check, throttled per address and user (LoginThrottle); tokens never come here. */
  async checkPassword(username: string, password: string, address: string): Promise<AuthResult> {
    const wait = this.throttle.wait(username, address);
    if (wait > 0)
      return { ok: false, reason: `Too many failed sign-ins, try again in ${wait} s`, retryAfter: wait };
    const ok = await this.passwordMatches(username, password);
    this.throttle.record(username, address, ok);
    return ok ? { ok: true, user: username } : { ok: false, reason: 'Unauthorized (Bad Credentials)' };
  }

  private async passwordMatches(username: string, password: string): Promise<boolean> {
    const user = this.findUser(username);
    if (!user || user.password.case !== 'passwordBcrypt' || !username) return false;
    const stored = user.password.value;
    const key = crypto.createHash('sha256').update(`${username}\0${password}\0${stored}`).digest('hex');
    const now = Date.now();
    const cached = this.basicCache.get(key);
    if (cached && cached.until > now) return cached.ok;
    const ok = await verifyPassword(password, stored);
    if (this.basicCache.size > 1000) this.basicCache.clear();
    this.basicCache.set(key, { ok, until: now + BASIC_CACHE_MS });
    return ok;
  }
}

// The one identity model of both APIs: the config's users, their passwords (bcrypt, throttled), bearer tokens from
// Login (JWT HS256, 7 days), Zerobyte's browser sessions and API keys. A user removed from the config loses every
// token, session and key at once.
import crypto from 'node:crypto';
import { SignJWT, jwtVerify } from 'jose';
import type { Config } from '@restora/proto';
import type { ApiKeyStore } from './api-keys.js';
import { isJwt, type Credentials } from './credentials.js';
import type { LoginThrottle } from './login-throttle.js';
import { verifyPassword } from './passwords.js';
import type { SessionStore } from './sessions.js';

/** disabled: config.auth.disabled is true; setup: no users yet (first run); enabled: users required. */
export type AuthMode = 'disabled' | 'setup' | 'enabled';

/** A failed check says why (Backrest's 401 texts) and, when the caller must wait first, for how many seconds. */
export type AuthResult = { ok: true; user: string } | { ok: false; reason: string; retryAfter?: number };

/** How a caller proved who they are. */
export type Via = 'password' | 'token' | 'session' | 'api-key';

export type IdentifyResult = { ok: true; user: string; via: Via } | Extract<AuthResult, { ok: false }>;

export interface AuthenticatorDeps {
  config: () => Config;
  /** Signs and checks Login's bearer tokens. */
  jwtSecret: Uint8Array;
  throttle: LoginThrottle;
  sessions: SessionStore;
  apiKeys: ApiKeyStore;
  /** Told of every refused password check (the console's warn line). */
  onRefused?: (user: string, address: string, reason: string) => void;
}

const TOKEN_TTL = '7d';
const BASIC_CACHE_MS = 5 * 60_000;

export class Authenticator {
  /** Basic check results (keyed by a digest of user, password and stored hash) to avoid bcrypt per request. */
  private readonly basicCache = new Map<string, { ok: boolean; until: number }>();

  private readonly config: () => Config;
  private readonly secret: Uint8Array;
  private readonly throttle: LoginThrottle;
  private readonly onRefused: NonNullable<AuthenticatorDeps['onRefused']>;
  readonly sessions: SessionStore;
  readonly apiKeys: ApiKeyStore;

  constructor(d: AuthenticatorDeps) {
    this.config = d.config;
    this.secret = d.jwtSecret;
    this.throttle = d.throttle;
    this.onRefused = d.onRefused ?? (() => {});
    this.sessions = d.sessions;
    this.apiKeys = d.apiKeys;
  }

  /**
   * Who sent these credentials, trying in turn a session cookie (only where `sessions` is allowed: cookies ride
   * along on cross-site requests), an API key, a bearer token, then a password (only where `passwords` is allowed:
   * browsers resend Basic by themselves). The first credential present decides; none present is `missing`.
   */
  async identify(
    c: Credentials,
    address: string,
    allow: { sessions: boolean; passwords: boolean },
    missing: string,
  ): Promise<IdentifyResult> {
    if (allow.sessions && c.session) {
      const s = this.sessions.lookup(c.session);
      if (s && this.findUser(s.username)) return { ok: true, user: s.username, via: 'session' };
    }
    const key = c.apiKey ?? (c.bearer && !isJwt(c.bearer) ? c.bearer : undefined);
    if (key) {
      const k = this.apiKeys.verify(key);
      return k && this.findUser(k.username)
        ? { ok: true, user: k.username, via: 'api-key' }
        : { ok: false, reason: 'Invalid or expired API key' };
    }
    if (c.bearer) {
      const user = await this.verifyToken(c.bearer);
      return user ? { ok: true, user, via: 'token' } : { ok: false, reason: 'Unauthorized (Bad Token)' };
    }
    if (allow.passwords && c.basic) {
      const r = await this.checkPassword(c.basic.user, c.basic.password, address);
      return r.ok ? { ...r, via: 'password' } : r;
    }
    return { ok: false, reason: missing };
  }

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

  /** The user a Login token names, if it is ours, unexpired, and the user still exists. */
  private async verifyToken(token: string): Promise<string | undefined> {
    try {
      const { payload } = await jwtVerify(token, this.secret, { algorithms: ['HS256'] });
      if (payload.sub && this.findUser(payload.sub)) return payload.sub;
    } catch {
      // expired, malformed or badly signed
    }
    return undefined;
  }

  private findUser(name: string) {
    return this.config().auth?.users.find((u) => u.name === name);
  }

  /** A password check, throttled per address and user (LoginThrottle); tokens never come here. */
  async checkPassword(username: string, password: string, address: string): Promise<AuthResult> {
    const wait = this.throttle.wait(username, address);
    if (wait > 0) {
      const reason = `Too many failed sign-ins, try again in ${wait} s`;
      this.onRefused(username, address, reason);
      return { ok: false, reason, retryAfter: wait };
    }
    const ok = await this.passwordMatches(username, password);
    this.throttle.record(username, address, ok);
    if (ok) return { ok: true, user: username };
    this.onRefused(username, address, 'Unauthorized (Bad Credentials)');
    return { ok: false, reason: 'Unauthorized (Bad Credentials)' };
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

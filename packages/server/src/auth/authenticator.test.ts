import { create } from '@bufbuild/protobuf';
import { ConfigSchema, type Config } from '@restora/proto';
import bcrypt from 'bcryptjs';
import { SignJWT } from 'jose';
import { describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import { ApiKeyStore } from './api-keys.js';
import { Authenticator } from './authenticator.js';
import { readCredentials } from './credentials.js';
import { SessionStore } from './sessions.js';
import { decodeStoredHash, hashPassword, verifyPassword } from './passwords.js';
import { LoginThrottle } from './login-throttle.js';
import { RateLimiter } from './rate-limit.js';

const secret = new Uint8Array(64).fill(7);
const basic = (u: string, p: string) => `Basic ${Buffer.from(`${u}:${p}`).toString('base64')}`;

/** An authenticator over a config, with its sessions and API keys in an in-memory SQLite database. */
function authOver(config: () => Config, throttle = new LoginThrottle()): Authenticator {
  const db = new Database(':memory:');
  return new Authenticator({
    config,
    jwtSecret: secret,
    throttle,
    sessions: new SessionStore(db),
    apiKeys: new ApiKeyStore(db),
  });
}

/** Who an Authorization header (and other headers) names, with every credential kind allowed. */
const who = (
  auth: Authenticator,
  authorization?: string,
  ip = '192.0.2.1',
  more: Record<string, string> = {},
) =>
  auth.identify(
    readCredentials({ ...(authorization ? { authorization } : {}), ...more }),
    ip,
    { sessions: true, passwords: true },
    'Unauthorized (No Authorization Header)',
  );

function configWith(users: { name: string; hash: string }[], disabled?: boolean): Config {
  return create(ConfigSchema, {
    auth: {
      ...(disabled !== undefined ? { disabled } : {}),
      users: users.map((u) => ({
        name: u.name,
        password: { case: 'passwordBcrypt' as const, value: u.hash },
      })),
    },
  });
}

describe('passwords', () => {
  it("stores Backrest's base64 form and accepts raw bcrypt too", async () => {
    const stored = await hashPassword('pw');
    expect(decodeStoredHash(stored)).toMatch(/^\$2[aby]\$10\$/);
    expect(await verifyPassword('pw', stored)).toBe(true);
    expect(await verifyPassword('nope', stored)).toBe(false);
    const raw = bcrypt.hashSync('pw', 4);
    expect(await verifyPassword('pw', raw)).toBe(true);
    expect(await verifyPassword('pw', 'not-a-hash')).toBe(false);
  });
});

describe('Authenticator', () => {
  it('derives the mode from the config: disabled only when explicitly true', async () => {
    const hash = await hashPassword('pw');
    expect(authOver(() => create(ConfigSchema)).mode()).toBe('setup');
    expect(authOver(() => configWith([], true)).mode()).toBe('disabled');
    expect(authOver(() => configWith([], false)).mode()).toBe('setup');
    expect(authOver(() => configWith([{ name: 'a', hash }])).mode()).toBe('enabled');
  });

  it('checks Basic and Bearer; a token of a removed user or another key is refused', async () => {
    let config = configWith([{ name: 'alice', hash: await hashPassword('pw') }]);
    const auth = authOver(() => config);
    const ip = '192.0.2.1';
    expect(await who(auth)).toEqual({
      ok: false,
      reason: 'Unauthorized (No Authorization Header)',
    });
    expect(await who(auth, basic('alice', 'pw'), ip)).toMatchObject({ ok: true, user: 'alice' });
    expect((await who(auth, basic('alice', 'bad'), ip)).ok).toBe(false);
    expect((await who(auth, basic('bob', 'pw'), ip)).ok).toBe(false);
    expect((await auth.checkPassword('alice', 'bad', ip)).ok).toBe(false);
    const token = await auth.issueToken('alice');
    expect(await who(auth, `Bearer ${token}`, ip)).toMatchObject({ ok: true, user: 'alice' });
    const forged = await new SignJWT({})
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject('alice')
      .setExpirationTime('1h')
      .sign(new Uint8Array(64).fill(8));
    expect(await who(auth, `Bearer ${forged}`, ip)).toEqual({
      ok: false,
      reason: 'Unauthorized (Bad Token)',
    });
    const expired = await new SignJWT({})
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject('alice')
      .setExpirationTime(Math.floor(Date.now() / 1000) - 10)
      .sign(secret);
    expect((await who(auth, `Bearer ${expired}`, ip)).ok).toBe(false);
    config = configWith([{ name: 'carol', hash: await hashPassword('pw') }]);
    expect((await who(auth, `Bearer ${token}`, ip)).ok).toBe(false);
    // A removed user's cached Basic check no longer passes.
    expect((await who(auth, basic('alice', 'pw'), ip)).ok).toBe(false);
  });

  it('one identity for both APIs: sessions and API keys of a user, as header or bearer; gone with the user', async () => {
    let config = configWith([{ name: 'alice', hash: await hashPassword('pw') }]);
    const auth = authOver(() => config);
    const { token: session } = auth.sessions.create('alice');
    const { key } = auth.apiKeys.create('alice', 'script', null);
    const jwt = await auth.issueToken('alice');
    const cookie = { cookie: `zerobyte.session=${session}` };
    expect(await who(auth, undefined, 'x', cookie)).toEqual({ ok: true, user: 'alice', via: 'session' });
    expect(await who(auth, undefined, 'x', { 'x-api-key': key })).toEqual({
      ok: true,
      user: 'alice',
      via: 'api-key',
    });
    expect(await who(auth, `Bearer ${key}`)).toEqual({ ok: true, user: 'alice', via: 'api-key' });
    expect(await who(auth, `Bearer ${jwt}`)).toEqual({ ok: true, user: 'alice', via: 'token' });
    expect(await who(auth, 'Bearer zb_not-a-key')).toEqual({
      ok: false,
      reason: 'Invalid or expired API key',
    });
    // a route that takes no cookies does not see the session
    const noCookies = await auth.identify(
      readCredentials(cookie),
      'x',
      { sessions: false, passwords: true },
      'none',
    );
    expect(noCookies).toEqual({ ok: false, reason: 'none' });
    config = configWith([{ name: 'carol', hash: await hashPassword('pw') }]);
    for (const r of [
      await who(auth, undefined, 'x', cookie),
      await who(auth, `Bearer ${key}`),
      await who(auth, `Bearer ${jwt}`),
    ])
      expect(r.ok).toBe(false);
  });
});

describe('LoginThrottle', () => {
  it('slows one address after its failures, but not the owner elsewhere nor with a token', async () => {
    let now = 0;
    const config = configWith([{ name: 'alice', hash: await hashPassword('pw') }]);
    const throttle = new LoginThrottle({ perAddressPerMinute: 3, perUserPer15Minutes: 5, now: () => now });
    const auth = authOver(() => config, throttle);
    const token = await auth.issueToken('alice');
    for (let i = 0; i < 3; i++) expect((await auth.checkPassword('alice', 'bad', 'attacker')).ok).toBe(false);
    const blocked = await auth.checkPassword('alice', 'pw', 'attacker');
    expect(blocked).toMatchObject({ ok: false, retryAfter: 60 });
    expect(await who(auth, `Bearer ${token}`, 'attacker')).toMatchObject({ ok: true, user: 'alice' });
    expect(await auth.checkPassword('alice', 'pw', 'owner')).toMatchObject({ ok: true, user: 'alice' });
    now = 61_000;
    expect((await auth.checkPassword('alice', 'pw', 'attacker')).ok).toBe(true);
  });

  it("a spread-out attack on one user slows unknown addresses only: the owner's own address still signs in", () => {
    const now = 0;
    const t = new LoginThrottle({ perAddressPerMinute: 100, perUserPer15Minutes: 5, now: () => now });
    t.record('alice', 'home', true);
    for (let i = 0; i < 5; i++) t.record('alice', `bot-${i}`, false);
    expect(t.wait('alice', 'bot-99')).toBe(900);
    expect(t.wait('alice', 'home')).toBe(0);
    expect(t.wait('bob', 'bot-99')).toBe(0);
    // typos from the owner's own address do not count against the user
    t.record('bob', 'home', true);
    for (let i = 0; i < 10; i++) t.record('bob', 'home', false);
    expect(t.wait('bob', 'elsewhere')).toBe(0);
  });
});

describe('RateLimiter', () => {
  it('allows max attempts per window per key, then asks to wait', () => {
    let now = 0;
    const rl = new RateLimiter(2, 60_000, () => now);
    expect([rl.hit('a'), rl.blocked('a'), rl.hit('a'), rl.hit('b')]).toEqual([0, 0, 0, 0]);
    expect([rl.blocked('a'), rl.blocked('b')]).toEqual([60, 0]);
    expect(rl.hit('a')).toBe(60);
    now = 30_000;
    expect(rl.hit('a')).toBe(30);
    now = 60_000;
    expect(rl.hit('a')).toBe(0);
  });
});

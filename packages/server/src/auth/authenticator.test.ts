import { create } from '@bufbuild/protobuf';
import { ConfigSchema, type Config } from '@restora/proto';
import bcrypt from 'bcryptjs';
import { SignJWT } from 'jose';
import { describe, expect, it } from 'vitest';
import { Authenticator } from './authenticator.js';
import { decodeStoredHash, hashPassword, verifyPassword } from './passwords.js';
import { LoginThrottle } from './login-throttle.js';
import { RateLimiter } from './rate-limit.js';

const secret = new Uint8Array(64).fill(7);
const basic = (u: string, p: string) => `Basic ${Buffer.from(`${u}:${p}`).toString('base64')}`;

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
    expect(new Authenticator(() => create(ConfigSchema), secret, new LoginThrottle()).mode()).toBe('setup');
    expect(new Authenticator(() => configWith([], true), secret, new LoginThrottle()).mode()).toBe(
      'disabled',
    );
    expect(new Authenticator(() => configWith([], false), secret, new LoginThrottle()).mode()).toBe('setup');
    expect(
      new Authenticator(() => configWith([{ name: 'a', hash }]), secret, new LoginThrottle()).mode(),
    ).toBe('enabled');
  });

  it('checks Basic and Bearer; a token of a removed user or another key is refused', async () => {
    let config = configWith([{ name: 'alice', hash: await hashPassword('pw') }]);
    const auth = new Authenticator(() => config, secret, new LoginThrottle());
    const ip = '192.0.2.1';
    expect(await auth.authenticate(undefined, ip)).toEqual({
      ok: false,
      reason: 'Unauthorized (No Authorization Header)',
    });
    expect(await auth.authenticate(basic('alice', 'pw'), ip)).toEqual({ ok: true, user: 'alice' });
    expect((await auth.authenticate(basic('alice', 'bad'), ip)).ok).toBe(false);
    expect((await auth.authenticate(basic('bob', 'pw'), ip)).ok).toBe(false);
    expect((await auth.checkPassword('alice', 'bad', ip)).ok).toBe(false);
    const token = await auth.issueToken('alice');
    expect(await auth.authenticate(`Bearer ${token}`, ip)).toEqual({ ok: true, user: 'alice' });
    const forged = await new SignJWT({})
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject('alice')
      .setExpirationTime('1h')
      .sign(new Uint8Array(64).fill(8));
    expect(await auth.authenticate(`Bearer ${forged}`, ip)).toEqual({
      ok: false,
      reason: 'Unauthorized (Bad Token)',
    });
    const expired = await new SignJWT({})
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject('alice')
      .setExpirationTime(Math.floor(Date.now() / 1000) - 10)
      .sign(secret);
    expect((await auth.authenticate(`Bearer ${expired}`, ip)).ok).toBe(false);
    config = configWith([{ name: 'carol', hash: await hashPassword('pw') }]);
    expect((await auth.authenticate(`Bearer ${token}`, ip)).ok).toBe(false);
    // A removed user's cached Basic check no longer passes.
    expect((await auth.authenticate(basic('alice', 'pw'), ip)).ok).toBe(false);
  });
});

describe('LoginThrottle', () => {
  it('slows one address after its failures, but not the owner elsewhere nor with a token', async () => {
    let now = 0;
    const config = configWith([{ name: 'alice', hash: await hashPassword('pw') }]);
    const throttle = new LoginThrottle({ perAddressPerMinute: 3, perUserPer15Minutes: 5, now: () => now });
    const auth = new Authenticator(() => config, secret, throttle);
    const token = await auth.issueToken('alice');
    for (let i = 0; i < 3; i++) expect((await auth.checkPassword('alice', 'bad', 'attacker')).ok).toBe(false);
    const blocked = await auth.checkPassword('alice', 'pw', 'attacker');
    expect(blocked).toMatchObject({ ok: false, retryAfter: 60 });
    expect(await auth.authenticate(`Bearer ${token}`, 'attacker')).toEqual({ ok: true, user: 'alice' });
    expect(await auth.checkPassword('alice', 'pw', 'owner')).toEqual({ ok: true, user: 'alice' });
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

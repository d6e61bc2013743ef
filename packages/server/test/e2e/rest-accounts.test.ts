// better-auth's account endpoints as Zerobyte's web client calls them, over a real first-run server: the onboarding
// sign-up (first user only, written to the config), the profile (update-user) and change-password with
// revokeOtherSessions.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../../src/api/rest/testing/harness.js';

type Json = Record<string, unknown>;
const FIRST_PASSWORD = 'first-password-1';
const NEW_PASSWORD = 'second-password-2';

describe('better-auth accounts: sign-up, update-user, change-password', () => {
  let h: Harness;
  let cookie: string;
  const cookieOf = (headers: Headers) => (headers.get('set-cookie') ?? '').split(';')[0]!;

  beforeAll(async () => {
    // a config without users: the first run Zerobyte's onboarding page is for
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'restora-accounts-'));
    fs.mkdirSync(path.join(dir, 'config'));
    fs.writeFileSync(
      path.join(dir, 'config', 'config.json'),
      JSON.stringify({ version: 6, instance: 'accounts' }),
      { mode: 0o600 },
    );
    h = await startHarness('accounts', { dir });
  });
  afterAll(() => h?.close());

  it('signs up the first user as the onboarding page does, and refuses any later sign-up', async () => {
    expect((await h.call('GET', '/api/v1/auth/status')).body).toEqual({ hasUsers: false });
    const body = {
      username: 'alice',
      email: 'Alice@Example.COM ',
      name: 'Alice',
      displayUsername: 'Alice',
      dateFormat: 'MM/DD/YYYY',
      timeFormat: '12h',
      hasDownloadedResticPassword: false,
    };
    const short = await h.call('POST', '/api/auth/sign-up/email', { json: { ...body, password: 'short' } });
    expect(short.status).toBe(400);
    expect((short.body as Json).message).toMatch(/password: must be at least 8 characters/);
    const badMail = await h.call('POST', '/api/auth/sign-up/email', {
      json: { ...body, email: 'not-mail', password: FIRST_PASSWORD },
    });
    expect(badMail.status).toBe(400);
    expect((badMail.body as Json).message).toMatch(/email/);

    const r = await h.call('POST', '/api/auth/sign-up/email', {
      json: { ...body, password: FIRST_PASSWORD },
    });
    expect(r.status, r.text).toBe(200);
    expect(r.body).toMatchObject({
      token: expect.any(String),
      user: { username: 'alice', email: 'alice@example.com', name: 'Alice', dateFormat: 'MM/DD/YYYY' },
    });
    cookie = cookieOf(r.headers);
    expect(cookie).toMatch(/^zerobyte\.session_token=/);
    expect((await h.call('GET', '/api/v1/auth/status')).body).toEqual({ hasUsers: true });
    // the user is a config user: in config.json with a bcrypt hash, and the Connect API takes its password
    const config = JSON.parse(fs.readFileSync(path.join(h.dir, 'config', 'config.json'), 'utf8')) as {
      auth: { users: { name: string; passwordBcrypt: string }[] };
    };
    expect(config.auth.users.map((u) => u.name)).toEqual(['alice']);
    expect(JSON.stringify(config)).not.toContain(FIRST_PASSWORD);
    const basic = await fetch(`${h.url}/v1.Backrest/GetConfig`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        authorization: `Basic ${Buffer.from(`alice:${FIRST_PASSWORD}`).toString('base64')}`,
      },
      body: '{}',
    });
    expect(basic.status).toBe(200);

    const again = await h.call('POST', '/api/auth/sign-up/email', {
      json: { ...body, username: 'mallory', email: 'm@example.com', password: FIRST_PASSWORD },
    });
    expect(again.status).toBe(403);
    expect((again.body as Json).message).toMatch(/Registrations are closed/);
  });

  it('updates the profile fields the settings page sends; an unknown field is a 400 naming it', async () => {
    const r = await h.call('POST', '/api/auth/update-user', {
      cookie,
      json: { dateFormat: 'DD/MM/YYYY', timeFormat: '24h' },
    });
    expect(r).toMatchObject({ status: 200, body: { status: true } });
    const s = await h.call('GET', '/api/auth/get-session', { cookie });
    expect((s.body as { user: Json }).user).toMatchObject({ dateFormat: 'DD/MM/YYYY', timeFormat: '24h' });
    const bad = await h.call('POST', '/api/auth/update-user', { cookie, json: { email: 'x@y.z' } });
    expect(bad.status).toBe(400);
    expect((bad.body as Json).message).toMatch(/email/);
  });

  it('changes the password after re-checking it and ends the other sessions', async () => {
    const other = await h.call('POST', '/api/auth/sign-in/username', {
      json: { username: 'alice', password: FIRST_PASSWORD },
    });
    const otherCookie = cookieOf(other.headers);
    expect((await h.call('GET', '/api/auth/get-session', { cookie: otherCookie })).status).toBe(200);

    const wrong = await h.call('POST', '/api/auth/change-password', {
      cookie,
      json: { currentPassword: 'not-it-at-all', newPassword: NEW_PASSWORD, revokeOtherSessions: true },
    });
    expect(wrong.status).toBe(400);
    expect((wrong.body as Json).message).toBe('Invalid password');
    const short = await h.call('POST', '/api/auth/change-password', {
      cookie,
      json: { currentPassword: FIRST_PASSWORD, newPassword: 'short', revokeOtherSessions: true },
    });
    expect(short.status).toBe(400);
    expect((short.body as Json).message).toMatch(/newPassword: must be at least 8/);

    const ok = await h.call('POST', '/api/auth/change-password', {
      cookie,
      json: { currentPassword: FIRST_PASSWORD, newPassword: NEW_PASSWORD, revokeOtherSessions: true },
    });
    expect(ok.status, ok.text).toBe(200);
    expect((await h.call('GET', '/api/auth/get-session', { cookie: otherCookie })).status).toBe(401);
    expect((await h.call('GET', '/api/auth/get-session', { cookie })).status).toBe(200);
    const signIn = (password: string) =>
      h.call('POST', '/api/auth/sign-in/username', { json: { username: 'alice', password } });
    expect((await signIn(FIRST_PASSWORD)).status).toBe(401);
    expect((await signIn(NEW_PASSWORD)).status).toBe(200);
  });

  it('answers better-auth endpoints Restora has no counterpart for with a JSON 404 saying why', async () => {
    for (const [m, p] of [
      ['GET', '/api/auth/passkey/list-user-passkeys'],
      ['POST', '/api/auth/two-factor/enable'],
      ['POST', '/api/auth/admin/create-user'],
    ] as const) {
      const r = await h.call(m, p, { cookie, ...(m === 'POST' ? { json: {} } : {}) });
      expect(r.status).toBe(404);
      expect((r.body as Json).message).toMatch(/is not served by Restora: two-factor, passkeys, SSO, admin/);
    }
  });

  it('needs a session for change-password and update-user', async () => {
    for (const p of ['/api/auth/change-password', '/api/auth/update-user'])
      expect((await h.call('POST', p, { json: {} })).status).toBe(401);
  });
});

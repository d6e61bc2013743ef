// Sign-in throttling over real HTTP: one throttle for Login, Basic and the REST login; per address and per user;
// tokens and sessions unaffected; X-Forwarded-For believed only from trusted proxies.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '../../src/app.js';
import { basicHeader, PASS, serve, USER, workspace, writeUserConfig, type Workspace } from './api-helpers.js';

/** Connect Login as seen from `from` (the address a trusted proxy reports). */
async function login(
  url: string,
  password: string,
  from: string,
): Promise<{ status: number; token?: string }> {
  const res = await fetch(`${url}/v1.Authentication/Login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-forwarded-for': from },
    body: JSON.stringify({ username: USER, password }),
  });
  const body = (await res.json()) as { token?: string };
  return { status: res.status, ...(body.token ? { token: body.token } : {}) };
}

const restLogin = async (url: string, password: string, from: string) =>
  (
    await fetch(`${url}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-forwarded-for': from },
      body: JSON.stringify({ username: USER, password }),
    })
  ).status;

const metrics = async (url: string, authorization: string, from: string) =>
  (await fetch(`${url}/metrics`, { headers: { authorization, 'x-forwarded-for': from } })).status;

describe('sign-in throttling behind a trusted proxy', () => {
  let ws: Workspace;
  let server: RunningServer;
  beforeAll(async () => {
    ws = workspace('throttle');
    await writeUserConfig(ws);
    server = await serve(ws, {
      trustedProxies: ['127.0.0.1'],
      loginAttemptsPerMinute: 3,
      loginFailuresPerUser: 6,
    });
  });
  afterAll(async () => {
    await server?.close();
    ws?.cleanup();
  });

  it('slows the guessing address on both APIs, while the owner elsewhere and every valid token go on', async () => {
    const attacker = '203.0.113.9';
    const owner = '198.51.100.7';
    for (let i = 0; i < 3; i++) expect((await login(server.url, 'guess', attacker)).status).toBe(401);
    // blocked before the password is looked at: the right one is refused too, on every way in
    expect((await login(server.url, PASS, attacker)).status).toBe(429);
    expect(await restLogin(server.url, PASS, attacker)).toBe(429);
    expect(await metrics(server.url, basicHeader(), attacker)).toBe(429);
    const signedIn = await login(server.url, PASS, owner);
    expect(signedIn.status).toBe(200);
    expect(await metrics(server.url, `Bearer ${signedIn.token}`, attacker)).toBe(200);
    expect(await metrics(server.url, basicHeader(), owner)).toBe(200);
  });

  it('a guess spread over many addresses slows unknown addresses for that user, not the owner', async () => {
    // with the attacker's 3 failures above, 3 more from new addresses make the user's 6
    for (let i = 0; i < 3; i++)
      expect((await login(server.url, 'guess', `192.0.2.${i + 1}`)).status).toBe(401);
    expect((await login(server.url, PASS, '192.0.2.200')).status).toBe(429);
    expect(await restLogin(server.url, PASS, '192.0.2.201')).toBe(429);
    // the owner signed in from 198.51.100.7 in the test above: that address is the owner's own
    expect((await login(server.url, PASS, '198.51.100.7')).status).toBe(200);
  });
});

describe('sign-in throttling without a trusted proxy', () => {
  let ws: Workspace;
  let server: RunningServer;
  beforeAll(async () => {
    ws = workspace('throttle-direct');
    await writeUserConfig(ws);
    server = await serve(ws, { loginAttemptsPerMinute: 3 });
  });
  afterAll(async () => {
    await server?.close();
    ws?.cleanup();
  });

  it('ignores X-Forwarded-For: a client cannot pose as many addresses', async () => {
    for (let i = 0; i < 3; i++) expect((await login(server.url, 'guess', `192.0.2.${i}`)).status).toBe(401);
    expect((await login(server.url, PASS, '192.0.2.99')).status).toBe(429);
  });
});

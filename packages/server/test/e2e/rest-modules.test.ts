// Zerobyte's remaining modules over a real server: healthcheck, better-auth sign-in as its web client does it,
// system, the global event stream, and the schedule order.
import fs from 'node:fs';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PASSWORD, startHarness, USER, type Harness } from '../../src/api/rest/testing/harness.js';
import { startReceiver } from '../../src/hooks/test-receiver.js';

type Json = Record<string, unknown>;

describe('Zerobyte modules: healthcheck, better-auth, system, events, reorder', () => {
  let h: Harness;
  let cookie: string;
  const call = (m: string, p: string, json?: unknown, c = cookie) =>
    h.call(m, p, { cookie: c, ...(json !== undefined ? { json } : {}) });

  beforeAll(async () => {
    h = await startHarness('modules');
    cookie = await h.login();
  });
  afterAll(() => h?.close());

  it('answers the healthcheck without credentials', async () => {
    const r = await h.call('GET', '/api/healthcheck');
    expect(r).toMatchObject({ status: 200, body: { status: 'ok' } });
  });

  it("signs in, reads the session and organization, and signs out as Zerobyte's web client does", async () => {
    const bad = await h.call('POST', '/api/auth/sign-in/username', {
      json: { username: USER, password: 'nope' },
    });
    expect(bad).toMatchObject({ status: 401, body: { message: 'Invalid username or password' } });
    const email = await h.call('POST', '/api/auth/sign-in/email', {
      json: { email: 'a@b.c', password: PASSWORD },
    });
    expect(email.status).toBe(401);
    expect((email.body as Json).message).toMatch(/sign in with the username/);

    const ok = await h.call('POST', '/api/auth/sign-in/username', {
      json: { username: USER, password: PASSWORD, rememberMe: true },
    });
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({ token: expect.any(String), user: { id: USER, username: USER } });
    const set = ok.headers.get('set-cookie') ?? '';
    expect(set).toMatch(/^zerobyte\.session_token=[^;]+; Path=\/; HttpOnly; SameSite=Lax/);
    const c = set.split(';')[0]!;

    expect((await call('GET', '/api/v1/repositories', undefined, c)).status).toBe(200);
    const s = await call('GET', '/api/auth/get-session', undefined, c);
    expect(s.body).toMatchObject({
      session: { userId: USER, activeOrganizationId: 'default' },
      user: { name: USER },
    });
    expect((await call('GET', '/api/auth/organization/list', undefined, c)).body).toEqual([
      expect.objectContaining({ id: 'default', slug: 'default' }),
    ]);
    const full = await call('GET', '/api/auth/organization/get-full-organization', undefined, c);
    expect(full.body).toMatchObject({ id: 'default', members: [{ userId: USER, role: 'owner' }] });
    const other = await call('POST', '/api/auth/organization/set-active', { organizationId: 'x' }, c);
    expect(other.status).toBe(400);

    expect((await call('POST', '/api/auth/sign-out', {}, c)).body).toEqual({ success: true });
    expect((await call('GET', '/api/auth/get-session', undefined, c)).status).toBe(401);
    expect((await call('GET', '/api/v1/repositories', undefined, c)).status).toBe(401);
  });

  it('reports system capabilities, refuses settings it cannot honour, hands out restic.pass after a password check', async () => {
    const info = (await call('GET', '/api/v1/system/info')).body as { capabilities: Json };
    expect(info).toMatchObject({ runtime: 'server', capabilities: { sysAdmin: expect.any(Boolean) } });
    expect(info.capabilities.volumeBackends).toContain('directory');
    expect(info.capabilities.repositoryBackends).toContain('local');
    expect((await call('GET', '/api/v1/system/registration-status')).body).toEqual({ enabled: false });
    const open = await call('PUT', '/api/v1/system/registration-status', { enabled: true });
    expect(open.status).toBe(400);
    expect((open.body as Json).message).toMatch(/^enabled: /);
    expect((await call('PUT', '/api/v1/system/password-login-status', { disabled: true })).status).toBe(400);

    const wrong = await call('POST', '/api/v1/system/restic-password', { password: 'nope' });
    expect(wrong.status).toBe(401);
    const pass = await call('POST', '/api/v1/system/restic-password', { password: PASSWORD });
    expect(pass.status).toBe(200);
    expect(pass.headers.get('content-disposition')).toBe('attachment; filename="restic.pass"');
    expect(pass.text).toMatch(/^[0-9a-f]{64}$/);
  });

  it('answers /system/updates with the running version and says that no update check was made', async () => {
    const r = await call('GET', '/api/v1/system/updates');
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({
      currentVersion: expect.stringMatching(/^\d+\.\d+\.\d+/),
      latestVersion: null,
      hasUpdate: false,
      missedReleases: [],
      updateCheck: 'disabled',
    });
    expect((r.body as Json).message).toMatch(/Update checks are off/);
    expect((await h.call('GET', '/api/v1/system/updates')).status).toBe(401);
  });

  it('streams volume changes on /api/v1/events', async () => {
    const ctrl = new AbortController();
    const res = await fetch(`${h.url}/api/v1/events`, { headers: { cookie }, signal: ctrl.signal });
    expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const seen: string[] = [];
    const reading = (async () => {
      const dec = new TextDecoder();
      let buf = '';
      try {
        for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
          buf += dec.decode(chunk, { stream: true });
          for (const m of buf.matchAll(/^event: (.*)$/gm)) if (!seen.includes(m[1]!)) seen.push(m[1]!);
          if (seen.includes('volume:mounted') && seen.includes('notification:updated')) return;
        }
      } catch {
        // aborted
      }
    })();
    const dir = path.join(h.dir, 'watched');
    fs.mkdirSync(dir);
    const v = await call('POST', '/api/v1/volumes', {
      name: 'Watched',
      config: { backend: 'directory', path: dir },
    });
    expect(v.status).toBe(201);
    const rx = await startReceiver();
    try {
      const d = await call('POST', '/api/v1/notifications/destinations', {
        name: 'Probe',
        config: { type: 'generic', url: `${rx.url}/n` },
      });
      expect(
        (await call('POST', `/api/v1/notifications/destinations/${(d.body as Json).id as number}/test`))
          .status,
      ).toBe(200);
      await Promise.race([reading, new Promise((r) => setTimeout(r, 10_000))]);
    } finally {
      ctrl.abort();
      await rx.close();
    }
    expect(seen).toEqual(
      expect.arrayContaining([
        'connected',
        'volume:mounted',
        'volume:status_changed',
        'notification:updated',
      ]),
    );
  });

  it('keeps the order /backups/reorder sets', async () => {
    const repo = await call('POST', '/api/v1/repositories', {
      name: 'Ordered',
      config: { backend: 'local', path: path.join(h.dir, 'repo') },
    });
    expect(repo.status).toBe(201);
    const repositoryId = (repo.body as { repository: { id: string } }).repository.id;
    const ids: string[] = [];
    for (const name of ['First', 'Second', 'Third']) {
      const r = await call('POST', '/api/v1/backups', {
        name,
        repositoryId,
        enabled: false,
        cronExpression: '',
        includePaths: [h.dir],
      });
      expect(r.status).toBe(201);
      ids.push((r.body as { shortId: string }).shortId);
    }
    const order = [ids[2]!, ids[0]!];
    expect((await call('POST', '/api/v1/backups/reorder', { scheduleShortIds: order })).body).toEqual({
      success: true,
    });
    const names = ((await call('GET', '/api/v1/backups')).body as { name: string }[]).map((b) => b.name);
    expect(names).toEqual(['Third', 'First', 'Second']);
    expect(
      (await call('POST', '/api/v1/backups/reorder', { scheduleShortIds: [ids[0], ids[0]] })).status,
    ).toBe(400);
    expect((await call('POST', '/api/v1/backups/reorder', { scheduleShortIds: ['nope1234'] })).status).toBe(
      404,
    );
  });
  it('sends a test email through a real SMTP server from a REST-created destination', async () => {
    const got: string[] = [];
    const smtp = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS'],
      logger: false,
      onData(stream, _session, cb) {
        let data = '';
        stream.on('data', (c: Buffer) => (data += c.toString()));
        stream.on('end', () => (got.push(data), cb()));
      },
    });
    await new Promise<void>((r) => smtp.listen(0, '127.0.0.1', r));
    try {
      const port = (smtp.server.address() as AddressInfo).port;
      const d = await call('POST', '/api/v1/notifications/destinations', {
        name: 'Mail',
        config: {
          type: 'email',
          smtpHost: '127.0.0.1',
          smtpPort: port,
          from: 'r@x.test',
          to: ['o@x.test'],
          useTLS: false,
        },
      });
      expect(d.status).toBe(201);
      const t = await call(
        'POST',
        `/api/v1/notifications/destinations/${(d.body as Json).id as number}/test`,
      );
      expect(t).toMatchObject({ status: 200, body: { success: true } });
      expect(got).toHaveLength(1);
      expect(got[0]).toMatch(/^To: o@x\.test/m);
    } finally {
      await new Promise<void>((r) => smtp.close(r));
    }
  });
});

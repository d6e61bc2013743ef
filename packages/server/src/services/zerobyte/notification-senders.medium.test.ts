// Every field a Zerobyte destination accepts reaches a real receiver: HTTP services on 127.0.0.1 and email
// through a real SMTP server process (smtp-server); fields we cannot honour are refused.
import type { AddressInfo } from 'node:net';
import { create } from '@bufbuild/protobuf';
import { Hook_Condition, HookSchema } from '@restora/proto';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runHookAction } from '../../hooks/handlers/index.js';
import { startReceiver } from '../../hooks/test-receiver.js';
import { makeHookVars } from '../../hooks/vars.js';
import { actionFor } from './notification-actions.js';
import { checkNotificationConfig } from './notification-config.js';

type Rx = Awaited<ReturnType<typeof startReceiver>>;

const send = (config: Record<string, unknown>, opts: { telegramApiBase?: string } = {}) => {
  const hook = create(HookSchema, {
    conditions: [Hook_Condition.SNAPSHOT_ERROR],
    action: actionFor(checkNotificationConfig(config)),
  });
  const vars = makeHookVars({
    task: 'backup',
    event: Hook_Condition.SNAPSHOT_ERROR,
    plan: { Id: 'nightly' },
    repo: { Id: 'vault' },
    error: 'disk "full"',
    curTime: new Date(0),
  });
  const ctx = { signal: AbortSignal.timeout(10_000), log: () => {} };
  return runHookAction(hook, vars, Hook_Condition.SNAPSHOT_ERROR, ctx, { httpTimeoutMs: 5_000, ...opts });
};

describe('Zerobyte notification fields, each at a real receiver', () => {
  let rx: Rx;
  beforeAll(async () => {
    rx = await startReceiver();
  });
  afterAll(() => rx.close());
  const last = () => rx.requests.at(-1)!;
  const json = () => JSON.parse(last().body) as Record<string, unknown>;

  it('ntfy: accessToken is a bearer token, priority a header', async () => {
    await send({
      type: 'ntfy',
      serverUrl: rx.url,
      topic: 'backups',
      accessToken: 'tk_abc',
      priority: 'high',
    });
    expect(last()).toMatchObject({ method: 'POST', url: '/backups' });
    expect(last().headers).toMatchObject({ authorization: 'Bearer tk_abc', priority: 'high' });
    expect(last().body).toContain('disk "full"');
  });

  it('gotify: path is put before /message, priority kept', async () => {
    await send({ type: 'gotify', serverUrl: rx.url, path: '/gotify/', token: 'T0k', priority: 7 });
    expect(last().url).toBe('/gotify/message?token=T0k');
    expect(json()).toMatchObject({ priority: 7, message: expect.stringContaining('nightly') });
  });

  it('discord: username, avatarUrl and threadId', async () => {
    await send({
      type: 'discord',
      webhookUrl: `${rx.url}/api/webhooks/42/secret`,
      username: 'Restora',
      avatarUrl: 'https://x.test/a.png',
      threadId: '9001',
    });
    expect(last().url).toBe('/api/webhooks/42/secret?thread_id=9001');
    expect(last().headers['content-type']).toBe('application/json');
    expect(json()).toEqual({
      content: expect.stringContaining('disk "full"'),
      username: 'Restora',
      avatar_url: 'https://x.test/a.png',
    });
  });

  it('slack: username and iconEmoji', async () => {
    await send({
      type: 'slack',
      webhookUrl: `${rx.url}/services/A/B/C`,
      username: 'bot',
      iconEmoji: ':floppy_disk:',
    });
    expect(last().url).toBe('/services/A/B/C');
    expect(json()).toEqual({
      text: expect.stringContaining('nightly'),
      username: 'bot',
      icon_emoji: ':floppy_disk:',
    });
  });

  it('telegram: threadId becomes message_thread_id', async () => {
    await send(
      { type: 'telegram', botToken: '123:abc', chatId: '-100200', threadId: '5' },
      { telegramApiBase: rx.url },
    );
    expect(last().url).toBe('/bot123:abc/sendMessage');
    expect(json()).toMatchObject({ chat_id: '-100200', message_thread_id: 5 });
  });

  it('generic: headers, contentType, titleKey, messageKey, method; useJson false sends text', async () => {
    await send({
      type: 'generic',
      url: `${rx.url}/hook?template=mine&a=1`,
      method: 'POST',
      headers: ['X-Token: s3:cr3t', 'X-Env: prod'],
      contentType: 'application/vnd.test+json',
      titleKey: 'subject',
      messageKey: 'text',
    });
    expect(last().url).toBe('/hook?template=mine&a=1');
    expect(last().headers).toMatchObject({
      'x-token': 's3:cr3t',
      'x-env': 'prod',
      'content-type': 'application/vnd.test+json',
    });
    expect(json()).toEqual({
      subject: expect.stringContaining('Backrest'),
      text: expect.stringContaining('vault'),
    });
    await send({ type: 'generic', url: `${rx.url}/native`, titleKey: 'title', messageKey: 'body' });
    expect(json()).toEqual({ title: 'Restora snapshot error', body: expect.stringContaining('disk "full"') });
    await send({ type: 'generic', url: `${rx.url}/plain`, useJson: false });
    expect(last().body).toMatch(/^Restora: .* of plan nightly/);
    expect(last().headers['content-type']).toMatch(/^text\/plain/);
    await send({ type: 'generic', url: `${rx.url}/ping`, method: 'GET' });
    expect(last()).toMatchObject({ method: 'GET', url: '/ping', body: '' });
  });

  it('refuses what it cannot honour, naming the field', () => {
    expect(() => send({ type: 'generic', url: rx.url, useJson: false, messageKey: 'm' })).toThrow(
      /config\.messageKey/,
    );
    expect(() => send({ type: 'generic', url: rx.url, headers: ['no colon'] })).toThrow(
      /config\.headers\[0\]/,
    );
    expect(() => send({ type: 'ntfy', topic: 't', colour: 'red' })).toThrow(/colour/);
  });
});

describe('email through a real SMTP server', () => {
  const mails: { from: string; to: string[]; data: string; user?: string; pass?: string }[] = [];
  let server: SMTPServer;
  let port: number;
  let auth: { user?: string; pass?: string } = {};
  beforeAll(async () => {
    server = new SMTPServer({
      authOptional: true,
      allowInsecureAuth: true,
      disabledCommands: ['STARTTLS'],
      onAuth(a, _s, cb) {
        auth = { user: a.username ?? undefined, pass: a.password ?? undefined };
        cb(null, { user: a.username });
      },
      onData(stream, session, cb) {
        let data = '';
        stream.on('data', (c: Buffer) => (data += c.toString()));
        stream.on('end', () => {
          mails.push({
            from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
            to: session.envelope.rcptTo.map((r) => r.address),
            data,
            ...auth,
          });
          cb();
        });
      },
      logger: false,
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    port = (server.server.address() as AddressInfo).port;
  });
  afterAll(() => new Promise<void>((r) => server.close(r)));

  const mail = (over: Record<string, unknown> = {}) =>
    send({
      type: 'email',
      smtpHost: '127.0.0.1',
      smtpPort: port,
      username: 'mailer',
      password: 'p@ss:word',
      from: 'backup@example.test',
      fromName: 'Restora Box',
      to: ['ops@example.test', 'me@example.test'],
      useTLS: false,
      ...over,
    });

  it('sends with login, sender name and every recipient', async () => {
    await mail();
    expect(mails).toHaveLength(1);
    expect(mails[0]).toMatchObject({
      from: 'backup@example.test',
      to: ['ops@example.test', 'me@example.test'],
      user: 'mailer',
      pass: 'p@ss:word',
    });
    expect(mails[0]!.data).toMatch(/^From: "?Restora Box"? <backup@example.test>/m);
    expect(mails[0]!.data).toMatch(/disk "full"/);
  });

  it('useTLS requires STARTTLS: a server without it is an error, not a plaintext send', async () => {
    await expect(mail({ useTLS: true })).rejects.toThrow(/email: .*STARTTLS/i);
    expect(mails).toHaveLength(1);
  });
});

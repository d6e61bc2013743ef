import { describe, expect, it } from 'vitest';
import { create } from '@bufbuild/protobuf';
import { ConfigSchema, Hook_SlackSchema, PrivateKeySchema, UserSchema, type Config } from '@restora/proto';
import { ValidationError } from '../errors.js';
import { generateIdentity } from './identity.js';
import { isSecretEnv, redactConfig, restoreRedacted } from './redact.js';
import { REDACTED } from './types.js';

function stored(): Config {
  return create(ConfigSchema, {
    version: 6,
    instance: 'i',
    repos: [
      {
        id: 'r',
        uri: 's3:x',
        password: 'repo-pw',
        env: [
          'AWS_ACCESS_KEY_ID=AKIA',
          'AWS_SECRET_ACCESS_KEY=sekret',
          'AWS_DEFAULT_REGION=eu',
          'B2_ACCOUNT_KEY=${B2}',
        ],
        hooks: [
          { action: { case: 'actionTelegram', value: { botToken: 'bot-tok', chatId: '42' } } },
          { action: { case: 'actionCommand', value: { command: 'echo hi' } } },
        ],
      },
    ],
    plans: [
      {
        id: 'p',
        repo: 'r',
        hooks: [{ action: { case: 'actionDiscord', value: { webhookUrl: 'https://d/x/tok' } } }],
      },
    ],
    auth: { users: [{ name: 'admin', password: { case: 'passwordBcrypt', value: 'hash' } }] },
    multihost: {
      identity: generateIdentity(),
      pairingTokens: [{ secret: 'pair-secret', label: 'l', createdAtUnix: 5n }],
      knownHosts: [{ instanceId: 'h', initialPairingSecret: 'init-secret' }],
    },
  });
}

describe('isSecretEnv', () => {
  it.each([
    ['AWS_SECRET_ACCESS_KEY=x', true],
    ['RESTIC_PASSWORD=x', true],
    ['GITHUB_TOKEN=x', true],
    ['AWS_DEFAULT_REGION=eu', false],
    ['B2_ACCOUNT_KEY=${B2_KEY}', false],
    ['B2_ACCOUNT_KEY=$B2_KEY', false],
    ['RESTIC_PASSWORD=', false],
    ['NOEQUALS', false],
  ])('%s → %s', (entry, secret) => expect(isSecretEnv(entry)).toBe(secret));
});

describe('redaction round trip', () => {
  it('redacts every secret and nothing else', () => {
    const s = stored();
    const r = redactConfig(s);
    const text = JSON.stringify(r, (_k, v: unknown) => (typeof v === 'bigint' ? String(v) : v));
    for (const secret of [
      'repo-pw',
      'sekret',
      'AKIA',
      'bot-tok',
      'd/x/tok',
      'hash',
      'pair-secret',
      'init-secret',
    ]) {
      expect(text).not.toContain(secret);
    }
    expect(text).not.toContain(s.multihost!.identity!.ed25519priv);
    expect(r.repos[0]!.password).toBe(REDACTED);
    expect(r.repos[0]!.env).toEqual([
      `AWS_ACCESS_KEY_ID=${REDACTED}`,
      `AWS_SECRET_ACCESS_KEY=${REDACTED}`,
      'AWS_DEFAULT_REGION=eu',
      'B2_ACCOUNT_KEY=${B2}',
    ]);
    expect(r.repos[0]!.hooks[1]).toEqual(s.repos[0]!.hooks[1]);
    expect(r.multihost!.identity!.keyid).toBe(s.multihost!.identity!.keyid);
    expect(s.repos[0]!.password).toBe('repo-pw');
  });

  it('restoring an untouched redacted config gives back the stored config', () => {
    const s = stored();
    expect(restoreRedacted(redactConfig(s), s)).toEqual(s);
  });

  it('keeps new values the client sent and restores only placeholders', () => {
    const s = stored();
    const edit = redactConfig(s);
    edit.repos[0]!.password = 'new-pw';
    edit.repos[0]!.env.push('NEW_TOKEN=abc');
    const back = restoreRedacted(edit, s);
    expect(back.repos[0]!.password).toBe('new-pw');
    expect(back.repos[0]!.env).toContain('AWS_SECRET_ACCESS_KEY=sekret');
    expect(back.repos[0]!.env).toContain('NEW_TOKEN=abc');
  });

  it('names every placeholder that has no stored counterpart', () => {
    const s = stored();
    const edit = redactConfig(s);
    edit.repos[0]!.id = 'renamed';
    edit.plans[0]!.hooks[0]!.action = {
      case: 'actionSlack',
      value: create(Hook_SlackSchema, { webhookUrl: REDACTED }),
    };
    edit.auth!.users[0]!.name = 'other';
    try {
      restoreRedacted(edit, s);
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(ValidationError);
      expect((e as ValidationError).issues.map((i) => i.path)).toEqual([
        'repos[0].password',
        'repos[0].env[0]',
        'repos[0].env[1]',
        'repos[0].hooks[0].actionTelegram.botToken',
        'plans[0].hooks[0].actionSlack.webhookUrl',
        'auth.users[0].passwordBcrypt',
      ]);
    }
  });
});

describe('secrets inside URIs, hook URLs and command text', () => {
  function withUrls(): Config {
    return create(ConfigSchema, {
      version: 6,
      instance: 'i',
      repos: [
        {
          id: 'r',
          uri: 'rest:http://bob:URI-PW@nas:8000/r',
          password: 'pw',
          env: ['RESTIC_REST_PASSWORD=rest-pw'],
          hooks: [
            { action: { case: 'actionHealthchecks', value: { webhookUrl: 'https://hc-ping.com/hc-uuid' } } },
            { action: { case: 'actionWebhook', value: { webhookUrl: 'https://h.example/x?token=wh-tok' } } },
            {
              action: { case: 'actionGotify', value: { baseUrl: 'https://gotify.example', token: 'go-tok' } },
            },
            { action: { case: 'actionShoutrrr', value: { shoutrrrUrl: 'ntfy://u:ntfy-pw@ntfy.sh/t' } } },
            { action: { case: 'actionCommand', value: { command: 'curl -H "X: cmd-secret"' } } },
          ],
        },
      ],
    });
  }
  const SECRETS = ['URI-PW', 'rest-pw', 'hc-uuid', 'wh-tok', 'go-tok', 'ntfy-pw'];

  it('masks them, keeping what is not secret readable, and round-trips', () => {
    const s = withUrls();
    const r = redactConfig(s);
    const text = JSON.stringify(r);
    for (const secret of SECRETS) expect(text).not.toContain(secret);
    expect(r.repos[0]!.uri).toBe(`rest:http://bob:${REDACTED}@nas:8000/r`);
    expect(r.repos[0]!.hooks[0]!.action.value).toMatchObject({
      webhookUrl: `https://hc-ping.com/${REDACTED}`,
    });
    expect(text).toContain('cmd-secret');
    expect(restoreRedacted(r, s)).toEqual(s);
  });

  it('masks command text only when command hooks are disabled (locked down)', () => {
    const s = withUrls();
    const locked = { commandHooks: false };
    const r = redactConfig(s, locked);
    expect(JSON.stringify(r)).not.toContain('cmd-secret');
    expect(restoreRedacted(r, s, locked)).toEqual(s);
  });

  it('refuses a placeholder whose destination changed, so a secret never follows a new host', () => {
    const s = withUrls();
    const edit = redactConfig(s);
    edit.repos[0]!.uri = `rest:http://bob:${REDACTED}@evil:8000/r`;
    const gotify = edit.repos[0]!.hooks[2]!.action;
    if (gotify.case === 'actionGotify') gotify.value.baseUrl = 'https://evil.example';
    try {
      restoreRedacted(edit, s);
      expect.unreachable();
    } catch (e) {
      expect((e as ValidationError).issues.map((i) => i.path)).toEqual([
        'repos[0].uri',
        'repos[0].env[0]',
        'repos[0].hooks[2].actionGotify.token',
      ]);
    }
  });
});

describe("Backrest's Settings dialog round trip (identity as {keyId}, users as ********)", () => {
  it('sends the identity out as its key id only', () => {
    const s = stored();
    const r = redactConfig(s);
    expect(r.multihost!.identity).toEqual(create(PrivateKeySchema, { keyid: s.multihost!.identity!.keyid }));
  });

  it('merges a sent identity with only keyId (or nothing) into the stored one', () => {
    const s = stored();
    for (const keyid of [s.multihost!.identity!.keyid, '']) {
      const edit = redactConfig(s);
      edit.multihost!.identity = create(PrivateKeySchema, { keyid });
      edit.auth!.users.push(
        create(UserSchema, { name: 'new', password: { case: 'passwordBcrypt', value: 'new-hash' } }),
      );
      const back = restoreRedacted(edit, s);
      expect(back.multihost!.identity).toEqual(s.multihost!.identity);
      expect(back.auth!.users.map((u) => [u.name, u.password.value])).toEqual([
        ['admin', 'hash'],
        ['new', 'new-hash'],
      ]);
    }
  });

  it('keeps a full identity sent, and names a key id that differs from the stored one', () => {
    const s = stored();
    const fresh = generateIdentity();
    const edit = redactConfig(s);
    edit.multihost!.identity = fresh;
    expect(restoreRedacted(edit, s).multihost!.identity).toEqual(fresh);
    edit.multihost!.identity = create(PrivateKeySchema, { keyid: fresh.keyid });
    expect(() => restoreRedacted(edit, s)).toThrow(/sync\.identity\.keyId: differs from the stored identity/);
  });
});

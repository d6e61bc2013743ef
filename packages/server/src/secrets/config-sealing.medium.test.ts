// config.json on disk: secrets sealed on save (file and rotated backups), opened on load, wrong key named.
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { create } from '@bufbuild/protobuf';
import { HookSchema } from '@restora/proto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openConfigStore } from '../config/config-store.js';
import { ValidationError } from '../errors.js';
import { SecretBox } from './box.js';
import { loadSecretKey, parseKeyMaterial } from './key.js';

const fixture = path.join(
  path.dirname(fileURLToPath(import.meta.url)),
  '..',
  'config',
  'testdata',
  'backrest-config.json',
);
// Plaintext secrets of the Backrest fixture, and ones this test adds.
const SECRETS = [
  'correct horse battery staple',
  's3cr3t',
  'https://discord.com/api/webhooks/123/abcdef',
  'NWKjIL0iepS/nxIqIBSk5e2cHuA/bzxBL+fnaeJyYdU=',
  'gotify-token-xyz',
  'uri-pass-123',
  'webhook-tok-456',
];

let dir: string;
let file: string;
let data: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'restora-sealing-'));
  file = path.join(dir, 'cfg', 'config.json');
  data = path.join(dir, 'data');
  fs.mkdirSync(path.dirname(file));
  fs.copyFileSync(fixture, file);
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

const boxIn = (d: string) => new SecretBox(loadSecretKey({}, d));
const rawOf = (f: string) => fs.readFileSync(f, 'latin1');

describe('config.json sealing', () => {
  it('loads a plaintext Backrest config unchanged, seals it on the first save and reads it back', async () => {
    const box = boxIn(data);
    const before = fs.readFileSync(file, 'utf8');
    const store = openConfigStore({ file, secrets: box, now: () => new Date(2026, 0, 1) });
    expect(fs.readFileSync(file, 'utf8')).toBe(before); // loading does not rewrite
    const loaded = store.get();
    expect(loaded.repos[0]!.password).toBe('correct horse battery staple');
    expect(loaded.repos[0]!.env).toContain('AWS_SECRET_ACCESS_KEY=s3cr3t');

    await store.update((c) => {
      // credentials inside a repo URI and a webhook URL
      c.repos[1]!.uri = 'rest:https://u:uri-pass-123@rest.example/r';
      c.plans[0]!.hooks.push(
        create(HookSchema, {
          action: {
            case: 'actionWebhook',
            value: { webhookUrl: 'https://hooks.example/t/webhook-tok-456', template: 'x' },
          },
        }),
      );
      // a hook field from redact.ts's hookSecretFields table
      c.plans[0]!.hooks.push(
        create(HookSchema, {
          action: { case: 'actionGotify', value: { baseUrl: 'https://g', token: 'gotify-token-xyz' } },
        }),
      );
    });
    const raw = rawOf(file);
    for (const s of SECRETS) expect(raw, s).not.toContain(s);
    for (const s of ['s3cr3t', 'correct horse']) expect(Buffer.from(raw, 'latin1').includes(s)).toBe(false);
    expect(raw).toContain('"password": "sealed:v1:');
    expect(raw).toMatch(/"AWS_SECRET_ACCESS_KEY=sealed:v1:/);
    expect(raw).toContain('"B2_ACCOUNT_KEY=${B2_KEY}"'); // an env reference is not a secret
    expect(raw).toContain('"AWS_DEFAULT_REGION=eu-west-1"'); // not a secret key name
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    // the in-memory config keeps plaintext
    expect(store.get().repos[0]!.password).toBe('correct horse battery staple');

    // the rotated backup of the plaintext file is sealed too
    const backups = fs.readdirSync(path.dirname(file)).filter((n) => n.includes('.bak.'));
    expect(backups).toHaveLength(1);
    const backupRaw = rawOf(path.join(path.dirname(file), backups[0]!));
    for (const s of SECRETS.slice(0, 4)) expect(backupRaw, s).not.toContain(s);

    const again = openConfigStore({ file, secrets: boxIn(data) }).get();
    expect(again.repos[0]!.password).toBe('correct horse battery staple');
    expect(again.repos[0]!.env).toContain('AWS_SECRET_ACCESS_KEY=s3cr3t');
    expect(again.multihost?.identity?.ed25519priv).toBe('NWKjIL0iepS/nxIqIBSk5e2cHuA/bzxBL+fnaeJyYdU=');
    expect(again.repos[1]!.uri).toBe('rest:https://u:uri-pass-123@rest.example/r');
    const webhook = again.plans[0]!.hooks.at(-2)!.action;
    expect(webhook.case === 'actionWebhook' && webhook.value.webhookUrl).toBe(
      'https://hooks.example/t/webhook-tok-456',
    );
    const gotify = again.plans[0]!.hooks.at(-1)!.action;
    expect(gotify.case === 'actionGotify' && gotify.value.token).toBe('gotify-token-xyz');
  });

  it('seals older plaintext backups on the first sealed save', async () => {
    const old = `${file}.bak.2025-01-01-00-00-00`;
    fs.copyFileSync(fixture, old);
    const store = openConfigStore({ file, secrets: boxIn(data) });
    await store.update((c) => void (c.instance = 'renamed'));
    const raw = rawOf(old);
    for (const s of SECRETS.slice(0, 4)) expect(raw, s).not.toContain(s);
    expect(fs.statSync(old).mode & 0o777).toBe(0o600);
  });

  it('round-trips a value that merely looks sealed, and keeps ${file:} references as they are', async () => {
    const store = openConfigStore({ file, secrets: boxIn(data) });
    await store.update((c) => {
      c.repos[0]!.password = 'sealed:v1:00000000:AAAA';
      c.repos[1]!.password = '${file:/run/credentials/restora/local}';
    });
    expect(rawOf(file)).toContain('"password": "${file:/run/credentials/restora/local}"');
    const again = openConfigStore({ file, secrets: boxIn(data) }).get();
    expect(again.repos[0]!.password).toBe('sealed:v1:00000000:AAAA');
    expect(again.repos[1]!.password).toBe('${file:/run/credentials/restora/local}');
  });

  it('keeps the ciphertext of an unchanged secret across saves and restarts, so config.json only changes where the config did', async () => {
    const sealedPasswords = () =>
      (JSON.parse(fs.readFileSync(file, 'utf8')) as { repos: { password: string }[] }).repos.map(
        (r) => r.password,
      );
    let store = openConfigStore({ file, secrets: boxIn(data) });
    await store.update((c) => void (c.instance = 'one'));
    const first = sealedPasswords();
    await store.update((c) => void (c.instance = 'two'));
    expect(sealedPasswords()).toEqual(first);
    store = openConfigStore({ file, secrets: boxIn(data) });
    await store.update((c) => void (c.repos[1]!.password = 'changed'));
    const third = sealedPasswords();
    expect(third[0]).toBe(first[0]);
    expect(third[1]).not.toBe(first[1]);
    expect(openConfigStore({ file, secrets: boxIn(data) }).get().repos[1]!.password).toBe('changed');
  });

  it('fails at start naming every field when the key is not the one that sealed them', async () => {
    const store = openConfigStore({ file, secrets: boxIn(data) });
    await store.update((c) => void (c.instance = 'sealed-now'));
    const sealedWith = boxIn(data).key.id;
    const other = new SecretBox(parseKeyMaterial(crypto.randomBytes(32), '/elsewhere/secret.key'));
    let err: unknown;
    try {
      openConfigStore({ file, secrets: other });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ValidationError);
    const msg = (err as Error).message;
    expect(msg).toContain(
      `repos[0].password (repo "b2-offsite"): sealed with key ${sealedWith}, which is not the key in use`,
    );
    expect(msg).toContain('/elsewhere/secret.key');
    expect(msg).toMatch(/repos\[0\]\.env\[\d\] AWS_SECRET_ACCESS_KEY \(repo "b2-offsite"\): sealed with key/);
    expect(msg).toContain('repos[0].hooks[0].actionDiscord.webhookUrl');
    expect(msg).toContain('sync.identity.ed25519priv');
    for (const s of SECRETS) expect(msg).not.toContain(s);
    // no key at all is an error too, never an empty password
    expect(() => openConfigStore({ file })).toThrow(/repos\[0\]\.password .*sealed, but no secret key/);
  });

  it('writes config.json 0600 under umask 0', async () => {
    const umask = process.umask(0);
    try {
      fs.rmSync(file);
      const store = openConfigStore({ file, secrets: boxIn(data) });
      await store.update((c) => void (c.instance = 'x'));
      await store.update((c) => void (c.instance = 'y'));
      expect(fs.statSync(file).mode & 0o777).toBe(0o600);
      for (const n of fs.readdirSync(path.dirname(file)))
        expect(fs.statSync(path.join(path.dirname(file), n)).mode & 0o777, n).toBe(0o600);
    } finally {
      process.umask(umask);
    }
  });
});

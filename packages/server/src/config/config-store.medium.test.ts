import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { create } from '@bufbuild/protobuf';
import { PlanSchema, RepoSchema } from '@restora/proto';
import { ConflictError, ValidationError } from '../errors.js';
import { openConfigStore, createMemoryConfigStore } from './config-store.js';
import { parseConfigJson } from './codec.js';

const GUID = 'b'.repeat(64);
const fixture = path.join(path.dirname(fileURLToPath(import.meta.url)), 'testdata', 'backrest-config.json');

let dir: string;
let file: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'restora-config-'));
  file = path.join(dir, 'cfg', 'config.json');
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

const addRepo = (id: string) => (c: ReturnType<ReturnType<typeof createMemoryConfigStore>['get']>) => {
  c.repos.push(create(RepoSchema, { id, uri: `/srv/${id}`, guid: GUID }));
};

describe('openConfigStore', () => {
  it('serves the default config when the file is missing and writes it only on the first update', async () => {
    const store = openConfigStore({ file });
    const c = store.get();
    expect(c.version).toBe(6);
    expect(c.auth).toBeUndefined();
    expect(c.multihost?.identity?.keyid).toMatch(/^ed25519\./);
    expect(fs.existsSync(file)).toBe(false);
    await store.update((d) => void (d.instance = 'box'));
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    const reloaded = openConfigStore({ file }).get();
    expect(reloaded.instance).toBe('box');
    expect(reloaded.modno).toBe(1);
    expect(reloaded.multihost?.identity?.keyid).toBe(c.multihost?.identity?.keyid);
  });

  it('loads a Backrest config.json unchanged and does not rewrite it', () => {
    fs.mkdirSync(path.dirname(file));
    fs.copyFileSync(fixture, file);
    const before = fs.readFileSync(file, 'utf8');
    const store = openConfigStore({ file });
    expect(store.get().repos.map((r) => r.id)).toEqual(['b2-offsite', 'local']);
    expect(store.get().modno).toBe(17);
    expect(fs.readFileSync(file, 'utf8')).toBe(before);
  });

  it('migrates an old config and writes it back, keeping a backup of the original', () => {
    fs.mkdirSync(path.dirname(file));
    fs.writeFileSync(file, JSON.stringify({ version: 3, instance: 'old', repos: [{ id: 'r', uri: '/r' }] }));
    const store = openConfigStore({ file, env: {} });
    expect(store.get().version).toBe(6);
    const onDisk = parseConfigJson(fs.readFileSync(file, 'utf8'));
    expect(onDisk.version).toBe(6);
    expect(onDisk.repos[0]!.guid).toHaveLength(64);
    const backups = fs.readdirSync(path.dirname(file)).filter((n) => n.startsWith('config.json.bak.'));
    expect(backups).toHaveLength(1);
    expect(fs.readFileSync(path.join(path.dirname(file), backups[0]!), 'utf8')).toContain('"version":3');
  });

  it('refuses an invalid file, naming every bad field', () => {
    fs.mkdirSync(path.dirname(file));
    fs.writeFileSync(
      file,
      JSON.stringify({ version: 6, instance: 'bad id', plans: [{ id: 'p', repo: 'nope', paths: ['/x'] }] }),
    );
    expect(() => openConfigStore({ file })).toThrow(ValidationError);
    expect(() => openConfigStore({ file })).toThrow(
      /is invalid: instance: .*; plans\[0\]\.repo: repo "nope" not found/,
    );
  });

  it('refuses a file granting a peer a scope the links would reject, naming the field and the scope', () => {
    fs.mkdirSync(path.dirname(file));
    const peer = { instanceId: 'laptop', keyId: 'k1' };
    const perms = [{ type: 'PERMISSION_READ_OPERATIONS', scopes: ['*', 'plans:x'] }];
    fs.writeFileSync(
      file,
      JSON.stringify({
        version: 6,
        instance: 'host',
        sync: { authorizedClients: [{ ...peer, permissions: perms }] },
      }),
    );
    expect(() => openConfigStore({ file })).toThrow(
      /sync\.authorizedClients\[0\]\.permissions\[0\]\.scopes: invalid permission scope "plans:x"/,
    );
  });

  it('update validates, bumps modno and notifies subscribers; a rejected update changes nothing', async () => {
    const store = openConfigStore({ file });
    const seen: [number, number][] = [];
    store.subscribe((next, prev) => seen.push([prev.modno, next.modno]));
    await store.update((d) => void (d.instance = 'a'));
    await store.update(addRepo('r1'));
    await expect(
      store.update((d) => void d.plans.push(create(PlanSchema, { id: 'p', repo: 'missing', paths: ['/x'] }))),
    ).rejects.toThrow(/plans\[0\]\.repo/);
    await store.update((d) => void (d.instance = 'b'), { bumpModno: false });
    expect(store.get().modno).toBe(2);
    expect(seen).toEqual([
      [0, 1],
      [1, 2],
      [2, 2],
    ]);
    expect(openConfigStore({ file }).get().plans).toEqual([]);
  });

  it('replace enforces the modno (ConflictError on a stale config)', async () => {
    const store = openConfigStore({ file });
    const base = store.get();
    base.instance = 'first';
    const saved = await store.replace(base);
    expect(saved.modno).toBe(1);
    const stale = structuredClone(base);
    stale.instance = 'second';
    await expect(store.replace(stale)).rejects.toThrow(ConflictError);
    await expect(store.replace(stale)).rejects.toThrow('config modno mismatch, reload and try again');
    expect(store.get().instance).toBe('first');
  });

  it('serialises concurrent updates (no lost update)', async () => {
    const store = openConfigStore({ file });
    await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        store.update(async (d) => {
          await new Promise((r) => setTimeout(r, 8 - i));
          addRepo(`r${i}`)(d);
        }),
      ),
    );
    expect(store.get().repos).toHaveLength(8);
    expect(openConfigStore({ file }).get().modno).toBe(8);
  });

  it('keeps the newest 10 rotated backups', async () => {
    let t = Date.UTC(2026, 0, 1);
    const store = openConfigStore({ file, now: () => new Date((t += 1000)) });
    for (let i = 0; i < 14; i++) await store.update((d) => void (d.instance = `i${i}`));
    const backups = fs
      .readdirSync(path.dirname(file))
      .filter((n) => n.startsWith('config.json.bak.'))
      .sort();
    expect(backups).toHaveLength(10);
    for (const b of backups) expect(fs.statSync(path.join(path.dirname(file), b)).mode & 0o777).toBe(0o600);
    // The newest backup holds the config before the last write.
    expect(
      parseConfigJson(fs.readFileSync(path.join(path.dirname(file), backups.at(-1)!), 'utf8')).instance,
    ).toBe('i12');
  });

  it('a save interrupted before the rename leaves the old file intact and no temp file behind', async () => {
    const good = openConfigStore({ file });
    await good.update((d) => void (d.instance = 'intact'));
    const before = fs.readFileSync(file, 'utf8');
    const crashing = openConfigStore({
      file,
      writeOptions: {
        beforeRename: (temp) => {
          expect(fs.readFileSync(temp, 'utf8')).toContain('"instance": "changed"');
          throw new Error('simulated crash');
        },
      },
    });
    await expect(crashing.update((d) => void (d.instance = 'changed'))).rejects.toThrow('simulated crash');
    expect(fs.readFileSync(file, 'utf8')).toBe(before);
    expect(fs.readdirSync(path.dirname(file)).filter((n) => n.endsWith('.tmp'))).toEqual([]);
    expect(crashing.get().instance).toBe('intact');
    expect(openConfigStore({ file }).get().instance).toBe('intact');
  });
});

describe('createMemoryConfigStore', () => {
  it('applies the same rules without a file', async () => {
    const store = createMemoryConfigStore();
    await store.update(addRepo('r'));
    expect(store.path).toBe(':memory:');
    await expect(store.update(addRepo('r'))).rejects.toThrow(/duplicate repo id/);
  });
});

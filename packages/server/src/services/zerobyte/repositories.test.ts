// A repository's sidecar row never commits apart from config.json: written first, staged against the repo it becomes,
// so a crash between the two writes (or a Backrest edit) leaves both APIs showing what config.json holds.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { create } from '@bufbuild/protobuf';
import { ConfigSchema, RepoSchema, type Config } from '@restora/proto';
import { afterEach, describe, expect, it } from 'vitest';
import { createMemoryConfigStore } from '../../config/config-store.js';
import type { ConfigStore } from '../../config/types.js';
import { MemoryOpLog } from '../../oplog/memory-store.js';
import type { ZbContext } from './context.js';
import { MetaStore } from './meta-store.js';
import { RepositoryService } from './repositories.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

function contextOver(config: ConfigStore, meta: MetaStore): ZbContext {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'restora-zb-repos-'));
  dirs.push(dataDir);
  return {
    config,
    oplog: new MemoryOpLog(),
    meta,
    engine: {} as ZbContext['engine'],
    dataDir,
    restic: {},
    now: Date.now,
  };
}

/** The store, reading as it does, with another update (a write that never ends, or one refused). */
const withUpdate = (config: ConfigStore, update: () => Promise<Config>) =>
  ({ get: () => config.get(), update }) as unknown as ConfigStore;

const repo = (id: string, uri: string) =>
  create(RepoSchema, { id, uri, guid: 'a'.repeat(64), password: 'pw' });
const configWith = (...repos: ReturnType<typeof repo>[]): Config =>
  create(ConfigSchema, { version: 6, instance: 'host', repos });

describe('RepositoryService: one commit with config.json', () => {
  it('a crash after the sidecar write and before the config write shows the repo as config.json has it', async () => {
    const config = createMemoryConfigStore(configWith(repo('r1', '/srv/old')));
    const meta = new MetaStore(':memory:');
    const service = new RepositoryService(contextOver(config, meta));
    await service.update('r1', { name: 'Photos', config: { backend: 'local', path: '/srv/old' } });
    expect(service.get('r1')).toMatchObject({ name: 'Photos', config: { path: '/srv/old' } });
    // the process dies inside the config write: the staged row is on disk, config.json is not changed
    const dying = withUpdate(config, () => new Promise<Config>(() => {}));
    void new RepositoryService(contextOver(dying, meta)).update('r1', { config: { path: '/srv/new' } });
    const restarted = new RepositoryService(contextOver(config, meta));
    expect(restarted.get('r1').config).toMatchObject({ backend: 'local', path: '/srv/old' });
    // the same edit committing: both now say /srv/new
    await restarted.update('r1', { config: { path: '/srv/new' } });
    expect(config.get().repos[0]?.uri).toBe('/srv/new');
    expect(new RepositoryService(contextOver(config, meta)).get('r1').config).toMatchObject({
      path: '/srv/new',
    });
  });

  it("an edit through Backrest's API shows at once: the staged backend no longer matches, the repo's own is read", async () => {
    const config = createMemoryConfigStore(configWith(repo('r1', '/srv/a')));
    const meta = new MetaStore(':memory:');
    const service = new RepositoryService(contextOver(config, meta));
    await service.update('r1', { config: { backend: 'local', path: '/srv/a' } });
    await config.update((draft) => {
      draft.repos[0]!.uri = '/srv/b';
    });
    expect(service.get('r1').config).toMatchObject({ backend: 'local', path: '/srv/b' });
  });

  it('a refused config write leaves the row as it was; rows of repos config.json lacks go at start', async () => {
    const config = createMemoryConfigStore(configWith(repo('r1', '/srv/a')));
    const meta = new MetaStore(':memory:');
    const service = new RepositoryService(contextOver(config, meta));
    await service.update('r1', { name: 'Before' });
    const refusing = withUpdate(config, () => Promise.reject(new Error('refused')));
    await expect(
      new RepositoryService(contextOver(refusing, meta)).update('r1', {
        name: 'After',
        config: { path: '/srv/z' },
      }),
    ).rejects.toThrow('refused');
    expect(service.get('r1')).toMatchObject({ name: 'Before', config: { path: '/srv/a' } });
    meta.put('repository', 'gone', { name: 'Orphan' });
    new RepositoryService(contextOver(config, meta));
    expect(meta.get('repository', 'gone')).toBeUndefined();
  });
});

describe('RepositoryService.rcloneRemotes', () => {
  it('reports a failing rclone as an error naming what rclone said, never as an empty list', async () => {
    const ctx = contextOver(createMemoryConfigStore(configWith()), new MetaStore(':memory:'));
    const conf = path.join(ctx.dataDir, 'rclone.conf');
    fs.writeFileSync(conf, '[broken\ntype = local\n'); // a section header rclone cannot parse
    const svc = new RepositoryService({ ...ctx, rclone: { configFile: conf } });
    await expect(svc.rcloneRemotes()).rejects.toThrow(/^rclone listremotes failed: /);
    fs.writeFileSync(conf, '[nas]\ntype = sftp\n');
    await expect(svc.rcloneRemotes()).resolves.toEqual([{ name: 'nas', type: 'sftp' }]);
  });
});

// restic 0.14 end to end against our server on 127.0.0.1 (credentials in RESTIC_REPOSITORY, never argv).
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import bcrypt from 'bcryptjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRestServer } from '../../src/index.js';
import type { RunningRestServer } from '../../src/index.js';
import { cleanup, tmp } from '../helpers.js';
import { restic, treeDigest } from './restic-helpers.js';

const hasRestic = existsSync('/usr/bin/restic');
const PASSWORD = 'repo-password';

function makeSource(): string {
  const src = tmp('restora-src-');
  mkdirSync(join(src, 'sub', 'deeper'), { recursive: true });
  writeFileSync(join(src, 'small.txt'), 'hello restora\n');
  writeFileSync(join(src, 'sub', 'random.bin'), randomBytes(3 * 1024 * 1024));
  writeFileSync(join(src, 'sub', 'deeper', 'zeros.bin'), Buffer.alloc(1024 * 1024));
  return src;
}

function htpasswd(users: Record<string, string>): string {
  const dir = tmp();
  const file = join(dir, '.htpasswd');
  writeFileSync(
    file,
    Object.entries(users)
      .map(([u, p]) => `${u}:${bcrypt.hashSync(p, 5)}`)
      .join('\n') + '\n',
  );
  return file;
}

afterAll(cleanup);

describe.skipIf(!hasRestic)('restic 0.14 against restora rest-server (htpasswd auth)', () => {
  let server: RunningRestServer;
  let data: string;
  const env = (repo: string, user = 'alice', pass = 'alice-pw'): Record<string, string> => ({
    RESTIC_REPOSITORY: `rest:http://${user}:${pass}@127.0.0.1:${server.port}/${repo}/`,
    RESTIC_PASSWORD: PASSWORD,
    RESTIC_CACHE_DIR: join(data, '..', 'cache'),
  });

  beforeAll(async () => {
    data = join(tmp(), 'data');
    server = await startRestServer({
      path: data,
      htpasswdFile: htpasswd({ alice: 'alice-pw', bob: 'bob-pw' }),
      logger: () => undefined,
    });
  });
  afterAll(() => server.close());

  it('init, backup, snapshots, check --read-data, restore byte-identical, key add, forget --prune', async () => {
    const src = makeSource();
    const e = env('alice/main');
    expect((await restic(['init'], e)).code).toBe(0);
    expect(existsSync(join(data, 'alice', 'main', 'config'))).toBe(true);
    expect(readdirSync(join(data, 'alice', 'main', 'data'))).toHaveLength(256);
    const b1 = await restic(['backup', '--json', src], e);
    expect(b1.code, b1.stderr).toBe(0);
    writeFileSync(join(src, 'second.txt'), randomBytes(100_000));
    const b2 = await restic(['backup', src], e);
    expect(b2.code, b2.stderr).toBe(0);
    const snaps = JSON.parse((await restic(['snapshots', '--json'], e)).stdout) as { id: string }[];
    expect(snaps).toHaveLength(2);
    const check = await restic(['check', '--read-data'], e);
    expect(check.code, check.stderr).toBe(0);
    expect(check.stdout).toContain('no errors were found');
    const target = tmp('restora-restore-');
    const restore = await restic(['restore', 'latest', '--target', target], e);
    expect(restore.code, restore.stderr).toBe(0);
    expect(treeDigest(join(target, src))).toEqual(treeDigest(src));
    const pwFile = join(tmp(), 'new-password');
    writeFileSync(pwFile, 'second-password\n');
    expect((await restic(['key', 'add', '--new-password-file', pwFile], e)).code).toBe(0);
    const keys = await restic(['key', 'list', '--json'], { ...e, RESTIC_PASSWORD: 'second-password' });
    expect(keys.code, keys.stderr).toBe(0);
    expect(JSON.parse(keys.stdout)).toHaveLength(2);
    const forget = await restic(['forget', '--keep-last', '1', '--prune'], e);
    expect(forget.code, forget.stderr).toBe(0);
    expect(JSON.parse((await restic(['snapshots', '--json'], e)).stdout)).toHaveLength(1);
    expect((await restic(['check', '--read-data'], e)).code).toBe(0);
  });

  it('copy between two repositories on the server', async () => {
    const src = makeSource();
    const from = env('alice/from');
    const to = env('alice/to');
    expect((await restic(['init'], from)).code).toBe(0);
    expect((await restic(['backup', src], from)).code).toBe(0);
    const fromEnv = {
      RESTIC_FROM_REPOSITORY: from.RESTIC_REPOSITORY as string,
      RESTIC_FROM_PASSWORD: PASSWORD,
    };
    const init = await restic(['init', '--copy-chunker-params'], { ...to, ...fromEnv });
    expect(init.code, init.stderr).toBe(0);
    const copy = await restic(['copy'], { ...to, ...fromEnv });
    expect(copy.code, copy.stderr).toBe(0);
    expect(JSON.parse((await restic(['snapshots', '--json'], to)).stdout)).toHaveLength(1);
    const target = tmp('restora-restore-');
    expect((await restic(['restore', 'latest', '--target', target], to)).code).toBe(0);
    expect(treeDigest(join(target, src))).toEqual(treeDigest(src));
  });

  it('a wrong password is refused', async () => {
    // restic 0.14 retries a 401 for a long time: stop at the first retry message that shows it.
    const r = await restic(['snapshots'], env('alice/main', 'alice', 'wrong'), {
      timeoutMs: 30_000,
      stopOn: /401|Unauthorized/,
    });
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/401|Unauthorized/);
  });
});

describe.skipIf(!hasRestic)('restic 0.14 with --private-repos', () => {
  let server: RunningRestServer;
  let data: string;
  beforeAll(async () => {
    data = join(tmp(), 'data');
    server = await startRestServer({
      path: data,
      privateRepos: true,
      htpasswdFile: htpasswd({ alice: 'alice-pw', bob: 'bob-pw' }),
      logger: () => undefined,
    });
  });
  afterAll(() => server.close());
  const env = (user: string, pass: string, repo: string): Record<string, string> => ({
    RESTIC_REPOSITORY: `rest:http://${user}:${pass}@127.0.0.1:${server.port}/${repo}/`,
    RESTIC_PASSWORD: PASSWORD,
    RESTIC_CACHE_DIR: join(data, '..', 'cache'),
  });

  it("own repository works, another user's is refused", async () => {
    const src = makeSource();
    expect((await restic(['init'], env('bob', 'bob-pw', 'bob/repo'))).code).toBe(0);
    expect((await restic(['backup', src], env('bob', 'bob-pw', 'bob/repo'))).code).toBe(0);
    const r = await restic(['snapshots'], env('alice', 'alice-pw', 'bob/repo'), {
      timeoutMs: 30_000,
      stopOn: /401|Unauthorized/,
    });
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/401|Unauthorized/);
    const i = await restic(['init'], env('alice', 'alice-pw', 'bob/other'), {
      timeoutMs: 30_000,
      stopOn: /401/,
    });
    expect(i.code).not.toBe(0);
    expect(existsSync(join(data, 'bob', 'other'))).toBe(false);
  });
});

describe.skipIf(!hasRestic)('restic 0.14 with --append-only', () => {
  let server: RunningRestServer;
  let data: string;
  beforeAll(async () => {
    data = join(tmp(), 'data');
    server = await startRestServer({ path: data, noAuth: true, appendOnly: true, logger: () => undefined });
  });
  afterAll(() => server.close());

  it('backup works, forget --prune is refused, no data is lost', async () => {
    const e = {
      RESTIC_REPOSITORY: `rest:http://127.0.0.1:${server.port}/repo/`,
      RESTIC_PASSWORD: PASSWORD,
      RESTIC_CACHE_DIR: join(data, '..', 'cache'),
    };
    const src = makeSource();
    expect((await restic(['init'], e)).code).toBe(0);
    expect((await restic(['backup', src], e)).code).toBe(0);
    writeFileSync(join(src, 'more.bin'), randomBytes(50_000));
    expect((await restic(['backup', src], e)).code).toBe(0);
    const before = treeDigest(join(data, 'repo'));
    const forget = await restic(['forget', '--keep-last', '1', '--prune'], e, {
      timeoutMs: 60_000,
      stopOn: /403/,
    });
    expect(forget.code).not.toBe(0);
    expect(forget.stderr).toMatch(/403|Forbidden/);
    const after = treeDigest(join(data, 'repo'));
    for (const [p, digest] of Object.entries(before))
      if (!p.startsWith('locks/')) expect(after[p]).toBe(digest);
    expect(JSON.parse((await restic(['snapshots', '--json', '--no-lock'], e)).stdout)).toHaveLength(2);
    const check = await restic(['check', '--read-data', '--no-lock'], e);
    expect(check.code, check.stderr).toBe(0);
  });
});

// restic 0.14 through our server standing in front of an S3-compatible bucket (s3rver on 127.0.0.1), with
// htpasswd, private repositories, append-only mode and a quota: what restic/rest-server #390 asks for.
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import bcrypt from 'bcryptjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRestServer } from '../../src/index.js';
import type { RunningRestServer } from '../../src/index.js';
import { cleanup, tmp } from '../helpers.js';
import { S3RVER_CREDENTIALS, startS3rver } from '../s3rver.js';
import { restic, treeDigest } from './restic-helpers.js';

const hasRestic = existsSync('/usr/bin/restic');
const QUOTA = 8 * 1024 * 1024;

describe.skipIf(!hasRestic)('restic 0.14 through restora rest-server on S3 (s3rver)', () => {
  let s3: Awaited<ReturnType<typeof startS3rver>>;
  let server: RunningRestServer;
  const saved = { ...process.env };
  const env = (user: string, pass: string, repo: string): Record<string, string> => ({
    RESTIC_REPOSITORY: `rest:http://${user}:${pass}@127.0.0.1:${server.port}/${repo}/`,
    RESTIC_PASSWORD: 'repo-password',
    RESTIC_CACHE_DIR: join(tmp(), 'cache'),
  });

  beforeAll(async () => {
    s3 = await startS3rver();
    const htpasswd = join(tmp(), '.htpasswd');
    writeFileSync(htpasswd, `alice:${bcrypt.hashSync('alice-pw', 5)}\nbob:${bcrypt.hashSync('bob-pw', 5)}\n`);
    process.env.AWS_ACCESS_KEY_ID = S3RVER_CREDENTIALS.accessKeyId;
    process.env.AWS_SECRET_ACCESS_KEY = S3RVER_CREDENTIALS.secretAccessKey;
    server = await startRestServer({
      s3: `${s3.endpoint}/bucket/restora`,
      htpasswdFile: htpasswd,
      privateRepos: true,
      appendOnly: true,
      maxSize: QUOTA,
      logger: () => undefined,
    });
  });
  afterAll(async () => {
    await server.close();
    await s3.stop();
    process.env = saved;
    await cleanup();
  });

  it('init, backup, check --read-data, byte-identical restore; append-only, private repos and quota hold', async () => {
    const src = tmp('restora-src-');
    mkdirSync(join(src, 'sub'));
    writeFileSync(join(src, 'a.txt'), 'hello s3\n');
    writeFileSync(join(src, 'sub', 'random.bin'), randomBytes(2 * 1024 * 1024));
    const alice = env('alice', 'alice-pw', 'alice');
    expect((await restic(['init'], alice)).code).toBe(0);
    const backup = await restic(['backup', src], alice);
    expect(backup.code, backup.stderr).toBe(0);
    const check = await restic(['check', '--read-data'], alice);
    expect(check.code, check.stderr).toBe(0);
    const target = tmp('restora-restore-');
    expect((await restic(['restore', 'latest', '--target', target], alice)).code).toBe(0);
    expect(treeDigest(join(target, src))).toEqual(treeDigest(src));

    // Append-only: forget must not remove the snapshot (restic retries a 403 for a while: stop at the first one).
    const forget = await restic(['forget', '--keep-last', '0', '--keep-tag', 'none'], alice, {
      timeoutMs: 30_000,
      stopOn: /403|Forbidden/,
    });
    expect(forget.code).not.toBe(0);
    expect(JSON.parse((await restic(['snapshots', '--json'], alice)).stdout)).toHaveLength(1);

    // Private repositories: bob cannot read alice's.
    const bob = await fetch(`http://127.0.0.1:${server.port}/alice/config`, {
      headers: { Authorization: `Basic ${Buffer.from('bob:bob-pw').toString('base64')}` },
    });
    expect(bob.status).toBe(401);

    // Quota over the bucket's prefix: an upload past it is refused with 507 and stored nowhere.
    const big = randomBytes(QUOTA);
    const id = (await import('node:crypto')).createHash('sha256').update(big).digest('hex');
    const res = await fetch(`http://127.0.0.1:${server.port}/alice/data/${id}`, {
      method: 'POST',
      body: big,
      headers: { Authorization: `Basic ${Buffer.from('alice:alice-pw').toString('base64')}` },
    });
    expect(res.status).toBe(507);
    expect(await server.store.stat({ repo: ['alice'], type: 'data', name: id })).toBeUndefined();
  });
});

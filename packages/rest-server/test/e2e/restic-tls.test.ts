// restic 0.14 over --tls (credentials in RESTIC_REPOSITORY, never argv): Go's client negotiates HTTP/2.
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import bcrypt from 'bcryptjs';
import { afterAll, describe, expect, it } from 'vitest';
import { startRestServer } from '../../src/index.js';
import { cleanup, selfSignedCert, tmp } from '../helpers.js';
import { restic, treeDigest } from './restic-helpers.js';

const hasRestic = existsSync('/usr/bin/restic');
afterAll(cleanup);

describe.skipIf(!hasRestic)('restic 0.14 against restora rest-server --tls', () => {
  it('init, backup, check --read-data, restore over HTTP/2 (seen in the access log)', async () => {
    const { cert, key } = selfSignedCert();
    const data = join(tmp(), 'data');
    const htpasswd = join(tmp(), '.htpasswd');
    writeFileSync(htpasswd, `alice:${bcrypt.hashSync('alice-pw', 5)}\n`);
    const log = join(tmp(), 'access.log');
    const server = await startRestServer({
      path: data,
      htpasswdFile: htpasswd,
      tls: true,
      tlsCert: cert,
      tlsKey: key,
      log,
      logger: () => undefined,
    });
    const env = {
      RESTIC_REPOSITORY: `rest:https://alice:alice-pw@127.0.0.1:${server.port}/alice/`,
      RESTIC_PASSWORD: 'repo-password',
      RESTIC_CACHE_DIR: join(tmp(), 'cache'),
    };
    const src = tmp('restora-src-');
    mkdirSync(join(src, 'sub'));
    writeFileSync(join(src, 'sub', 'random.bin'), randomBytes(3 * 1024 * 1024));
    writeFileSync(join(src, 'small.txt'), 'hello over h2\n');
    const run = (...args: string[]) => restic(['--cacert', cert, ...args], env);

    for (const args of [['init'], ['backup', src], ['check', '--read-data']]) {
      const r = await run(...args);
      expect(r.code, r.stderr).toBe(0);
    }
    const target = tmp('restora-restore-');
    const restore = await run('restore', 'latest', '--target', target);
    expect(restore.code, restore.stderr).toBe(0);
    expect(treeDigest(join(target, src))).toEqual(treeDigest(src));
    await server.close();

    const lines = readFileSync(log, 'utf8').trim().split('\n');
    expect(lines.length).toBeGreaterThan(10);
    const h2Line =
      /^127\.0\.0\.1 - alice \[[^\]]+\] "[A-Z]+ \/alice\/\S* HTTP\/2\.0" \d{3} \d+ "" "Go-http-client\/2\.0"$/;
    for (const line of lines) expect(line).toMatch(h2Line);
    expect(readFileSync(log, 'utf8')).not.toContain('alice-pw');
  });
});

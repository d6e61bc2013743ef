import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import bcrypt from 'bcryptjs';
import { afterAll, describe, expect, it } from 'vitest';
import { apr1 } from './apr1.js';
import { Htpasswd, parseHtpasswd } from './htpasswd.js';
import { verifyHash } from './verify-hash.js';

const dir = mkdtempSync(join(tmpdir(), 'restora-htpasswd-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const sha = (p: string): string => '{SHA}' + createHash('sha1').update(p).digest('base64');

describe('htpasswd hashes', () => {
  it('validates bcrypt $2y$/$2a$/$2b$ (TestValidate, repeated to exercise the cache)', async () => {
    const h = bcrypt.hashSync('secret', 5); // $2b$
    for (const prefix of ['$2y$', '$2a$', '$2b$']) {
      const hash = prefix + h.slice(4);
      expect(await verifyHash('secret', hash)).toBe(true);
      expect(await verifyHash('wrong', hash)).toBe(false);
    }
    const file = join(dir, 'bcrypt');
    writeFileSync(file, `test:${'$2y$' + h.slice(4)}\n`);
    const ht = new Htpasswd(file);
    for (let i = 0; i < 10; i++) {
      expect(await ht.validate('test', 'secret')).toBe(true);
      expect(await ht.validate('test', 'wrong')).toBe(false);
    }
  });

  it('validates {SHA} and apr1 (matching openssl passwd -apr1), refuses crypt and plaintext', async () => {
    expect(await verifyHash('pw', sha('pw'))).toBe(true);
    expect(await verifyHash('px', sha('pw'))).toBe(false);
    expect(apr1('secret', 'abcdefgh')).toBe('$apr1$abcdefgh$h9FWgUz3n9YxylKLlR5SQ/');
    expect(await verifyHash('secret', '$apr1$abcdefgh$h9FWgUz3n9YxylKLlR5SQ/')).toBe(true);
    expect(await verifyHash('secreT', '$apr1$abcdefgh$h9FWgUz3n9YxylKLlR5SQ/')).toBe(false);
    expect(await verifyHash('pw', 'pw')).toBe(false);
    expect(await verifyHash('pw', 'abJnggxhB/yWI')).toBe(false);
    expect(await verifyHash('pw', '$6$salt$hash')).toBe(false);
  });
});

describe('parseHtpasswd', () => {
  it('skips comments, invalid user names, trims leading spaces', () => {
    const logs: string[] = [];
    const users = parseHtpasswd(
      ['# comment', '   alice:{SHA}x', 'bad/name:{SHA}y', 'j\u00fcrgen@x.y_z-1:{SHA}z', '', 'nocolon'].join(
        '\n',
      ),
      (l) => logs.push(l),
    );
    expect([...users.keys()]).toEqual(['alice', 'j\u00fcrgen@x.y_z-1']);
    expect(logs.join()).toContain('bad/name');
  });
});

describe('Htpasswd reload', () => {
  it('picks up a change after the check interval, keeps old users on a broken file, reloads on demand', async () => {
    const file = join(dir, 'reload');
    writeFileSync(file, `a:${sha('1')}\n`);
    const ht = new Htpasswd(file, { checkIntervalMs: 0 });
    expect(await ht.validate('a', '1')).toBe(true);
    writeFileSync(file, `a:${sha('2')}\nb:${sha('3')}\n`);
    utimesSync(file, new Date(), new Date(Date.now() + 5000));
    expect(await ht.validate('a', '2')).toBe(true);
    expect(await ht.validate('a', '1')).toBe(false);
    expect(await ht.validate('b', '3')).toBe(true);
    rmSync(file);
    ht.load(); // what SIGHUP does; the file is gone so the old users stay
    expect(await ht.validate('b', '3')).toBe(true);
  });

  it('does not look at the file before the interval has passed', async () => {
    const file = join(dir, 'slow');
    writeFileSync(file, `a:${sha('1')}\n`);
    const ht = new Htpasswd(file, { checkIntervalMs: 60_000 });
    expect(await ht.validate('a', '1')).toBe(true);
    writeFileSync(file, `a:${sha('2')}\n`);
    expect(await ht.validate('a', '2')).toBe(false);
    ht.load();
    expect(await ht.validate('a', '2')).toBe(true);
  });

  it('throws on a missing file at first load', () => {
    expect(() => new Htpasswd(join(dir, 'missing'))).toThrow();
  });
});

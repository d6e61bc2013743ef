import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { create } from '@bufbuild/protobuf';
import { RepoSchema } from '@restora/proto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FailedPreconditionError } from '../errors.js';
import { fileReferencePath, isFileReference, readFileReference } from './references.js';
import { resolveRepoSecrets } from './repo-secrets.js';

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'restora-ref-'));
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('file references', () => {
  it('are only values that are exactly ${file:/absolute/path}', () => {
    expect(fileReferencePath('${file:/run/credentials/restora/b2}')).toBe('/run/credentials/restora/b2');
    for (const v of ['${file:relative}', 'x${file:/a}', '${file:/a}x', 'file:/a', '${FILE}', '$file', ''])
      expect(isFileReference(v), v).toBe(false);
  });

  it('read the file, dropping one trailing newline', () => {
    const f = path.join(dir, 'pw');
    fs.writeFileSync(f, 'pa$$word\n\n');
    expect(readFileReference(`\${file:${f}}`, 'x')).toBe('pa$$word\n');
    expect(readFileReference('plain', 'x')).toBe('plain');
  });

  it('name the reference when the file is missing', () => {
    const ref = `\${file:${path.join(dir, 'missing')}}`;
    let err: unknown;
    try {
      readFileReference(ref, 'repo "b2" password');
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(FailedPreconditionError);
    expect((err as Error).message).toBe(`repo "b2" password: cannot read ${ref}: no such file`);
    expect(() => readFileReference(`\${file:${dir}}`, 'x')).toThrow(/not a regular file/);
  });
});

describe('resolveRepoSecrets', () => {
  it('reads file references in the password and env, expands other env values, never expands file content', () => {
    const pw = path.join(dir, 'pw');
    const key = path.join(dir, 'key');
    fs.writeFileSync(pw, 'from-file\n');
    fs.writeFileSync(key, '$HOME-literal');
    const repo = create(RepoSchema, {
      id: 'b2',
      password: `\${file:${pw}}`,
      env: [`B2_ACCOUNT_KEY=\${file:${key}}`, 'B2_ACCOUNT_ID=${ID}', 'BROKEN'],
    });
    const r = resolveRepoSecrets(repo, (v) => v.replace('${ID}', 'id-1'));
    expect(r).toEqual({
      password: 'from-file',
      env: { B2_ACCOUNT_KEY: '$HOME-literal', B2_ACCOUNT_ID: 'id-1' },
    });
    expect(resolveRepoSecrets(create(RepoSchema, { id: 'x', password: 'plain' }), (v) => v).password).toBe(
      'plain',
    );
  });
});

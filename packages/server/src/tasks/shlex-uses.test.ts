import { create } from '@bufbuild/protobuf';
import { RepoSchema } from '@restora/proto';
import { describe, expect, it } from 'vitest';
import { defaultConfig } from '../config/defaults.js';
import { shlexSplit } from '../config/shlex.js';
import { validateConfig } from '../config/validate.js';
import { argsProblem } from './program-policy.js';
import { resticForRepo } from './restic-adapter.js';

// config validation and restic argv share config/shlex.ts: what validation accepts is what runs.
const repo = (flags: string[]) => create(RepoSchema, { id: 'r', uri: '/srv/repo', password: 'pw', flags });

describe('one splitter for validation and for restic args', () => {
  it('config validation names the flag that cannot be split', () => {
    const c = defaultConfig();
    c.repos.push(repo(['--limit-upload 10', '--tag a\\']));
    const result = validateConfig(c);
    const issue = result.issues.find((i) => i.path === 'repos[0].flags[1]');
    expect(issue?.message).toMatch(/trailing backslash/);
    expect(result.issues.some((i) => i.path === 'repos[0].flags[0]')).toBe(false);
  });

  it('restic args are the words validation accepted', () => {
    const restic = resticForRepo(repo([`-o "s3.region=eu west"`, '--limit-upload 10']));
    expect(restic.options.extraArgs).toEqual(['-o', 's3.region=eu west', '--limit-upload', '10']);
  });

  it('building restic args refuses what validation refuses', () => {
    expect(() => resticForRepo(repo(['--tag a\\']))).toThrow(/trailing backslash/);
  });

  it('the locked-down policy reads the same words', () => {
    expect(argsProblem(shlexSplit(`-o 'sftp.command=ssh -oProxyCommand=id h'`))?.message).toContain(
      'sftp.command',
    );
  });
});

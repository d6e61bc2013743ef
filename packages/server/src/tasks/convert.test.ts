import { create } from '@bufbuild/protobuf';
import { CommandPrefixSchema, RepoSchema, RetentionPolicySchema } from '@restora/proto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { prefixArgs, prefixedBinary } from './command-prefix.js';
import { forgetFlagArgs, retentionToFlags, snapshotToProto } from './convert.js';
import { expandEnv, resticForRepo } from './restic-adapter.js';
import { shlexSplit } from '../config/shlex.js';

describe('retention', () => {
  it('maps Backrest policies to keep flags, omitting zeros; keep-all means no forget', () => {
    const p = (policy: Record<string, unknown>) => create(RetentionPolicySchema, { policy } as never);
    expect(retentionToFlags(p({ case: 'policyKeepLastN', value: 3 }))).toEqual({ keepLast: 3 });
    expect(
      retentionToFlags(
        p({
          case: 'policyTimeBucketed',
          value: { hourly: 24, daily: 7, weekly: 0, monthly: 12, yearly: 0, keepLastN: 2 },
        }),
      ),
    ).toEqual({ keepLast: 2, keepHourly: 24, keepDaily: 7, keepMonthly: 12 });
    expect(retentionToFlags(p({ case: 'policyKeepAll', value: true }))).toBeNull();
    expect(retentionToFlags(undefined)).toBeNull();
  });

  it('renders the full forget flag set including keep-within and keep-tag', () => {
    expect(
      forgetFlagArgs({
        keepLast: 1,
        keepDaily: 7,
        keepWithin: '2y5m',
        keepWithinDaily: '7d',
        keepTags: ['keep', 'pin'],
      }),
    ).toEqual([
      '--keep-last',
      '1',
      '--keep-daily',
      '7',
      '--keep-within',
      '2y5m',
      '--keep-within-daily',
      '7d',
      '--keep-tag',
      'keep',
      '--keep-tag',
      'pin',
    ]);
  });
});

describe('snapshotToProto', () => {
  it('converts times, tags and summary counters', () => {
    const s = snapshotToProto({
      id: 'a'.repeat(64),
      time: '2026-06-01T10:00:00Z',
      paths: ['/x'],
      tags: ['plan:p'],
      summary: {
        files_new: 3,
        data_added: 10,
        backup_start: '2026-06-01T10:00:00Z',
        backup_end: '2026-06-01T10:00:02.5Z',
      },
    });
    expect(s.unixTimeMs).toBe(BigInt(Date.parse('2026-06-01T10:00:00Z')));
    expect(s.summary?.filesNew).toBe(3n);
    expect(s.summary?.dataAdded).toBe(10n);
    expect(s.summary?.totalDuration).toBe(2.5);
  });
});

describe('shlexSplit and env expansion', () => {
  it('splits like a shell', () => {
    expect(shlexSplit(`--option "a b" 'c d' e\\ f -o x="y z"`)).toEqual([
      '--option',
      'a b',
      'c d',
      'e f',
      '-o',
      'x=y z',
    ]);
    expect(shlexSplit('  ')).toEqual([]);
    expect(() => shlexSplit('"open')).toThrow(/unterminated/);
  });

  it('expands ${VAR} and $VAR', () => {
    expect(expandEnv('s3:${HOST}/$BUCKET/x', { HOST: 'h', BUCKET: 'b' })).toBe('s3:h/b/x');
    expect(expandEnv('${MISSING}-', {})).toBe('-');
  });
});

describe('command prefix', () => {
  it('builds nice/ionice words and an exec wrapper', () => {
    expect(prefixArgs(create(CommandPrefixSchema, { cpuNice: 2, ioNice: 3 }))).toEqual([
      'nice',
      '-n',
      '10',
      'ionice',
      '-c',
      '3',
    ]);
    expect(prefixArgs(create(CommandPrefixSchema, { cpuNice: 1, ioNice: 1 }))).toEqual([
      'nice',
      '-n',
      '-10',
      'ionice',
      '-c',
      '2',
      '-n',
      '7',
    ]);
    expect(prefixArgs(undefined)).toEqual([]);
    const dir = mkdtempSync(join(tmpdir(), 'restora-prefix-'));
    try {
      expect(prefixedBinary('/usr/bin/restic', [], dir)).toBe('/usr/bin/restic');
      const wrapper = prefixedBinary('/usr/bin/restic', ['nice', '-n', '10'], dir);
      expect(readFileSync(wrapper, 'utf8')).toBe('#!/bin/sh\nexec nice -n 10 /usr/bin/restic "$@"\n');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('passes repo uri, password, env and flags to restic (sftp gets BatchMode)', () => {
    const repo = create(RepoSchema, {
      id: 'r',
      uri: 'sftp:user@${HOST}:/srv',
      password: 'pw',
      env: ['B2_ACCOUNT_ID=${ACC}', 'NOEQUALS'],
      flags: ['--limit-upload 100'],
    });
    const o = resticForRepo(repo, {
      env: { HOST: 'nas', ACC: 'acc' },
      binaryPath: '/usr/bin/restic',
    }).options;
    expect(o.repository).toBe('sftp:user@nas:/srv');
    expect(o.password).toBe('pw');
    expect(o.env).toEqual({ B2_ACCOUNT_ID: 'acc' });
    expect(o.extraArgs).toEqual(['--limit-upload', '100', '-o', 'sftp.args=-oBatchMode=yes']);
  });
});

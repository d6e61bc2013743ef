import { create } from '@bufbuild/protobuf';
import { RetentionPolicySchema, RetentionPolicy_TimeBucketedCountsSchema } from '@restora/proto';
import { describe, expect, it } from 'vitest';
import { BACKENDS, detectBackend } from './backends.js';
import { describeCron, nextRuns } from './cron.js';
import { keptByPolicy } from './retention.js';

describe('cron preview', () => {
  it('describes common expressions in plain English', () => {
    expect(describeCron('0 2 * * *')).toBe('At 02:00 every day');
    expect(describeCron('0 * * * *')).toBe('Every hour at minute 0');
    expect(describeCron('30 3 * * 0')).toBe('At 03:30 on Sunday');
    expect(describeCron('0 0 1 * *')).toBe('At 00:00 on day 1 of the month');
    expect(describeCron('*/15 * * * *')).toBe('Every 15 minutes');
  });

  it('lists the next five runs in UTC and rejects bad expressions', () => {
    const runs = nextRuns('0 2 * * *', 5, true, new Date('2026-01-01T12:00:00Z'));
    expect(Array.isArray(runs) && runs.map((d) => d.toISOString())).toEqual([
      '2026-01-02T02:00:00.000Z',
      '2026-01-03T02:00:00.000Z',
      '2026-01-04T02:00:00.000Z',
      '2026-01-05T02:00:00.000Z',
      '2026-01-06T02:00:00.000Z',
    ]);
    expect(typeof nextRuns('61 * * * *', 5, true)).toBe('string');
    expect(typeof nextRuns('0 2 * *', 5, true)).toBe('string');
  });
});

describe('retention preview', () => {
  it('keeps one snapshot per bucket, newest first, like restic forget', () => {
    const t = (d: number, h: number) => new Date(2026, 0, d, h).getTime();
    const times = [t(1, 1), t(1, 5), t(2, 1), t(2, 9), t(3, 4)];
    const daily2 = create(RetentionPolicySchema, {
      policy: {
        case: 'policyTimeBucketed',
        value: create(RetentionPolicy_TimeBucketedCountsSchema, { daily: 2 }),
      },
    });
    expect([...keptByPolicy(times, daily2)].sort()).toEqual([t(2, 9), t(3, 4)].sort());
    const last3 = create(RetentionPolicySchema, { policy: { case: 'policyKeepLastN', value: 3 } });
    expect(keptByPolicy(times, last3).size).toBe(3);
    expect(keptByPolicy(times, undefined).size).toBe(5);
  });
});

describe('backend forms', () => {
  it('round-trips every backend between fields and the restic repository string', () => {
    const samples: Record<string, string> = {
      local: '/mnt/backups/repo',
      s3: 's3:s3.amazonaws.com/bucket/restic',
      b2: 'b2:bucket:restic',
      azure: 'azure:container:/restic',
      gcs: 'gs:bucket:/restic',
      sftp: 'sftp://backup@nas.local:2222//srv/restic',
      rest: 'rest:https://user:pw@host:8000/repo',
      rclone: 'rclone:remote:restic',
    };
    for (const b of BACKENDS) {
      const d = detectBackend(samples[b.id]!);
      expect(d.backend.id).toBe(b.id);
      expect(b.build(d.values)).toBe(samples[b.id]);
    }
  });
});

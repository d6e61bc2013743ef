import { describe, expect, it } from 'vitest';
import { create, type MessageInitShape } from '@bufbuild/protobuf';
import { ConfigSchema, RepoSchema, Schedule_Clock, ScheduleSchema, type Config } from '@restora/proto';
import { ValidationError } from '../errors.js';
import { migrateConfig } from './migrations.js';

const env = {};

function v(version: number, init: MessageInitShape<typeof ConfigSchema> = {}): Config {
  return create(ConfigSchema, { version, instance: 'x', ...init });
}

describe('migrateConfig', () => {
  it('turns an empty config (version 0) into version 6 with an ed25519 identity', () => {
    const c = create(ConfigSchema);
    expect(migrateConfig(c, { env })).toBe(true);
    expect(c.version).toBe(6);
    expect(c.multihost?.identity?.keyid).toMatch(/^ed25519\./);
  });

  it('refuses a non-empty config without a version, and versions older than Backrest 1.4.0', () => {
    expect(() => migrateConfig(create(ConfigSchema, { instance: 'x' }), { env })).toThrow(/no "version"/);
    expect(() => migrateConfig(v(1), { env })).toThrow(/too old/);
  });

  it('refuses a version newer than 6', () => {
    expect(() => migrateConfig(v(7), { env })).toThrow(/newer than this Restora supports/);
  });

  it('leaves a current config with identity unchanged', () => {
    const c = v(6);
    migrateConfig(c, { env });
    const copy = create(ConfigSchema, c);
    expect(migrateConfig(c, { env })).toBe(false);
    expect(c).toEqual(copy);
  });

  it('3: moves prune and check schedules to LAST_RUN_TIME', () => {
    const sched = () => create(ScheduleSchema, { schedule: { case: 'cron', value: '0 0 * * *' } });
    const c = v(2, {
      repos: [
        create(RepoSchema, {
          id: 'a',
          prunePolicy: { schedule: sched() },
          checkPolicy: { schedule: sched() },
        }),
        create(RepoSchema, { id: 'b', checkPolicy: { schedule: sched() } }),
      ],
    });
    migrateConfig(c, { env });
    expect(c.repos[0]!.prunePolicy!.schedule!.clock).toBe(Schedule_Clock.LAST_RUN_TIME);
    expect(c.repos[0]!.checkPolicy!.schedule!.clock).toBe(Schedule_Clock.LAST_RUN_TIME);
    // Backrest only touches repos that have a prune policy.
    expect(c.repos[1]!.checkPolicy!.schedule!.clock).toBe(Schedule_Clock.DEFAULT);
  });

  it('4: fills missing repo guids with sha256(id), keeps existing ones', () => {
    const c = v(3, { repos: [create(RepoSchema, { id: 'a' }), create(RepoSchema, { id: 'b', guid: 'g' })] });
    migrateConfig(c, { env });
    expect(c.repos[0]!.guid).toBe('ca978112ca1bbdcafac231b39a23dc4da786eff8147c4e72b9807785afee48bb');
    expect(c.repos[1]!.guid).toBe('g');
    expect(c.version).toBe(6);
  });

  it('5: refuses when RESTIC_PASSWORD* conflicts with configured passwords, fixes with ISSUE_1139_FIX_PASSWORDS', () => {
    const mk = () =>
      v(4, {
        repos: [
          create(RepoSchema, { id: 'a', guid: 'g', password: 'ui' }),
          create(RepoSchema, { id: 'b', guid: 'g' }),
        ],
      });
    expect(() => migrateConfig(mk(), { env: { RESTIC_PASSWORD: 'envpw' } })).toThrow(ValidationError);
    expect(() => migrateConfig(mk(), { env: { RESTIC_PASSWORD: 'envpw' } })).toThrow(/RESTIC_PASSWORD.*a/);
    expect(migrateConfig(mk(), { env: { RESTIC_PASSWORD_FILE: '' } })).toBe(true);
    const fixed = mk();
    migrateConfig(fixed, { env: { RESTIC_PASSWORD: 'envpw', ISSUE_1139_FIX_PASSWORDS: '1' } });
    expect(fixed.repos[0]!.password).toBe('envpw');
    const fixedFile = mk();
    migrateConfig(fixedFile, { env: { RESTIC_PASSWORD_FILE: '/run/pw', ISSUE_1139_FIX_PASSWORDS: '1' } });
    expect(fixedFile.repos[0]!.password).toBe('');
    expect(fixedFile.repos[0]!.env).toEqual(['RESTIC_PASSWORD_FILE=/run/pw']);
    expect(fixedFile.repos[1]!.env).toEqual([]);
  });

  it('6: replaces a legacy ECDSA identity with a fresh ed25519 one', () => {
    const c = v(5, {
      multihost: { identity: { keyid: 'ecdsa.abc', ed25519priv: '-----BEGIN EC PRIVATE-----' } },
    });
    migrateConfig(c, { env });
    expect(c.multihost!.identity!.keyid).toMatch(/^ed25519\./);
  });
});

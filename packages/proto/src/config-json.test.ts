import { fromBinary, fromJson, fromJsonString, toBinary, toJson, toJsonString } from '@bufbuild/protobuf';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  CommandPrefix_IONiceLevel,
  ConfigSchema,
  Hook_Condition,
  Hook_OnError,
  Multihost_Permission_Type,
  Schedule_Clock,
} from './index.js';
import type { ConfigJson } from './index.js';

// A Backrest 1.14.1-style config.json written from backrest-api.md §2, §4.2 and §5.1.
const sampleText = readFileSync(new URL('./testdata/backrest-config.json', import.meta.url), 'utf8');
const sample = JSON.parse(sampleText) as ConfigJson;

describe('Backrest config.json', () => {
  const config = fromJsonString(ConfigSchema, sampleText);

  it('round-trips through protojson without losing or renaming a key', () => {
    expect(toJson(ConfigSchema, config)).toEqual(sample);
  });

  it('round-trips through the binary encoding', () => {
    const again = fromBinary(ConfigSchema, toBinary(ConfigSchema, config));
    expect(toJson(ConfigSchema, again)).toEqual(sample);
  });

  it('reads the quirky JSON names into the proto fields', () => {
    expect(config.multihost?.identity?.keyid).toMatch(/^ed25519\./);
    expect(config.multihost?.knownHosts[0]?.keyid).toBe('ed25519.Q0xJRU5UX0tFWV9JRF9GT1JfVEVTVFNfT05MWQ');
    expect(config.plans[0]?.backupFlags).toEqual(['--one-file-system', '--exclude-larger-than 1G']);
    expect(config.plans[0]?.skipIfUnchanged).toBe(true);
    expect(config.plans[1]?.schedule?.schedule).toEqual({ case: 'maxFrequencyHours', value: 6 });
  });

  it('writes the quirky JSON names: "sync", "backup_flags", "keyId"', () => {
    const json = toJson(ConfigSchema, config) as Record<string, unknown>;
    expect(Object.keys(json)).toContain('sync');
    expect(Object.keys(json)).not.toContain('multihost');
    const text = toJsonString(ConfigSchema, config);
    expect(text).toContain('"backup_flags":');
    expect(text).not.toContain('backupFlags');
    expect(text).toContain('"keyId":');
    expect(text).not.toContain('"keyid"');
  });

  // protoc-gen-es drops a value prefix that repeats the enum name (CLOCK_ of Clock); JSON keeps full names.
  it('maps enum names to the reference numbers', () => {
    const repo = config.repos[0];
    expect(repo?.prunePolicy?.schedule?.clock).toBe(Schedule_Clock.LAST_RUN_TIME);
    expect(Schedule_Clock.LAST_RUN_TIME).toBe(3);
    expect(repo?.commandPrefix?.ioNice).toBe(CommandPrefix_IONiceLevel.IO_IDLE);
    expect(CommandPrefix_IONiceLevel.IO_IDLE).toBe(3);
    expect(repo?.hooks[0]?.onError).toBe(Hook_OnError.RETRY_EXPONENTIAL_BACKOFF);
    expect(Hook_OnError.RETRY_EXPONENTIAL_BACKOFF).toBe(103);
    expect(repo?.hooks[1]?.conditions).toEqual([
      Hook_Condition.PRUNE_START,
      Hook_Condition.CHECK_SUCCESS,
      Hook_Condition.FORGET_ERROR,
    ]);
    expect(repo?.hooks[1]?.conditions).toEqual([100, 202, 301]);
    expect(config.multihost?.knownHosts[0]?.permissions[1]?.type).toBe(
      Multihost_Permission_Type.PERMISSION_RECEIVE_SHARED_REPOS,
    );
  });

  it('holds int64 fields as bigint and writes them as JSON strings', () => {
    const token = config.multihost?.pairingTokens[0];
    expect(token?.createdAtUnix).toBe(1747000000n);
    expect(config.repos[0]?.prunePolicy?.maxUnusedBytes).toBe(1073741824n);
    const json = toJson(ConfigSchema, config) as ConfigJson;
    expect(json.sync?.pairingTokens?.[0]?.expiresAtUnix).toBe('1747003600');
    // int32 modno stays a JSON number.
    expect(json.modno).toBe(7);
  });

  it('accepts proto field names as keys, as Go protojson does', () => {
    const config2 = fromJson(ConfigSchema, {
      multihost: { identity: { keyid: 'ed25519.a' } },
      plans: [{ id: 'p', repo: 'r', backup_flags: ['-x'], skip_if_unchanged: true }],
      repos: [{ id: 'r', auto_unlock: true, prune_policy: { max_unused_percent: 5 } }],
    });
    expect(toJson(ConfigSchema, config2)).toEqual({
      sync: { identity: { keyId: 'ed25519.a' } },
      plans: [{ id: 'p', repo: 'r', backup_flags: ['-x'], skipIfUnchanged: true }],
      repos: [{ id: 'r', autoUnlock: true, prunePolicy: { maxUnusedPercent: 5 } }],
    });
  });

  it('accepts int64 as numbers and enums as numbers', () => {
    const config2 = fromJson(ConfigSchema, {
      repos: [{ id: 'r', prunePolicy: { maxUnusedBytes: 42, schedule: { cron: '* * * * *', clock: 2 } } }],
    });
    expect(toJson(ConfigSchema, config2)).toEqual({
      repos: [
        {
          id: 'r',
          prunePolicy: { maxUnusedBytes: '42', schedule: { cron: '* * * * *', clock: 'CLOCK_UTC' } },
        },
      ],
    });
  });

  it('discards unknown keys only when asked, as Backrest does when reading config.json', () => {
    const text = '{"instance":"x","someFutureField":{"a":1},"repos":[{"id":"r","newKnob":true}]}';
    expect(() => fromJsonString(ConfigSchema, text)).toThrow(/someFutureField/);
    const config2 = fromJsonString(ConfigSchema, text, { ignoreUnknownFields: true });
    expect(toJson(ConfigSchema, config2)).toEqual({ instance: 'x', repos: [{ id: 'r' }] });
  });

  it('omits zero values but keeps set oneof members, even when zero', () => {
    const config2 = fromJson(ConfigSchema, {
      modno: 0,
      instance: '',
      auth: { disabled: false },
      plans: [{ id: 'p', schedule: { disabled: false }, retention: { policyKeepLastN: 0 } }],
      repos: [{ id: 'r', checkPolicy: { structureOnly: false } }],
    });
    expect(toJson(ConfigSchema, config2)).toEqual({
      auth: {},
      plans: [{ id: 'p', schedule: { disabled: false }, retention: { policyKeepLastN: 0 } }],
      repos: [{ id: 'r', checkPolicy: { structureOnly: false } }],
    });
  });

  it('keeps a user password in its oneof', () => {
    expect(config.auth?.users[0]?.password).toEqual({
      case: 'passwordBcrypt',
      value: 'JDJhJDEwJG5vdC5hLnJlYWwuaGFzaC5idXQuYmFzZTY0',
    });
  });
});

import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { Hook_Condition, Schedule_Clock } from '@restora/proto';
import { ValidationError } from '../errors.js';
import { parseConfigJson, serializeConfig } from './codec.js';
import { migrateConfig } from './migrations.js';
import { validateConfig } from './validate.js';

const fixture = fs.readFileSync(
  path.join(path.dirname(fileURLToPath(import.meta.url)), 'testdata', 'backrest-config.json'),
  'utf8',
);

describe('Backrest config.json', () => {
  it('loads unchanged, discarding unknown fields', () => {
    const c = parseConfigJson(fixture);
    expect(c.modno).toBe(17);
    expect(c.instance).toBe('nas-backrest');
    expect(c.repos.map((r) => r.id)).toEqual(['b2-offsite', 'local']);
    const r = c.repos[0]!;
    expect(r.prunePolicy?.maxUnusedBytes).toBe(1_000_000n);
    expect(r.prunePolicy?.schedule?.clock).toBe(Schedule_Clock.LAST_RUN_TIME);
    expect(r.checkPolicy?.mode).toEqual({ case: 'readDataSubsetPercent', value: 5 });
    expect(r.hooks[0]!.conditions).toEqual([Hook_Condition.SNAPSHOT_ERROR, Hook_Condition.PRUNE_ERROR]);
    expect(r.forgetPolicy?.retention?.policy).toEqual({ case: 'policyKeepAll', value: true });
    expect(c.plans[0]!.backupFlags).toEqual(['--exclude-caches', '--one-file-system']);
    expect(c.plans[0]!.retention?.policy.case).toBe('policyTimeBucketed');
    expect(c.plans[1]!.schedule?.schedule).toEqual({ case: 'cron', value: '30 2 * * 1-5' });
    expect(c.auth?.users[0]?.password.case).toBe('passwordBcrypt');
    expect(c.multihost?.knownHosts[0]?.instanceUrl).toBe('http://office.lan:9898');
    // Already version 6 with an identity: nothing to migrate, and it validates.
    expect(migrateConfig(c, { env: {} })).toBe(false);
    expect(validateConfig(c).issues).toEqual([]);
  });

  it('writes what Backrest reads: json names, "sync", "backup_flags", int64 strings, enum names', () => {
    const out = JSON.parse(serializeConfig(parseConfigJson(fixture))) as Record<string, unknown>;
    const input = JSON.parse(fixture) as Record<string, unknown>;
    delete input.unknownTopLevel;
    delete (input.repos as Record<string, unknown>[])[0]!.someFutureRepoField;
    expect(out).toEqual(input);
    expect(serializeConfig(parseConfigJson(fixture))).toMatch(/^\{\n {2}"modno": 17,/);
  });

  it('accepts proto field names and numbers for enums, as protojson parsers do', () => {
    const c = parseConfigJson(
      '{"version":6,"plans":[{"id":"p","repo":"r","backup_flags":["-x"],"schedule":{"max_frequency_days":2,"clock":2}}]}',
    );
    expect(c.plans[0]!.backupFlags).toEqual(['-x']);
    expect(c.plans[0]!.schedule?.clock).toBe(Schedule_Clock.UTC);
  });

  it('reports bad JSON and schema mismatches as ValidationError', () => {
    expect(() => parseConfigJson('{', 'cfg')).toThrow(ValidationError);
    expect(() => parseConfigJson('{"modno":"abc"}', 'cfg')).toThrow(/cfg does not match the config schema/);
  });
});

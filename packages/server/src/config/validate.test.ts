import { describe, expect, it } from 'vitest';
import { create } from '@bufbuild/protobuf';
import {
  type CommandPrefix_IONiceLevel,
  type Schedule_Clock,
  ConfigSchema,
  HookSchema,
  PlanSchema,
  RepoSchema,
  RetentionPolicySchema,
  ScheduleSchema,
  type Config,
} from '@restora/proto';
import { ValidationError } from '../errors.js';
import { generateIdentity } from './identity.js';
import { REDACTED } from './types.js';
import { assertValidConfig, validateConfig } from './validate.js';
import { cronProblem } from './validate-schedule.js';

const GUID = 'a'.repeat(64);

function valid(): Config {
  return create(ConfigSchema, {
    version: 6,
    instance: 'host-1',
    repos: [create(RepoSchema, { id: 'repo', uri: '/srv/repo', guid: GUID, password: 'pw', env: ['A=1'] })],
    plans: [
      create(PlanSchema, {
        id: 'plan',
        repo: 'repo',
        paths: ['/data'],
        schedule: create(ScheduleSchema, { schedule: { case: 'cron', value: '0 * * * *' } }),
        retention: create(RetentionPolicySchema, { policy: { case: 'policyKeepLastN', value: 5 } }),
      }),
    ],
  });
}

/** Paths of the issues found after applying `mutate` to a valid config. */
function issuesOf(mutate: (c: Config) => void): string[] {
  const c = valid();
  mutate(c);
  return validateConfig(c).issues.map((i) => i.path);
}

describe('validateConfig', () => {
  it('accepts a valid config', () => {
    expect(validateConfig(valid())).toEqual({ issues: [], warnings: [] });
  });

  it('warns (not fails) on an empty instance id', () => {
    const c = valid();
    c.instance = '';
    expect(validateConfig(c)).toEqual({
      issues: [],
      warnings: [expect.stringContaining('instance is empty')],
    });
  });

  it.each([
    ['bad char', 'host 1'],
    ['unanchored charset', 'ok/../etc'],
    ['reserved', '_system_'],
    ['too long', 'x'.repeat(51)],
  ])('rejects an instance id: %s', (_, id) => {
    expect(issuesOf((c) => (c.instance = id))).toEqual(['instance']);
  });

  it('requires version 6', () => {
    expect(issuesOf((c) => (c.version = 5))).toEqual(['version']);
  });

  it('names every bad field at once', () => {
    const paths = issuesOf((c) => {
      c.repos[0]!.uri = '';
      c.repos[0]!.env.push('NOEQUALS');
      c.plans[0]!.repo = 'missing';
      c.plans[0]!.schedule = create(ScheduleSchema, { schedule: { case: 'cron', value: 'not a cron' } });
      c.plans[0]!.retention = create(RetentionPolicySchema);
    });
    expect(paths).toEqual([
      'repos[0].uri',
      'repos[0].env[1]',
      'plans[0].repo',
      'plans[0].schedule.cron',
      'plans[0].retention',
    ]);
    const c = valid();
    c.repos[0]!.uri = '';
    c.plans[0]!.repo = 'missing';
    expect(() => assertValidConfig(c)).toThrow(ValidationError);
    expect(() => assertValidConfig(c)).toThrow(
      /repos\[0\]\.uri: is required; plans\[0\]\.repo: repo "missing" not found/,
    );
  });

  describe('repos', () => {
    it('rejects bad and duplicate ids', () => {
      expect(issuesOf((c) => (c.repos[0]!.id = 'a b'))).toEqual(['repos[0].id', 'plans[0].repo']);
      expect(issuesOf((c) => (c.repos[0]!.id = ''))).toEqual(['repos[0].id', 'plans[0].repo']);
      expect(
        issuesOf((c) => c.repos.push(create(RepoSchema, { id: 'repo', uri: '/x', guid: GUID }))),
      ).toEqual(['repos[1].id']);
    });

    it('requires a 64-hex guid unless autoInitialize, and not both', () => {
      expect(issuesOf((c) => (c.repos[0]!.guid = ''))).toEqual(['repos[0].guid']);
      expect(issuesOf((c) => (c.repos[0]!.guid = 'abc'))).toEqual(['repos[0].guid']);
      expect(
        issuesOf((c) => {
          c.repos[0]!.guid = '';
          c.repos[0]!.autoInitialize = true;
        }),
      ).toEqual([]);
      expect(issuesOf((c) => (c.repos[0]!.autoInitialize = true))).toEqual(['repos[0].autoInitialize']);
    });

    it('rejects env entries without KEY=, unsplittable flags and a leftover redaction placeholder', () => {
      expect(issuesOf((c) => (c.repos[0]!.env = ['=x', 'OK=', 'A B=1']))).toEqual([
        'repos[0].env[0]',
        'repos[0].env[2]',
      ]);
      expect(issuesOf((c) => (c.repos[0]!.flags = ['--opt "unterminated']))).toEqual(['repos[0].flags[0]']);
      expect(issuesOf((c) => (c.repos[0]!.password = REDACTED))).toEqual(['repos[0].password']);
    });

    it('checks prune, check and forget policies', () => {
      const policies = create(RepoSchema, {
        prunePolicy: {
          schedule: { schedule: { case: 'maxFrequencyDays', value: 0 } },
          maxUnusedPercent: 150,
          maxUnusedBytes: -1n,
        },
        checkPolicy: { mode: { case: 'readDataSubsetPercent', value: 0 } },
        forgetPolicy: { schedule: { schedule: { case: 'maxFrequencyHours', value: 6 } } },
        commandPrefix: { ioNice: 9 as CommandPrefix_IONiceLevel, cpuNice: 1 },
      });
      const paths = issuesOf((c) => {
        const r = c.repos[0]!;
        r.prunePolicy = policies.prunePolicy;
        r.checkPolicy = policies.checkPolicy;
        r.forgetPolicy = policies.forgetPolicy;
        r.commandPrefix = policies.commandPrefix;
      });
      expect(paths).toEqual([
        'repos[0].prunePolicy.schedule.maxFrequencyDays',
        'repos[0].prunePolicy.maxUnusedPercent',
        'repos[0].prunePolicy.maxUnusedBytes',
        'repos[0].checkPolicy.readDataSubsetPercent',
        'repos[0].forgetPolicy.retention',
        'repos[0].commandPrefix.ioNice',
      ]);
    });

    it('a disabled forget schedule needs no retention', () => {
      expect(
        issuesOf(
          (c) =>
            (c.repos[0]!.forgetPolicy = create(RepoSchema, {
              forgetPolicy: { schedule: { schedule: { case: 'disabled', value: true } } },
            }).forgetPolicy),
        ),
      ).toEqual([]);
    });

    it('checks hooks: action required, URLs valid, telegram fields', () => {
      const paths = issuesOf((c) => {
        c.repos[0]!.hooks = [
          create(HookSchema, { conditions: [1] }),
          create(HookSchema, {
            conditions: [1],
            action: { case: 'actionDiscord', value: { webhookUrl: 'nope' } },
          }),
          create(HookSchema, { conditions: [1], action: { case: 'actionCommand', value: { command: ' ' } } }),
          create(HookSchema, {
            conditions: [1],
            action: { case: 'actionTelegram', value: { botToken: 't' } },
          }),
          create(HookSchema, {
            conditions: [1],
            action: { case: 'actionGotify', value: { baseUrl: 'ftp://x' } },
          }),
          create(HookSchema, {
            conditions: [1],
            action: { case: 'actionShoutrrr', value: { shoutrrrUrl: 'x' } },
          }),
        ];
      });
      expect(paths).toEqual([
        'repos[0].hooks[0]',
        'repos[0].hooks[1].actionDiscord.webhookUrl',
        'repos[0].hooks[2].actionCommand.command',
        'repos[0].hooks[3].actionTelegram.chatId',
        'repos[0].hooks[4].actionGotify.baseUrl',
        'repos[0].hooks[5].actionShoutrrr.shoutrrrUrl',
      ]);
    });
  });

  describe('plans', () => {
    it('rejects bad, reserved and duplicate ids', () => {
      expect(issuesOf((c) => (c.plans[0]!.id = '_unassociated_'))).toEqual(['plans[0].id']);
      expect(
        issuesOf((c) => c.plans.push(create(PlanSchema, { id: 'plan', repo: 'repo', paths: ['/x'] }))),
      ).toEqual(['plans[1].id']);
    });

    it('needs a repo that exists', () => {
      expect(issuesOf((c) => (c.plans[0]!.repo = ''))).toEqual(['plans[0].repo']);
      expect(issuesOf((c) => (c.plans[0]!.repo = 'nope'))).toEqual(['plans[0].repo']);
    });

    it('needs a path unless backup_flags are given, and no empty path', () => {
      expect(issuesOf((c) => (c.plans[0]!.paths = []))).toEqual(['plans[0].paths']);
      expect(
        issuesOf((c) => {
          c.plans[0]!.paths = [];
          c.plans[0]!.backupFlags = ['--files-from /etc/list'];
        }),
      ).toEqual([]);
      expect(issuesOf((c) => c.plans[0]!.paths.push(''))).toEqual(['plans[0].paths[1]']);
      expect(issuesOf((c) => (c.plans[0]!.excludes = ['']))).toEqual(['plans[0].excludes[0]']);
      expect(issuesOf((c) => (c.plans[0]!.backupFlags = ["'open"]))).toEqual(['plans[0].backup_flags[0]']);
    });

    it('checks schedules', () => {
      const sched = (s: Config['plans'][0]['schedule']) => issuesOf((c) => (c.plans[0]!.schedule = s));
      expect(sched(create(ScheduleSchema, { schedule: { case: 'disabled', value: false } }))).toEqual([
        'plans[0].schedule.disabled',
      ]);
      expect(sched(create(ScheduleSchema, { schedule: { case: 'maxFrequencyHours', value: 0 } }))).toEqual([
        'plans[0].schedule.maxFrequencyHours',
      ]);
      expect(sched(create(ScheduleSchema, { schedule: { case: 'maxFrequencyDays', value: -1 } }))).toEqual([
        'plans[0].schedule.maxFrequencyDays',
      ]);
      expect(sched(create(ScheduleSchema, { schedule: { case: 'cron', value: '' } }))).toEqual([
        'plans[0].schedule.cron',
      ]);
      expect(sched(create(ScheduleSchema, { clock: 9 as Schedule_Clock }))).toEqual([
        'plans[0].schedule.clock',
      ]);
      expect(
        sched(create(ScheduleSchema, { schedule: { case: 'disabled', value: true }, clock: 3 })),
      ).toEqual([]);
      expect(sched(undefined)).toEqual([]);
    });

    it('checks retention', () => {
      const ret = (r: Config['plans'][0]['retention']) => issuesOf((c) => (c.plans[0]!.retention = r));
      expect(ret(create(RetentionPolicySchema))).toEqual(['plans[0].retention']);
      expect(ret(create(RetentionPolicySchema, { policy: { case: 'policyKeepLastN', value: 0 } }))).toEqual([
        'plans[0].retention.policyKeepLastN',
      ]);
      expect(
        ret(create(RetentionPolicySchema, { policy: { case: 'policyTimeBucketed', value: {} } })),
      ).toEqual(['plans[0].retention.policyTimeBucketed']);
      expect(
        ret(
          create(RetentionPolicySchema, {
            policy: { case: 'policyTimeBucketed', value: { daily: 7, weekly: -2 } },
          }),
        ),
      ).toEqual(['plans[0].retention.policyTimeBucketed.weekly']);
      expect(ret(create(RetentionPolicySchema, { policy: { case: 'policyKeepAll', value: false } }))).toEqual(
        ['plans[0].retention.policyKeepAll'],
      );
      expect(
        ret(create(RetentionPolicySchema, { policy: { case: 'policyTimeBucketed', value: { yearly: -1 } } })),
      ).toEqual([]);
      expect(ret(undefined)).toEqual([]);
    });
  });

  describe('auth', () => {
    it('allows zero users while enabled (first-run setup) but checks every user', () => {
      expect(issuesOf((c) => (c.auth = create(ConfigSchema, { auth: {} }).auth))).toEqual([]);
      const paths = issuesOf(
        (c) =>
          (c.auth = create(ConfigSchema, {
            auth: {
              users: [
                { name: 'a', password: { case: 'passwordBcrypt', value: 'x' } },
                { name: 'a', password: { case: 'passwordBcrypt', value: 'x' } },
                { name: 'b:c', password: { case: 'passwordBcrypt', value: '' } },
              ],
            },
          }).auth),
      );
      expect(paths).toEqual([
        'auth.users[0].passwordBcrypt',
        'auth.users[1].name',
        'auth.users[1].passwordBcrypt',
        'auth.users[2].name',
        'auth.users[2].passwordBcrypt',
      ]);
    });

    it('accepts only bcrypt hashes (raw or base64) or the placeholder as passwordBcrypt', () => {
      const hash = `$2b$12$${'a'.repeat(53)}`;
      const pathsFor = (value: string) =>
        issuesOf(
          (c) =>
            (c.auth = create(ConfigSchema, {
              auth: { users: [{ name: 'a', password: { case: 'passwordBcrypt', value } }] },
            }).auth),
        );
      for (const ok of [hash, Buffer.from(hash).toString('base64'), REDACTED, `$2y$04$${'b'.repeat(53)}`])
        expect(pathsFor(ok)).toEqual([]);
      for (const bad of [
        'x',
        `$2b$03$${'a'.repeat(53)}`,
        `$2b$32$${'a'.repeat(53)}`,
        `$2x$10$${'a'.repeat(53)}`,
        hash.slice(0, -1),
      ])
        expect(pathsFor(bad)).toEqual(['auth.users[0].passwordBcrypt']);
    });

    it('ignores users when auth is disabled explicitly', () => {
      expect(
        issuesOf(
          (c) => (c.auth = create(ConfigSchema, { auth: { disabled: true, users: [{ name: '' }] } }).auth),
        ),
      ).toEqual([]);
    });
  });

  describe('multihost', () => {
    it('checks identity, unique instance/key ids and known host URLs', () => {
      const id = generateIdentity();
      const paths = issuesOf(
        (c) =>
          (c.multihost = create(ConfigSchema, {
            multihost: {
              identity: { ...id, ed25519pub: generateIdentity().ed25519pub },
              knownHosts: [{ instanceId: 'host-1', keyid: 'k1', instanceUrl: 'not a url' }],
              authorizedClients: [
                { instanceId: 'peer', keyid: 'k1' },
                { instanceId: 'peer2', keyid: '' },
              ],
            },
          }).multihost),
      );
      expect(paths).toEqual([
        'sync.identity',
        'sync.knownHosts[0].instanceId',
        'sync.knownHosts[0].instanceUrl',
        'sync.authorizedClients[0].keyId',
        'sync.authorizedClients[1].keyId',
      ]);
      expect(
        issuesOf((c) => (c.multihost = create(ConfigSchema, { multihost: { identity: id } }).multihost)),
      ).toEqual([]);
    });

    it('names a permission scope the links would reject, on known hosts and authorized clients', () => {
      const { issues } = validateConfig(
        ((c) => {
          c.multihost = create(ConfigSchema, {
            multihost: {
              identity: generateIdentity(),
              knownHosts: [
                {
                  instanceId: 'host-a',
                  keyid: 'k1',
                  instanceUrl: 'https://h.example',
                  permissions: [{ type: 1, scopes: ['*', 'plan:p'] }],
                },
              ],
              authorizedClients: [
                {
                  instanceId: 'peer',
                  keyid: 'k2',
                  permissions: [{ type: 1, scopes: ['repo:r', 'plans:x'] }],
                },
                {
                  instanceId: 'peer2',
                  keyid: 'k3',
                  permissions: [{ type: 2 }, { type: 3, scopes: ['!repo:'] }],
                },
              ],
            },
          }).multihost;
          return c;
        })(valid()),
      );
      expect(issues.map((i) => [i.path, i.message])).toEqual([
        ['sync.authorizedClients[0].permissions[0].scopes', expect.stringContaining('"plans:x"')],
        ['sync.authorizedClients[1].permissions[1].scopes', expect.stringContaining('"!repo:"')],
      ]);
    });
  });

  it('assertValidConfig normalises like Backrest: sorted repos, plans, env and paths; orphan peer repos dropped', () => {
    const c = valid();
    c.repos.unshift(create(RepoSchema, { id: 'zz', uri: '/z', guid: GUID, env: ['B=2', 'A=1'] }));
    c.repos.push(create(RepoSchema, { id: 'shared', uri: '/s', guid: GUID, originInstanceId: 'gone' }));
    c.plans.push(create(PlanSchema, { id: 'p-shared', repo: 'shared', paths: ['/x'] }));
    c.plans.unshift(create(PlanSchema, { id: 'b', repo: 'zz', paths: ['/y', '/a'] }));
    assertValidConfig(c);
    expect(c.repos.map((r) => r.id)).toEqual(['repo', 'zz']);
    expect(c.plans.map((p) => p.id)).toEqual(['b', 'plan']);
    expect(c.repos[1]!.env).toEqual(['A=1', 'B=2']);
    expect(c.plans[0]!.paths).toEqual(['/a', '/y']);
  });
});

describe('cronProblem', () => {
  it.each([
    '0 * * * *',
    '*/15 2-4 * * 1-5',
    '0 0 1 * *',
    '30 2 * * 0',
    'CRON_TZ=Europe/Paris 0 3 * * *',
    'TZ=UTC 0 3 * * *',
  ])('accepts %s', (expr) => {
    expect(cronProblem(expr)).toBeUndefined();
  });
  it.each([
    ['', /empty/],
    ['* * * *', /5 fields/],
    ['0 0 * * * *', /5 fields/],
    ['61 * * * *', /invalid cron/],
    ['0 0 * * 7', /use 0/],
    ['0 0 30 2 *', /never fires|invalid/],
    ['CRON_TZ=Mars/Olympus 0 3 * * *', /unknown time zone "Mars\/Olympus"/],
    ['CRON_TZ=UTC 0 3 * *', /5 fields/],
  ])('rejects %j', (expr, re) => {
    expect(cronProblem(expr)).toMatch(re);
  });
});

describe('size limits', () => {
  it('names an oversize string, a NUL byte and an out-of-range int64, and nothing else', () => {
    const c = valid();
    c.repos[0]!.uri = 'x'.repeat(10 * 1024 * 1024);
    c.plans[0]!.paths = ['/a\0b'];
    c.repos[0]!.prunePolicy = create(RepoSchema, { prunePolicy: { maxUnusedBytes: 2n ** 62n } }).prunePolicy;
    const { issues } = validateConfig(c);
    expect(issues.map((i) => i.path)).toEqual([
      'repos[0].uri',
      'repos[0].prunePolicy.maxUnusedBytes',
      'plans[0].paths[0]',
    ]);
    expect(JSON.stringify(issues).length).toBeLessThan(1000);
  });

  it('allows 64 KiB for templates and command text, 4 KiB for one-line fields', () => {
    const c = valid();
    c.plans[0]!.hooks = [
      create(HookSchema, {
        conditions: [1],
        action: { case: 'actionCommand', value: { command: 'x'.repeat(60_000) } },
      }),
    ];
    c.plans[0]!.paths = ['/'.repeat(4096)];
    expect(validateConfig(c).issues).toEqual([]);
    c.plans[0]!.paths = ['/'.repeat(4097)];
    expect(validateConfig(c).issues.map((i) => i.path)).toEqual(['plans[0].paths[0]']);
  });

  it('caps the number of entries of a list', () => {
    const c = valid();
    c.plans[0]!.excludes = Array.from({ length: 10_001 }, (_, i) => `x${i}`);
    expect(validateConfig(c).issues.map((i) => i.path)).toEqual(['plans[0].excludes']);
  });
});

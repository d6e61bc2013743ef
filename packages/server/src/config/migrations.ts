// Config schema migrations up to version 6, with Backrest's semantics (internal/config/migrations).
import crypto from 'node:crypto';
import { create, equals } from '@bufbuild/protobuf';
import { ConfigSchema, MultihostSchema, Schedule_Clock, type Config } from '@restora/proto';
import { ValidationError } from '../errors.js';
import { generateIdentity } from './identity.js';
import { CURRENT_CONFIG_VERSION } from './types.js';

export interface MigrationContext {
  env: NodeJS.ProcessEnv;
}

type Migration = ((c: Config, ctx: MigrationContext) => void) | 'too-old';

const PASSWORD_ENV_VARS = ['RESTIC_PASSWORD', 'RESTIC_PASSWORD_FILE', 'RESTIC_PASSWORD_COMMAND'] as const;

// Index i upgrades version i to i + 1.
const MIGRATIONS: readonly Migration[] = [
  'too-old', // 0 → 1: prune policy (pre-1.4.0)
  'too-old', // 1 → 2: schedules (pre-1.4.0)
  // 2 → 3: prune and check schedules become relative to the last run.
  (c) => {
    for (const repo of c.repos) {
      if (!repo.prunePolicy) continue;
      if (repo.prunePolicy.schedule) repo.prunePolicy.schedule.clock = Schedule_Clock.LAST_RUN_TIME;
      if (repo.checkPolicy?.schedule) repo.checkPolicy.schedule.clock = Schedule_Clock.LAST_RUN_TIME;
    }
  },
  // 3 → 4: every repo gets a guid (sha256 of its id until restic's real id is known).
  (c) => {
    for (const repo of c.repos) {
      if (!repo.guid) repo.guid = crypto.createHash('sha256').update(repo.id).digest('hex');
    }
  },
  // 4 → 5: RESTIC_PASSWORD* in our environment used to override configured passwords (Backrest #1139).
  (c, { env }) => {
    const affected = c.repos.filter((r) => r.password !== '');
    const set = PASSWORD_ENV_VARS.filter((v) => env[v]);
    if (affected.length === 0 || set.length === 0) return;
    if (!env.ISSUE_1139_FIX_PASSWORDS) {
      throw new ValidationError(
        `environment variables ${set.join(', ')} conflict with the passwords configured for repos ` +
          `${affected.map((r) => r.id).join(', ')} (see Backrest issue 1139); restart with ISSUE_1139_FIX_PASSWORDS=1 ` +
          `to move the environment's password source into each repo's config`,
        'config migration 5 refused',
      );
    }
    for (const repo of affected) {
      for (const v of set) {
        if (v === 'RESTIC_PASSWORD') repo.password = env[v]!;
        else {
          repo.password = '';
          repo.env.push(`${v}=${env[v]}`);
        }
      }
    }
  },
  // 5 → 6: legacy (ECDSA) identities are dropped; a fresh ed25519 identity is generated below.
  (c) => {
    const id = c.multihost?.identity;
    if (id && !(id.keyid.startsWith('ed25519.') && id.ed25519priv && id.ed25519pub))
      c.multihost!.identity = undefined;
  },
];

if (MIGRATIONS.length !== CURRENT_CONFIG_VERSION)
  throw new Error('config migrations out of sync with version');

/**
 * Migrates in place; returns true if anything changed (then the caller writes the file back).
 * Version 0 is only valid for an empty config; 1 is older than Backrest 1.4.0 and refused; newer than 6 refused.
 */
export function migrateConfig(c: Config, ctx: MigrationContext): boolean {
  let changed = false;
  if (c.version === 0) {
    if (!equals(ConfigSchema, c, create(ConfigSchema))) {
      throw new ValidationError(
        'config has no "version" (or version 0), which Backrest never writes; add "version": 6 if it was written by hand',
        'config migration refused',
      );
    }
    c.version = CURRENT_CONFIG_VERSION;
    changed = true;
  }
  if (c.version > CURRENT_CONFIG_VERSION) {
    throw new ValidationError(
      `config version ${c.version} is newer than this Restora supports (${CURRENT_CONFIG_VERSION}); upgrade Restora`,
      'config migration refused',
    );
  }
  for (let v = Math.max(c.version, 0); v < CURRENT_CONFIG_VERSION; v++) {
    const m = MIGRATIONS[v]!;
    if (m === 'too-old') {
      throw new ValidationError(
        `config version ${c.version} is too old to migrate; upgrade it with Backrest 1.4.0 first`,
        'config migration refused',
      );
    }
    m(c, ctx);
    changed = true;
  }
  c.version = CURRENT_CONFIG_VERSION;
  return populateRequired(c) || changed;
}

/** Fields every loaded config must have (Backrest's PopulateRequiredFields): the multihost identity. */
export function populateRequired(c: Config): boolean {
  if (c.multihost?.identity) return false;
  c.multihost ??= create(MultihostSchema);
  c.multihost.identity = generateIdentity();
  return true;
}

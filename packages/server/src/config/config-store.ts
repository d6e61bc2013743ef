// ConfigStore over config.json: load + migrate + validate once, then serialised, validated, atomic updates.
import fs from 'node:fs';
import { clone } from '@bufbuild/protobuf';
import { ConfigSchema, type Config } from '@restora/proto';
import { ConflictError, ValidationError } from '../errors.js';
import { writeFileAtomicSync, type AtomicWriteOptions } from './atomic-write.js';
import { backupAndRotate, rewriteBackups, type BackupTransform } from './backups.js';
import { parseConfigJson, serializeConfig } from './codec.js';
import { defaultConfig } from './defaults.js';
import { migrateConfig } from './migrations.js';
import { assertValidConfig } from './validate.js';
import type { ConfigListener, ConfigMutator, ConfigStore, ConfigUpdateOptions } from './types.js';
import type { SecretBox } from '../secrets/box.js';
import { hasPlaintextSecrets, openConfig, sealConfig, type SealMemo } from '../secrets/config-secrets.js';

export interface OpenConfigStoreOptions {
  /** config.json path (see resolvePaths). */
  file: string;
  /** Environment for migrations (RESTIC_PASSWORD* check). Default process.env. */
  env?: NodeJS.ProcessEnv;
  /** Rotated backups kept. Default 10. */
  keepBackups?: number;
  now?: () => Date;
  /** Test hook for crash simulation. */
  writeOptions?: AtomicWriteOptions;
  /**
   * Seals secrets on write and opens them on load. Without it, secrets are written as given and a sealed value
   * in the file is a load error.
   */
  secrets?: SecretBox;
}

export const MODNO_MISMATCH = 'config modno mismatch, reload and try again';

interface Persistence {
  readonly path: string;
  write(next: Config): void;
}

export class ConfigStoreImpl implements ConfigStore {
  private current: Config;
  private readonly listeners = new Set<ConfigListener>();
  private queue: Promise<unknown> = Promise.resolve();
  private lastWarnings: readonly string[];

  constructor(
    initial: Config,
    private readonly persistence: Persistence,
    warnings: readonly string[] = [],
  ) {
    this.current = initial;
    this.lastWarnings = warnings;
  }

  get path(): string {
    return this.persistence.path;
  }

  get(): Config {
    return clone(ConfigSchema, this.current);
  }

  warnings(): readonly string[] {
    return this.lastWarnings;
  }

  update(mutator: ConfigMutator, options: ConfigUpdateOptions = {}): Promise<Config> {
    const run = this.queue.then(() => this.apply(mutator, options));
    this.queue = run.catch(() => undefined);
    return run;
  }

  replace(next: Config): Promise<Config> {
    return this.update(() => clone(ConfigSchema, next), { expectModno: next.modno });
  }

  subscribe(listener: ConfigListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private async apply(mutator: ConfigMutator, options: ConfigUpdateOptions): Promise<Config> {
    const prev = this.current;
    if (options.expectModno !== undefined && options.expectModno !== prev.modno)
      throw new ConflictError(MODNO_MISMATCH);
    const draft = clone(ConfigSchema, prev);
    const next = (await mutator(draft)) ?? draft;
    next.modno = options.bumpModno === false ? prev.modno : prev.modno + 1;
    const warnings = assertValidConfig(next);
    this.persistence.write(next);
    this.current = next;
    this.lastWarnings = warnings;
    for (const l of this.listeners) {
      try {
        l(clone(ConfigSchema, next), clone(ConfigSchema, prev));
      } catch {
        // A listener failing must not fail the write that already happened.
      }
    }
    return clone(ConfigSchema, next);
  }
}

/**
 * Loads config.json (or the default config when it does not exist), migrates it to version 6 and validates it,
 * writing it back if a migration changed it. Throws ValidationError naming every bad field.
 */
export function openConfigStore(options: OpenConfigStoreOptions): ConfigStoreImpl {
  const { file } = options;
  const now = options.now ?? (() => new Date());
  const keep = options.keepBackups ?? 10;
  const box = options.secrets;
  const sealBackup: BackupTransform | undefined = box && ((content) => sealedBackup(content, box));
  let backupsSealed = false;
  const memo: SealMemo = new Map();
  const persistence: Persistence = {
    path: file,
    write: (next) => {
      // Backups written before sealing was on hold plaintext: seal them once, on the first write.
      if (sealBackup && !backupsSealed) rewriteBackups(file, sealBackup);
      backupsSealed = true;
      backupAndRotate(file, now(), keep, sealBackup);
      const stored = box ? sealConfig(next, box, { memo }) : next;
      writeFileAtomicSync(file, serializeConfig(stored), { mode: 0o600, ...options.writeOptions });
    },
  };
  let text: string | undefined;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
  }
  if (text === undefined) {
    const config = defaultConfig();
    return new ConfigStoreImpl(config, persistence, assertValidConfig(config));
  }
  const config = parseConfigJson(text, file);
  const unopened = openConfig(config, box, memo);
  if (unopened.length)
    throw new ValidationError(unopened, `config file ${file} holds secrets that cannot be opened`);
  const changed = migrateConfig(config, { env: options.env ?? process.env });
  let warnings: string[];
  try {
    warnings = assertValidConfig(config);
  } catch (e) {
    if (e instanceof ValidationError) throw new ValidationError(e.issues, `config file ${file} is invalid`);
    throw e;
  }
  if (changed) persistence.write(config);
  return new ConfigStoreImpl(config, persistence, warnings);
}

/** A backup's content with its plaintext secrets sealed (already sealed ones kept); undefined when nothing changes. */
function sealedBackup(content: Buffer, box: SecretBox): string | undefined {
  let config: Config;
  try {
    config = parseConfigJson(content.toString('utf8'));
  } catch {
    return undefined; // not a config we can read: leave it for the operator
  }
  return hasPlaintextSecrets(config)
    ? serializeConfig(sealConfig(config, box, { keepSealed: true }))
    : undefined;
}

/** A ConfigStore without a file (tests, ephemeral runs); same validation and modno rules. */
export function createMemoryConfigStore(initial: Config = defaultConfig()): ConfigStoreImpl {
  const config = clone(ConfigSchema, initial);
  const warnings = assertValidConfig(config);
  return new ConfigStoreImpl(config, { path: ':memory:', write: () => {} }, warnings);
}

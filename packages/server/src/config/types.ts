// Public interfaces of the config layer. Stable: the scheduler, tasks and APIs depend on them.
import type { Config } from '@restora/proto';

/** Current config schema version (Backrest 1.14 writes 6). */
export const CURRENT_CONFIG_VERSION = 6;

/** Placeholder that replaces secrets in configs sent to clients; coming back, it means "keep the stored value". */
export const REDACTED = '********';

export interface ConfigUpdateOptions {
  /** Require the stored modno to equal this (ConflictError "config modno mismatch, reload and try again"). */
  expectModno?: number;
  /** Increment modno on success (SetConfig semantics). Default true. */
  bumpModno?: boolean;
}

/** Edits a draft copy in place, or returns a replacement. May be async (e.g. restic init). */
export type ConfigMutator = (draft: Config) => Config | void | Promise<Config | void>;

export type ConfigListener = (next: Config, prev: Config) => void;

export interface ConfigStore {
  /** Absolute path of config.json. */
  readonly path: string;
  /** A copy of the current config (safe to mutate). */
  get(): Config;
  /**
   * Serialised read-modify-write: runs the mutator on a copy, validates (ValidationError naming every bad
   * field), writes atomically with a rotated backup, then notifies listeners. Returns the stored config.
   */
  update(mutator: ConfigMutator, options?: ConfigUpdateOptions): Promise<Config>;
  /** SetConfig semantics: `next.modno` must equal the stored modno; modno is bumped. */
  replace(next: Config): Promise<Config>;
  subscribe(listener: ConfigListener): () => void;
  /** Non-fatal findings of the last load/update (e.g. empty instance id). */
  warnings(): readonly string[];
}

export interface ResolvedPaths {
  configFile: string;
  dataDir: string;
}

export interface ResolvePathsOptions {
  /** `--config-file` */
  configFile?: string;
  /** `--data-dir` */
  dataDir?: string;
  env?: NodeJS.ProcessEnv;
  homeDir?: string;
}

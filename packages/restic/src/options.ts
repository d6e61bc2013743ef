/** How the library finds and talks to one restic repository. */
export interface ResticOptions {
  /**
   * Any repository string restic accepts, passed through unchanged (via RESTIC_REPOSITORY, so credentials
   * in URLs stay off the command line): `/srv/repo`, `local:/srv/repo`, `rest:http://host:8000/`,
   * `sftp:user@host:/path`, `s3:s3.amazonaws.com/bucket`, `rclone:remote:path`, ...
   */
  repository?: string;
  /** Repository password (passed as RESTIC_PASSWORD, never on argv). */
  password?: string;
  /** File holding the password (RESTIC_PASSWORD_FILE). */
  passwordFile?: string;
  /** Shell command printing the password (RESTIC_PASSWORD_COMMAND). */
  passwordCommand?: string;
  /** restic binary: a path or a command name. Default: `RESTIC` env, else `restic` on PATH. */
  binaryPath?: string;
  /** Extra environment for restic (AWS_*, B2_*, RCLONE_*, RESTIC_PACK_SIZE, ...). Inherited RESTIC_* are dropped. */
  env?: Record<string, string | undefined>;
  /** RESTIC_CACHE_DIR. */
  cacheDir?: string;
  /** `--no-cache`. */
  noCache?: boolean;
  /** Extended options, each passed as `-o key=value` (e.g. `{ 'rest.connections': '8' }`). */
  options?: Record<string, string | number | boolean>;
  /** `--limit-upload` in KiB/s. */
  limitUpload?: number;
  /** `--limit-download` in KiB/s. */
  limitDownload?: number;
  /** `--compression auto|off|max`. */
  compression?: 'auto' | 'off' | 'max';
  /** `--pack-size` in MiB. */
  packSize?: number;
  /** `--key-hint`. */
  keyHint?: string;
  /** `--cacert` path. */
  cacert?: string;
  /** `--insecure-tls`. */
  insecureTls?: boolean;
  /** `--retry-lock` duration such as `5m` (restic >= 0.16; older versions get an `unsupported` error). */
  retryLock?: string;
  /** Global arguments appended before every subcommand's own arguments. */
  extraArgs?: string[];
  /** Working directory for restic (relative backup paths resolve against it). */
  cwd?: string;
  /** Grace period between SIGINT and SIGKILL when a call is cancelled. Default 10 000 ms. */
  cancelGraceMs?: number;
  /** Status lines per second restic prints for progress (RESTIC_PROGRESS_FPS). Default 2. */
  progressFps?: number;
}

/** Accepted by every call. */
export interface CallOptions {
  /** Cancels the call: SIGINT, then SIGKILL after the grace period. Rejects with code `interrupted`. */
  signal?: AbortSignal;
  /** Extra environment for this call only. */
  env?: Record<string, string | undefined>;
}

/**
 * Snapshot tag filter: each element is one `--tag` flag; snapshots matching ANY element are selected.
 * An element that is an array matches snapshots having ALL of its tags (`--tag a,b`).
 */
export type TagFilter = (string | string[])[];

/** Filters shared by commands that select snapshots. */
export interface SnapshotFilter {
  /** `--host` (repeatable). */
  host?: string | string[];
  /** `--path` (repeatable; absolute paths). */
  paths?: string[];
  tags?: TagFilter;
}

export type GroupByField = 'host' | 'paths' | 'tags';
/** `--group-by`: fields to group by. An empty array puts everything in one group (`--group-by ''`). */
export type GroupBy = GroupByField[];

import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Store } from './storage/types.js';

/** Options of startRestServer; names mirror rest-server's flags (camelCase). */
export interface RestServerOptions {
  /** Data directory (--path); default `$TMPDIR/restic`. Ignored for storage when `store` is given. */
  path?: string;
  /** --listen: `host:port`, `:port` or `unix:/path`; default `127.0.0.1:0` here, `:8000` in the CLI. */
  listen?: string;
  /** Storage backend; default a filesystem store over `path`. */
  store?: Store;
  /**
   * --s3: keep repositories in an S3-compatible bucket, `https://host[:port]/bucket[/prefix]` (path style), with
   * AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY (and AWS_SESSION_TOKEN, AWS_REGION) from the environment.
   */
  s3?: string;
  /** --log: access log file in combined format, `-` for stdout. */
  log?: string;
  debug?: boolean;
  noAuth?: boolean;
  /** Default `<path>/.htpasswd`. */
  htpasswdFile?: string;
  proxyAuthUsername?: string;
  appendOnly?: boolean;
  privateRepos?: boolean;
  /** --max-size in bytes; 0 = no quota. */
  maxSize?: number;
  noVerifyUpload?: boolean;
  prometheus?: boolean;
  prometheusNoAuth?: boolean;
  groupAccessibleRepos?: boolean;
  tls?: boolean;
  tlsCert?: string;
  tlsKey?: string;
  /** '1.2' (default) or '1.3'. */
  tlsMinVer?: string;
  /** How often the htpasswd file is checked for changes (default 30 s). */
  htpasswdCheckIntervalMs?: number;
  /** Where startup and diagnostic lines go; default stderr. */
  logger?: (line: string) => void;
  /** Listen on this already-open file descriptor (systemd socket activation). */
  fd?: number;
}

export class ConfigError extends Error {
  override name = 'ConfigError';
}

export function defaultDataPath(): string {
  return join(tmpdir(), 'restic');
}

export const DEFAULT_LISTEN = ':8000';

/** restic binary version information, as `restic version` reports it. */
export interface ResticVersionInfo {
  /** e.g. `0.14.0` */
  resticVersion: string;
  /** e.g. `1.19.8` (without the `go` prefix) */
  goVersion: string;
  /** e.g. `linux` */
  platform: string;
  /** e.g. `amd64` */
  architecture: string;
}

/** Parses `restic version` output: the 0.14 text form or the 0.17+ JSON form. */
export function parseVersionOutput(stdout: string): ResticVersionInfo {
  for (const line of stdout.split('\n')) {
    const t = line.trim();
    if (t.startsWith('{')) {
      try {
        const j = JSON.parse(t) as Record<string, unknown>;
        if (typeof j.version === 'string') {
          return {
            resticVersion: j.version,
            goVersion: String(j.go_version ?? '').replace(/^go/, ''),
            platform: String(j.go_os ?? ''),
            architecture: String(j.go_arch ?? ''),
          };
        }
      } catch {
        // fall through to text parsing
      }
    }
    const m = /restic (\S+)(?: \([^)]*\))? compiled with go(\S+) on ([^/\s]+)\/(\S+)/.exec(t);
    if (m)
      return {
        resticVersion: m[1] ?? '',
        goVersion: m[2] ?? '',
        platform: m[3] ?? '',
        architecture: m[4] ?? '',
      };
  }
  throw new Error(`cannot parse restic version output: ${stdout.slice(0, 200)}`);
}

/** [major, minor, patch] of a version string like `0.14.0`, `v0.16.4-dev`. Unknown parts are 0. */
export function versionTuple(v: string): [number, number, number] {
  const m = /(\d+)\.(\d+)(?:\.(\d+))?/.exec(v);
  if (!m) return [0, 0, 0];
  return [Number(m[1]), Number(m[2]), Number(m[3] ?? 0)];
}

/** Negative when a < b, 0 when equal, positive when a > b. */
export function compareVersions(a: string, b: string): number {
  const x = versionTuple(a);
  const y = versionTuple(b);
  for (let i = 0; i < 3; i++) {
    const d = (x[i] ?? 0) - (y[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

/** True when `version` is at least `min`. */
export function atLeast(version: string, min: string): boolean {
  return compareVersions(version, min) >= 0;
}

/** Version gates for flags and output formats that changed between 0.14 and 0.19. */
export const FEATURES = {
  fullBackupSnapshotId: '0.15.0',
  /** `-o sftp.args=...`: 0.14 and 0.15 stop with "option sftp.args is not known". */
  sftpArgs: '0.16.0',
  initJson: '0.15.0',
  noScan: '0.15.0',
  rewrite: '0.15.0',
  restoreJson: '0.16.0',
  retryLock: '0.16.0',
  backupGroupBy: '0.16.0',
  skipIfUnchanged: '0.17.0',
  versionJson: '0.17.0',
  checkJson: '0.18.0',
  tagJson: '0.18.0',
} as const;

export type Feature = keyof typeof FEATURES;

export function supports(version: string, feature: Feature): boolean {
  return atLeast(version, FEATURES[feature]);
}

/** Command-line flags a config may carry (repo flags, plan backup flags) and the restic release that added each. */
export const FLAG_MIN_VERSIONS: Readonly<Record<string, string>> = {
  '--no-scan': '0.15.0',
  '--read-concurrency': '0.15.0',
  '--retry-lock': '0.16.0',
  '--group-by': '0.16.0',
  '--skip-if-unchanged': '0.17.0',
};

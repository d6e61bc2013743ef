// How each Zerobyte volume kind reaches a local directory: directories as they are; WebDAV, SFTP and rclone
// remotes through `rclone mount`; NFS and SMB through the system's mount.nfs / mount.cifs. Secrets go through
// the environment or stdin, never argv.
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { FailedPreconditionError, ValidationError } from '../../errors.js';

export type VolumeConfig =
  | { backend: 'directory'; path: string; readOnly?: boolean }
  | {
      backend: 'webdav';
      server: string;
      path: string;
      username?: string;
      password?: string;
      port: number;
      readOnly?: boolean;
      ssl?: boolean;
    }
  | {
      backend: 'sftp';
      host: string;
      port: number;
      username: string;
      password?: string;
      privateKey?: string;
      path: string;
      readOnly?: boolean;
      skipHostKeyCheck: boolean;
      knownHosts?: string;
      allowLegacySshRsa: boolean;
      allowUnsafeSymlinkTargets: boolean;
    }
  | { backend: 'rclone'; remote: string; path: string; readOnly?: boolean }
  | { backend: 'nfs'; server: string; exportPath: string; port: number; version: string; readOnly?: boolean }
  | {
      backend: 'smb';
      server: string;
      share: string;
      username?: string;
      password?: string;
      guest?: boolean;
      mapToContainerUidGid: boolean;
      vers: string;
      domain?: string;
      port: number;
      readOnly?: boolean;
    };

export const VOLUME_BACKENDS = ['directory', 'webdav', 'sftp', 'rclone', 'nfs', 'smb'] as const;

export interface MountTools {
  /** rclone binary (default `rclone`) and the config file holding the user's remotes (rclone volumes). */
  rclone?: string;
  rcloneConfig?: string;
  /** Extra directories searched for mount helpers (mount.nfs, mount.cifs); tests point it elsewhere. */
  sbin?: string[];
  /** The kernel's file system list and module tree (default /proc/filesystems, /lib/modules/<release>). */
  kernel?: { filesystems?: string; modules?: string };
}

/** The kernel file systems a share kind mounts with, and the module that brings them. */
const KERNEL_FS = {
  nfs: { types: ['nfs', 'nfs4'], module: 'nfs' },
  smb: { types: ['cifs', 'smb3'], module: 'cifs' },
};

/**
 * Whether the kernel can mount a share kind: the file system is registered, or a module for it exists to be loaded
 * on demand (a container sees its host's kernel: without either, only the host can add it).
 */
export function kernelSupports(kind: 'nfs' | 'smb', kernel: MountTools['kernel'] = {}): boolean {
  const { types, module } = KERNEL_FS[kind];
  let registered: string[] = [];
  try {
    registered = fs
      .readFileSync(kernel.filesystems ?? '/proc/filesystems', 'utf8')
      .split('\n')
      .map((l) => l.trim().split(/\s+/).pop() ?? '');
  } catch {
    // no /proc: nothing known to be registered
  }
  if (types.some((t) => registered.includes(t))) return true;
  try {
    const dep = fs.readFileSync(
      path.join(kernel.modules ?? `/lib/modules/${os.release()}`, 'modules.dep'),
      'utf8',
    );
    return new RegExp(`/${module}\\.ko(\\.[a-z]+)?:`).test(dep);
  } catch {
    return false;
  }
}

// a host name or an IP address (IPv6 bracketed or bare): nothing a tool could read as a URL, path or option
const HOST = /^(?:[A-Za-z0-9_](?:[A-Za-z0-9_.-]{0,252})|\[[0-9A-Fa-f:.]{2,45}\]|[0-9A-Fa-f:.]{2,45})$/;
// the name of one of the user's rclone remotes; never an on-the-fly `:backend,option=…` remote naming a host
const REMOTE_NAME = /^[A-Za-z0-9_.+@-](?:[A-Za-z0-9_.+@ -]{0,126}[A-Za-z0-9_.+@-])?$/;
const CONTROL = /[\u0000-\u001f\u007f]/;

/** Fields a volume config may carry that this server cannot honour: a 400 at create, never ignored. */
export function unsupportedFields(c: VolumeConfig): { path: string; message: string }[] {
  const out: { path: string; message: string }[] = [];
  const host = c.backend === 'sftp' ? c.host : 'server' in c ? c.server : undefined;
  if (host !== undefined && !HOST.test(host))
    out.push({
      path: c.backend === 'sftp' ? 'config.host' : 'config.server',
      message: 'must be a host name or an IP address',
    });
  if (c.backend === 'rclone' && !REMOTE_NAME.test(c.remote))
    out.push({ path: 'config.remote', message: 'must be the name of a configured rclone remote' });
  for (const key of ['path', 'exportPath', 'share', 'username', 'domain'] as const) {
    const v = (c as Record<string, unknown>)[key];
    if (typeof v === 'string' && (CONTROL.test(v) || v.length > 4096))
      out.push({ path: `config.${key}`, message: 'must hold no control characters (and at most 4096)' });
  }
  if (c.backend === 'directory' && c.readOnly)
    out.push({ path: 'config.readOnly', message: 'directory volumes cannot be read-only (as in Zerobyte)' });
  if (c.backend === 'directory' && !path.isAbsolute(c.path))
    out.push({ path: 'config.path', message: 'must be an absolute path' });
  if (c.backend === 'sftp') {
    if (c.allowLegacySshRsa)
      out.push({
        path: 'config.allowLegacySshRsa',
        message: 'not supported: rclone sftp offers no ssh-rsa switch',
      });
    if (c.allowUnsafeSymlinkTargets)
      out.push({
        path: 'config.allowUnsafeSymlinkTargets',
        message: 'not supported: symlinks are not followed',
      });
    if (!c.skipHostKeyCheck && !c.knownHosts)
      out.push({ path: 'config.knownHosts', message: 'required unless skipHostKeyCheck is true' });
    if (!c.password && !c.privateKey)
      out.push({ path: 'config.password', message: 'a password or a privateKey is required' });
  }
  if (c.backend === 'smb' && c.mapToContainerUidGid && process.getuid?.() !== 0)
    out.push({ path: 'config.mapToContainerUidGid', message: 'needs the server to run as root' });
  return out;
}

export function assertHonourable(c: VolumeConfig): void {
  const issues = unsupportedFields(c);
  if (issues.length) throw new ValidationError(issues);
}

interface Run {
  args: string[];
  env?: NodeJS.ProcessEnv;
  input?: string;
  timeoutMs?: number;
  /** Aborting kills the tool (a bounded caller gave up waiting). */
  signal?: AbortSignal;
}

/** Runs a tool; an error names the tool and quotes the end of its stderr (which never holds our secrets). */
function run(cmd: string, { args, env, input, timeoutMs = 30_000, signal }: Run): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = execFile(
      cmd,
      args,
      {
        env: { ...process.env, ...env },
        timeout: timeoutMs,
        maxBuffer: 1024 * 1024,
        ...(signal ? { signal } : {}),
      },
      (err, stdout, stderr) => {
        if (!err) return resolve(stdout);
        if (err.name === 'AbortError')
          return reject(new Error(`${path.basename(cmd)} stopped: gave up waiting`));
        if (err.killed && (err as { signal?: string }).signal === 'SIGTERM')
          return reject(new Error(`${path.basename(cmd)} did not finish within ${timeoutMs / 1000} s`));
        if ((err as NodeJS.ErrnoException).code === 'ENOENT')
          return reject(new FailedPreconditionError(`${path.basename(cmd)} is not installed on this server`));
        const tail = String(stderr).trim().split('\n').slice(-3).join('; ');
        reject(new Error(`${path.basename(cmd)} failed: ${tail || err.message}`));
      },
    );
    // a tool that exits without reading its stdin must not crash us with EPIPE
    child.stdin?.on('error', () => undefined);
    child.stdin?.end(input ?? '');
  });
}

/** Mount points of this process's namespace (fields 5 and 9 of /proc/self/mountinfo, octal escapes decoded). */
export function mountPoints(): Map<string, string> {
  const out = new Map<string, string>();
  let text = '';
  try {
    text = fs.readFileSync('/proc/self/mountinfo', 'utf8');
  } catch {
    return out;
  }
  const unescape = (s: string) =>
    s.replace(/\\([0-7]{3})/g, (_, o: string) => String.fromCharCode(parseInt(o, 8)));
  for (const line of text.split('\n')) {
    const [left, right] = line.split(' - ');
    const mp = left?.split(' ')[4];
    if (mp && right) out.set(unescape(mp), right.split(' ')[0] ?? '');
  }
  return out;
}

export const isMounted = (mountPoint: string) => mountPoints().has(path.resolve(mountPoint));

function which(name: string, extra: string[] = []): string | undefined {
  const dirs = [...extra, ...(process.env.PATH ?? '').split(':'), '/sbin', '/usr/sbin'];
  return dirs.map((d) => path.join(d, name)).find((p) => fs.existsSync(p));
}

function needFuse(): void {
  if (!fs.existsSync('/dev/fuse'))
    throw new FailedPreconditionError('rclone mount needs /dev/fuse, which this server does not have');
  if (!which('fusermount3') && !which('fusermount'))
    throw new FailedPreconditionError('rclone mount needs fusermount (Debian package fuse3) on this server');
}

/** rclone's reversible "obscure" form its config expects for passwords (read from stdin: never argv). */
const obscure = (tools: MountTools, secret: string, signal?: AbortSignal) =>
  run(tools.rclone ?? 'rclone', { args: ['obscure', '-'], input: secret, timeoutMs: 10_000, signal }).then(
    (s) => s.trim(),
  );

const REMOTE = 'restoravol';
const envKey = (k: string) => `RCLONE_CONFIG_${REMOTE.toUpperCase()}_${k.toUpperCase()}`;

/** The `rclone mount` source and the environment defining its remote. */
async function rcloneSource(
  c: VolumeConfig,
  tools: MountTools,
  signal?: AbortSignal,
): Promise<{ source: string; env: NodeJS.ProcessEnv }> {
  const env: NodeJS.ProcessEnv = {};
  const set = (k: string, v: string | undefined) => {
    if (v !== undefined && v !== '') env[envKey(k)] = v;
  };
  if (c.backend === 'rclone') return { source: `${c.remote}:${c.path}`, env };
  if (c.backend === 'webdav') {
    const base = `${c.ssl ? 'https' : 'http'}://${c.server}:${c.port}`;
    set('type', 'webdav');
    set('vendor', 'other');
    set('url', base);
    set('user', c.username);
    if (c.password) set('pass', await obscure(tools, c.password, signal));
    return { source: `${REMOTE}:${c.path.replace(/^\/+/, '')}`, env };
  }
  if (c.backend === 'sftp') {
    set('type', 'sftp');
    set('host', c.host);
    set('port', String(c.port));
    set('user', c.username);
    if (c.password) set('pass', await obscure(tools, c.password, signal));
    if (c.privateKey) set('key_pem', c.privateKey.trim().replace(/\r?\n/g, '\\n'));
    return { source: `${REMOTE}:${c.path}`, env };
  }
  throw new Error(`not an rclone volume: ${c.backend}`);
}

export interface MountLimits {
  /**
   * How long the mount may take (default 30 s): rclone stops connecting and waiting for its daemon after it
   * (and is killed 15 s later); mount.nfs / mount.cifs are killed after it.
   */
  timeoutMs?: number;
  /** Aborting kills the mount tool. */
  signal?: AbortSignal;
  /** rclone's --timeout (a server silent this long is an error); a throwaway mount sets it so its daemon ends. */
  idleTimeoutMs?: number;
}

/** Mounts a volume's share at `mountPoint` (an empty directory); resolves once it is mounted. */
export async function mountShare(
  c: VolumeConfig,
  mountPoint: string,
  tools: MountTools,
  knownHostsFile?: string,
  { timeoutMs = 30_000, signal, idleTimeoutMs }: MountLimits = {},
) {
  if (c.backend === 'directory') return;
  fs.mkdirSync(mountPoint, { recursive: true });
  if (isMounted(mountPoint)) return;
  if (c.backend === 'nfs' || c.backend === 'smb') return mountKernel(c, mountPoint, tools, timeoutMs, signal);
  needFuse();
  const { source, env } = await rcloneSource(c, tools, signal);
  if (c.backend === 'sftp' && knownHostsFile) env[envKey('known_hosts_file')] = knownHostsFile;
  // the daemon gives up connecting, and rclone waiting for the daemon's mount, after the limit
  const wait = `${Math.max(1, Math.ceil(timeoutMs / 1000))}s`;
  // mount2 (go-fuse): the classic mount answers listxattr with EIO, which makes restic skip every file
  const args = ['mount2', source, mountPoint, '--daemon', '--daemon-wait', wait, '--contimeout', wait];
  args.push('--dir-cache-time', '10s');
  if (idleTimeoutMs) args.push('--timeout', `${Math.max(1, Math.ceil(idleTimeoutMs / 1000))}s`);
  if (c.readOnly) args.push('--read-only');
  // our remotes live in the environment; an rclone volume names one of the user's (their config, or rclone's default)
  if (c.backend !== 'rclone') args.push('--config', '/dev/null');
  else if (tools.rcloneConfig) args.push('--config', tools.rcloneConfig);
  await run(tools.rclone ?? 'rclone', { args, env, timeoutMs: timeoutMs + 15_000, signal });
  if (!isMounted(mountPoint)) throw new Error('rclone mount returned but nothing is mounted');
}

async function mountKernel(
  c: VolumeConfig & { backend: 'nfs' | 'smb' },
  mountPoint: string,
  tools: MountTools,
  timeoutMs: number,
  signal?: AbortSignal,
) {
  const helper = c.backend === 'nfs' ? 'mount.nfs' : 'mount.cifs';
  const pkg = c.backend === 'nfs' ? 'nfs-common' : 'cifs-utils';
  // every missing piece named at once: installing the tool alone would not be enough
  const missing: string[] = [];
  if (!which(helper, tools.sbin)) missing.push(`${helper} (Debian package ${pkg})`);
  if (!kernelSupports(c.backend, tools.kernel)) {
    const { types, module } = KERNEL_FS[c.backend];
    missing.push(
      `the kernel's ${types[0]} file system (not in /proc/filesystems, no ${module} module to load: in a container the host must load it, modprobe ${module})`,
    );
  }
  if (process.getuid?.() !== 0) missing.push('root (CAP_SYS_ADMIN): this server runs unprivileged');
  if (missing.length)
    throw new FailedPreconditionError(
      `${c.backend.toUpperCase()} volumes need ${missing.join('; and ')} on this server`,
    );
  const opts: string[] = c.readOnly ? ['ro'] : [];
  let source: string;
  const env: NodeJS.ProcessEnv = {};
  if (c.backend === 'nfs') {
    source = `${c.server}:${c.exportPath}`;
    opts.push(`vers=${c.version}`, `port=${c.port}`);
  } else {
    source = `//${c.server}/${c.share}`;
    opts.push(`port=${c.port}`);
    if (c.vers !== 'auto') opts.push(`vers=${c.vers}`);
    if (c.guest) opts.push('guest');
    if (c.username) opts.push(`username=${c.username}`);
    if (c.domain) opts.push(`domain=${c.domain}`);
    if (c.mapToContainerUidGid) opts.push(`uid=${process.getuid?.() ?? 0}`, `gid=${process.getgid?.() ?? 0}`);
    if (c.password) env.PASSWD = c.password; // mount.cifs reads it from the environment
  }
  await run('mount', {
    args: ['-t', c.backend === 'nfs' ? 'nfs' : 'cifs', '-o', opts.join(','), source, mountPoint],
    env,
    timeoutMs,
    signal,
  });
}

/** Unmounts (a no-op when nothing is mounted there). */
export async function unmountShare(mountPoint: string, timeoutMs = 30_000): Promise<void> {
  if (!isMounted(mountPoint)) return;
  const fuse = (mountPoints().get(path.resolve(mountPoint)) ?? '').startsWith('fuse');
  const tool = fuse ? (which('fusermount3') ?? which('fusermount')) : undefined;
  if (tool && process.getuid?.() !== 0) await run(tool, { args: ['-u', mountPoint], timeoutMs });
  else await run('umount', { args: [mountPoint], timeoutMs });
}

/** A mounted volume answers: its root lists within the time limit. */
export async function probe(dir: string, timeoutMs = 10_000): Promise<void> {
  const timer = new Promise<never>((_, reject) =>
    setTimeout(
      () => reject(new Error(`no answer from the volume within ${timeoutMs} ms`)),
      timeoutMs,
    ).unref(),
  );
  const st = await Promise.race([fs.promises.stat(dir), timer]);
  if (!st.isDirectory()) throw new Error(`${dir} is not a directory`);
  await Promise.race([fs.promises.readdir(dir), timer]);
}

/** The volume kinds this server can mount now (Zerobyte's system capabilities). */
export function availableBackends(tools: MountTools): {
  rclone: boolean;
  sysAdmin: boolean;
  volumeBackends: string[];
} {
  const rclone = tools.rclone ? fs.existsSync(tools.rclone) || !!which(tools.rclone) : !!which('rclone');
  const root = process.getuid?.() === 0;
  const fuse = fs.existsSync('/dev/fuse') && !!(which('fusermount3') ?? which('fusermount'));
  const out = ['directory'];
  if (rclone && fuse) out.push('webdav', 'sftp', 'rclone');
  if (root && which('mount.nfs', tools.sbin) && kernelSupports('nfs', tools.kernel)) out.push('nfs');
  if (root && which('mount.cifs', tools.sbin) && kernelSupports('smb', tools.kernel)) out.push('smb');
  return { rclone, sysAdmin: root, volumeBackends: out };
}

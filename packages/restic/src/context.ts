import { resolveBinary } from './binary.js';
import { describe, invalidArgument, ResticError } from './errors.js';
import type { CallOptions, ResticOptions } from './options.js';
import { readLines } from './process/lines.js';
import { spawnRestic, type ExitInfo, type ResticProcess } from './process/spawn.js';
import { parseVersionOutput, supports, type Feature, type ResticVersionInfo } from './version.js';

/** Options for one spawn. */
export interface ExecOptions extends CallOptions {
  /** Needs repository + password (default true). */
  repo?: boolean;
  /** Exit codes that count as success (default [0]). */
  okExitCodes?: number[];
  onStderrLine?: (line: string) => void;
  /** Skip global flags such as `-o` (for `version`, `generate`). */
  bare?: boolean;
}

export interface ExecResult {
  stdout: string;
  exit: ExitInfo;
}

const versionCache = new Map<string, Promise<ResticVersionInfo>>();
const MAX_STDOUT = 256 * 1024 * 1024;

/** Shared plumbing for all commands: binary, version, env, global flags, spawning and error mapping. */
export class ResticContext {
  private binary?: Promise<string>;

  constructor(readonly options: ResticOptions) {
    const pw = [options.password, options.passwordFile, options.passwordCommand].filter(
      (p) => p !== undefined,
    );
    if (pw.length > 1) throw invalidArgument('give only one of password, passwordFile, passwordCommand');
    if (options.password === '') throw invalidArgument('password must not be empty');
    if (options.repository === '') throw invalidArgument('repository must not be empty');
    if (options.cancelGraceMs !== undefined && !(options.cancelGraceMs >= 0)) {
      throw invalidArgument('cancelGraceMs must be >= 0');
    }
  }

  resolveBinary(): Promise<string> {
    this.binary ??= resolveBinary(this.options.binaryPath);
    // A failed lookup is retried next time (restic may be installed meanwhile).
    this.binary.catch(() => (this.binary = undefined));
    return this.binary;
  }

  /** restic version, detected once per binary path. */
  async version(): Promise<ResticVersionInfo> {
    const bin = await this.resolveBinary();
    let cached = versionCache.get(bin);
    if (!cached) {
      cached = this.exec(['version'], { repo: false, bare: true }).then((r) => parseVersionOutput(r.stdout));
      versionCache.set(bin, cached);
      cached.catch(() => versionCache.delete(bin));
    }
    return cached;
  }

  async supports(feature: Feature): Promise<boolean> {
    return supports((await this.version()).resticVersion, feature);
  }

  async requireFeature(feature: Feature, what: string): Promise<void> {
    const v = (await this.version()).resticVersion;
    if (!supports(v, feature)) {
      throw new ResticError({ code: 'unsupported', message: `${what} needs a newer restic than ${v}` });
    }
  }

  secrets(): string[] {
    return this.options.password ? [this.options.password] : [];
  }

  env(call?: CallOptions, repo = true): NodeJS.ProcessEnv {
    const o = this.options;
    const env: NodeJS.ProcessEnv = {};
    for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('RESTIC_')) env[k] = v;
    Object.assign(env, o.env, call?.env);
    if (repo) {
      if (!o.repository && !env.RESTIC_REPOSITORY && !env.RESTIC_REPOSITORY_FILE) {
        throw invalidArgument('no repository configured (pass repository to new Restic())');
      }
      if (o.repository) env.RESTIC_REPOSITORY = o.repository;
      if (o.password !== undefined) env.RESTIC_PASSWORD = o.password;
      if (o.passwordFile !== undefined) env.RESTIC_PASSWORD_FILE = o.passwordFile;
      if (o.passwordCommand !== undefined) env.RESTIC_PASSWORD_COMMAND = o.passwordCommand;
      if (!env.RESTIC_PASSWORD && !env.RESTIC_PASSWORD_FILE && !env.RESTIC_PASSWORD_COMMAND) {
        throw invalidArgument('no password configured (pass password, passwordFile or passwordCommand)');
      }
    }
    if (o.cacheDir !== undefined) env.RESTIC_CACHE_DIR = o.cacheDir;
    env.RESTIC_PROGRESS_FPS ??= String(o.progressFps ?? 2);
    for (const [k, v] of Object.entries(env)) if (v === undefined) delete env[k];
    return env;
  }

  async globalArgs(): Promise<string[]> {
    const o = this.options;
    const a: string[] = [];
    if (o.noCache) a.push('--no-cache');
    for (const [k, v] of Object.entries(o.options ?? {})) a.push('-o', `${k}=${String(v)}`);
    if (o.limitUpload !== undefined) a.push('--limit-upload', String(o.limitUpload));
    if (o.limitDownload !== undefined) a.push('--limit-download', String(o.limitDownload));
    if (o.compression !== undefined) a.push('--compression', o.compression);
    if (o.packSize !== undefined) a.push('--pack-size', String(o.packSize));
    if (o.keyHint !== undefined) a.push('--key-hint', o.keyHint);
    if (o.cacert !== undefined) a.push('--cacert', o.cacert);
    if (o.insecureTls) a.push('--insecure-tls');
    if (o.retryLock !== undefined) {
      await this.requireFeature('retryLock', 'retryLock');
      a.push('--retry-lock', o.retryLock);
    }
    a.push(...(o.extraArgs ?? []));
    return a;
  }

  /** Starts restic; the caller must consume `stdout` and await `done`. */
  async spawn(args: string[], opts: ExecOptions = {}): Promise<ResticProcess> {
    if (opts.signal?.aborted) throw this.interrupted(args);
    const env = this.env(opts, opts.repo ?? true);
    const binary = await this.resolveBinary();
    const global = opts.bare ? [] : await this.globalArgs();
    if (opts.signal?.aborted) throw this.interrupted(args);
    const proc = spawnRestic({
      binary,
      args: [...global, ...args],
      env,
      ...(this.options.cwd ? { cwd: this.options.cwd } : {}),
      ...(opts.signal ? { signal: opts.signal } : {}),
      graceMs: this.options.cancelGraceMs ?? 10_000,
      secrets: this.secrets(),
      ...(opts.onStderrLine ? { onStderrLine: opts.onStderrLine } : {}),
    });
    if (!(opts.repo ?? true)) return proc;
    // A SIGKILLed restic leaves its lock behind, and so does one interrupted while it takes the lock;
    // `unlock` removes stale locks only (a dead process of this host), never a live one's. A `--no-lock`
    // command (browsing, dump) took none, so an aborted download costs no extra restic run.
    const locking = !global.includes('--no-lock') && !args.includes('--no-lock');
    const done = proc.done.then(async (exit) => {
      if (locking && (exit.killed || opts.signal?.aborted))
        await this.exec(['unlock']).catch(() => undefined);
      return exit;
    });
    return { ...proc, done };
  }

  /** Runs restic to completion and returns stdout as text; throws ResticError unless the exit code is ok. */
  async exec(args: string[], opts: ExecOptions = {}): Promise<ExecResult> {
    const { stdout, exit, command } = await this.execBuffer(args, opts);
    this.check(command, exit, opts.okExitCodes);
    return { stdout: stdout.toString('utf8'), exit };
  }

  /** Like exec but returns raw bytes (cat pack/blob). */
  async execBuffer(
    args: string[],
    opts: ExecOptions = {},
  ): Promise<{ stdout: Buffer; exit: ExitInfo; command: string }> {
    const proc = await this.spawn(args, opts);
    const chunks: Buffer[] = [];
    let size = 0;
    let overflow = false;
    for await (const chunk of proc.stdout as AsyncIterable<Buffer>) {
      size += chunk.length;
      if (size > MAX_STDOUT) {
        overflow = true;
        proc.cancel();
        continue;
      }
      chunks.push(chunk);
    }
    const exit = await proc.done;
    if (overflow && !opts.signal?.aborted) {
      throw new ResticError({
        code: 'failed',
        message: `restic output exceeded ${MAX_STDOUT} bytes; use a streaming method`,
        command: proc.command,
        stderrTail: exit.stderrTail,
      });
    }
    this.check(proc.command, exit, opts.okExitCodes);
    return { stdout: Buffer.concat(chunks), exit, command: proc.command };
  }

  /** Streams stdout lines; throws after the last line if restic failed. Breaking early cancels restic. */
  async *lines(args: string[], opts: ExecOptions = {}): AsyncGenerator<string, ExitInfo> {
    const proc = await this.spawn(args, opts);
    let finished = false;
    try {
      for await (const line of readLines(proc.stdout)) yield line;
      finished = true;
    } finally {
      if (!finished) {
        proc.cancel();
        proc.stdout.resume();
      }
    }
    const exit = await proc.done;
    this.check(proc.command, exit, opts.okExitCodes);
    return exit;
  }

  /** Throws the matching ResticError for a finished process, unless it succeeded. */
  check(command: string, exit: ExitInfo, ok: number[] = [0]): void {
    const err = this.errorFor(command, exit, ok);
    if (err) throw err;
  }

  errorFor(command: string, exit: ExitInfo, ok: number[] = [0]): ResticError | undefined {
    if (exit.spawnError) {
      const code =
        exit.spawnError.code === 'ENOENT' || exit.spawnError.code === 'EACCES' ? 'not-installed' : 'failed';
      return new ResticError({
        code,
        message: `cannot run restic: ${exit.spawnError.message}`,
        command,
        cause: exit.spawnError,
      });
    }
    if (exit.cancelled) {
      return new ResticError({
        code: 'interrupted',
        message: exit.killed
          ? 'restic was cancelled (killed after the grace period)'
          : 'restic was cancelled',
        exitCode: exit.exitCode,
        command,
        stderrTail: exit.stderrTail,
      });
    }
    if (exit.exitCode !== null && ok.includes(exit.exitCode)) return undefined;
    const code = exit.exitCode === null ? 'interrupted' : exit.classified;
    const message =
      exit.exitCode === null
        ? `restic was terminated by ${exit.signal ?? 'a signal'}`
        : describe(code, exit.exitCode, exit.stderrTail);
    return new ResticError({ code, message, exitCode: exit.exitCode, command, stderrTail: exit.stderrTail });
  }

  private interrupted(args: string[]): ResticError {
    return new ResticError({
      code: 'interrupted',
      message: 'cancelled before restic started',
      command: `restic ${args[0] ?? ''}`,
    });
  }
}

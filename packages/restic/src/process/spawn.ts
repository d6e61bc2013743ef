import { spawn, type ChildProcess } from 'node:child_process';
import type { Readable } from 'node:stream';
import { readLines } from './lines.js';
import { classify, type ResticErrorCode } from '../errors.js';
import { formatCommand, redact } from './redact.js';
import { TailBuffer } from './tail.js';

export interface SpawnSpec {
  binary: string;
  args: string[];
  env: NodeJS.ProcessEnv;
  cwd?: string;
  signal?: AbortSignal;
  /** Time between SIGINT and SIGKILL when cancelling. */
  graceMs: number;
  /** Values to hide in the command line and stderr. */
  secrets: string[];
  /** Called for every stderr line (already drained into a bounded tail). */
  onStderrLine?: (line: string) => void;
  /** Bytes of stderr kept for error messages. */
  stderrTailBytes?: number;
}

export interface ExitInfo {
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  /** The caller's AbortSignal fired (or `cancel()` was called). */
  cancelled: boolean;
  /** SIGKILL had to be sent after the grace period. */
  killed: boolean;
  /** Redacted tail of stderr. */
  stderrTail: string;
  /** What the exit means, read from the raw stderr: redaction could mangle restic's words ("wrong password"). */
  classified: ResticErrorCode;
  /** Spawn failure (e.g. ENOENT). */
  spawnError?: NodeJS.ErrnoException;
}

export interface ResticProcess {
  readonly child: ChildProcess;
  /** Redacted command line. */
  readonly command: string;
  readonly stdout: Readable;
  /** Resolves when the process has exited and stderr is fully drained. Never rejects. */
  readonly done: Promise<ExitInfo>;
  /** SIGINT, then SIGKILL after the grace period. Idempotent. */
  cancel(): void;
}

/** Spawns restic (argv array, no shell), drains stderr concurrently and wires cancellation. */
export function spawnRestic(spec: SpawnSpec): ResticProcess {
  const command = formatCommand(spec.binary, spec.args, spec.secrets);
  const child = spawn(spec.binary, spec.args, {
    env: spec.env,
    cwd: spec.cwd,
    stdio: ['ignore', 'pipe', 'pipe'],
    windowsHide: true,
  });
  const tail = new TailBuffer(spec.stderrTailBytes ?? 16 * 1024);
  let cancelled = false;
  let killed = false;
  let killTimer: NodeJS.Timeout | undefined;
  let spawnError: NodeJS.ErrnoException | undefined;

  const cancel = (): void => {
    if (cancelled) return;
    cancelled = true;
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGINT');
    killTimer = setTimeout(() => {
      if (child.exitCode === null && child.signalCode === null) {
        killed = true;
        child.kill('SIGKILL');
      }
    }, spec.graceMs);
    killTimer.unref();
  };
  const onAbort = (): void => cancel();
  if (spec.signal?.aborted) queueMicrotask(cancel);
  else spec.signal?.addEventListener('abort', onAbort, { once: true });

  const stderrDone = (async () => {
    try {
      for await (const line of readLines(child.stderr as Readable)) {
        tail.push(line);
        spec.onStderrLine?.(line);
      }
    } catch {
      // stream destroyed: nothing more to read
    }
  })();

  const exited = new Promise<{ code: number | null; sig: NodeJS.Signals | null }>((resolve) => {
    child.once('error', (err: NodeJS.ErrnoException) => {
      spawnError = err;
      resolve({ code: null, sig: null });
    });
    child.once('close', (code, sig) => resolve({ code, sig }));
  });

  const done = (async (): Promise<ExitInfo> => {
    const { code, sig } = await exited;
    await stderrDone;
    if (killTimer) clearTimeout(killTimer);
    spec.signal?.removeEventListener('abort', onAbort);
    return {
      exitCode: code,
      signal: sig,
      cancelled,
      killed,
      stderrTail: redact(tail.toString(), spec.secrets),
      classified: classify(code, tail.toString()),
      ...(spawnError ? { spawnError } : {}),
    };
  })();

  return { child, command, stdout: child.stdout as Readable, done, cancel };
}

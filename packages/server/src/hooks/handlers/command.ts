import { spawn } from 'node:child_process';
import { shlexSplit } from '../../config/shlex.js';

export interface CommandHookContext {
  signal: AbortSignal;
  /** Receives stdout and stderr as they arrive (the hook op's task log). */
  output: (chunk: string) => void;
  env?: NodeJS.ProcessEnv;
  /** Grace period between SIGTERM and SIGKILL on cancel (default 5 s). */
  graceMs?: number;
  /** Kills the script after this long (default none). */
  timeoutMs?: number;
}

/**
 * Runs a rendered hook script: fed on stdin to `sh`, or to the interpreter named by a `#!` first line.
 * Unlike Backrest, cancellable: the whole process group gets SIGTERM, then SIGKILL after a grace period.
 */
export async function runCommandHook(script: string, ctx: CommandHookContext): Promise<void> {
  const firstLine = script.split('\n', 1)[0] ?? '';
  const argv = firstLine.startsWith('#!') ? shlexSplit(firstLine.slice(2)) : ['sh'];
  const [cmd, ...args] = argv;
  if (!cmd) throw new Error('command hook: empty interpreter line');
  if (ctx.signal.aborted) throw new Error('command hook: cancelled');
  const child = spawn(cmd, args, {
    stdio: ['pipe', 'pipe', 'pipe'],
    env: ctx.env ?? process.env,
    detached: true,
  });
  child.stdout.setEncoding('utf8').on('data', (d: string) => ctx.output(d));
  child.stderr.setEncoding('utf8').on('data', (d: string) => ctx.output(d));
  child.stdin.on('error', () => {
    /* the script may exit before reading all of stdin */
  });
  child.stdin.end(script);

  let reason: string | null = null;
  let killTimer: NodeJS.Timeout | undefined;
  const kill = (why: string) => {
    if (reason !== null || child.exitCode !== null || child.pid === undefined) return;
    reason = why;
    signalGroup(child.pid, 'SIGTERM');
    killTimer = setTimeout(() => signalGroup(child.pid!, 'SIGKILL'), ctx.graceMs ?? 5000);
  };
  const onAbort = () => kill('cancelled');
  ctx.signal.addEventListener('abort', onAbort, { once: true });
  const timeout = ctx.timeoutMs
    ? setTimeout(() => kill(`timed out after ${ctx.timeoutMs} ms`), ctx.timeoutMs)
    : undefined;
  try {
    const { code, sig } = await new Promise<{ code: number | null; sig: NodeJS.Signals | null }>(
      (resolve, reject) => {
        child.once('error', (err) => reject(new Error(`command hook: cannot start ${cmd}: ${err.message}`)));
        child.once('close', (c, s) => resolve({ code: c, sig: s }));
      },
    );
    if (reason !== null) throw new Error(`command hook: ${reason}`);
    if (code !== 0) throw new Error(`command hook: ${sig ? `killed by ${sig}` : `exit code ${code}`}`);
  } finally {
    ctx.signal.removeEventListener('abort', onAbort);
    clearTimeout(killTimer);
    clearTimeout(timeout);
  }
}

function signalGroup(pid: number, sig: NodeJS.Signals): void {
  try {
    process.kill(-pid, sig);
  } catch {
    /* already gone */
  }
}

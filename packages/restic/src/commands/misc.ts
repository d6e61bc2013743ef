import { mkdir, readFile } from 'node:fs/promises';
import { Args } from '../args.js';
import type { ResticContext } from '../context.js';
import { ResticError } from '../errors.js';
import type { CallOptions } from '../options.js';
import type { RunResult } from '../types.js';

export interface GenerateOptions extends CallOptions {
  bashCompletionPath?: string;
  fishCompletionPath?: string;
  zshCompletionPath?: string;
  /** Directory for man pages. */
  manDirectory?: string;
}

export async function generate(ctx: ResticContext, o: GenerateOptions): Promise<void> {
  const args = new Args('generate')
    .value('--bash-completion', o.bashCompletionPath)
    .value('--fish-completion', o.fishCompletionPath)
    .value('--zsh-completion', o.zshCompletionPath)
    .value('--man', o.manDirectory).list;
  if (args.length === 1) {
    throw new ResticError({ code: 'invalid-argument', message: 'generate needs at least one output path' });
  }
  // restic writes man pages only into an existing directory.
  if (o.manDirectory !== undefined) await mkdir(o.manDirectory, { recursive: true });
  await ctx.exec(args, { ...o, repo: false, bare: true });
}

export interface SelfUpdateOptions extends CallOptions {
  /** Write the new binary here instead of replacing the running one. */
  output?: string;
}

/** True when a distribution package owns the binary (self-update would fight the package manager). */
async function packageManaged(binary: string): Promise<boolean> {
  try {
    const list = await readFile('/var/lib/dpkg/info/restic.list', 'utf8');
    return list.split('\n').includes(binary);
  } catch {
    return false;
  }
}

export async function selfUpdate(ctx: ResticContext, o: SelfUpdateOptions): Promise<{ output: string }> {
  const binary = await ctx.resolveBinary();
  if (o.output === undefined && (await packageManaged(binary))) {
    throw new ResticError({
      code: 'unsupported',
      message: `${binary} is installed by the system package manager; update it with \`apt-get install --only-upgrade restic\` or pass output to write a downloaded binary elsewhere`,
    });
  }
  const args = new Args('self-update').value('--output', o.output).list;
  const { stdout } = await ctx.exec(args, { ...o, repo: false, bare: true });
  return { output: stdout };
}

export interface RunOptions extends CallOptions {
  /** Whether the call needs repository and password env (default true). */
  repo?: boolean;
  /** Exit codes that do not throw (default [0]). */
  okExitCodes?: number[];
  /** Each stdout line as restic prints it (then `stdout` in the result is empty). */
  onStdoutLine?: (line: string) => void;
  /** Each stderr line as restic prints it (not redacted: the caller knows its secrets). */
  onStderrLine?: (line: string) => void;
}

/** Escape hatch: runs `restic <args>` with this instance's repository, password and global flags. */
export async function run(ctx: ResticContext, args: string[], o: RunOptions): Promise<RunResult> {
  if (!Array.isArray(args) || args.length === 0 || args.some((a) => typeof a !== 'string')) {
    throw new ResticError({
      code: 'invalid-argument',
      message: 'run needs a non-empty array of string arguments',
    });
  }
  const { onStdoutLine, ...opts } = o;
  if (onStdoutLine) {
    const lines = ctx.lines(args, opts);
    for (let r = await lines.next(); ; r = await lines.next()) {
      if (r.done) return { exitCode: r.value.exitCode ?? 0, stdout: '', stderr: r.value.stderrTail };
      onStdoutLine(r.value);
    }
  }
  const { stdout, exit } = await ctx.exec(args, opts);
  return { exitCode: exit.exitCode ?? 0, stdout, stderr: exit.stderrTail };
}

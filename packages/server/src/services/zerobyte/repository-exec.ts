// Zerobyte's dev panel (POST /repositories/:id/exec): one allow-listed restic command against a repository, its
// arguments passed as argv (no shell), its output streamed line by line with the repository's secrets hidden.
import { redact } from '@restora/restic';
import { InvalidArgumentError, PermissionDeniedError } from '../../errors.js';
import { resticOf, type ZbContext } from './context.js';
import { execProblem } from './exec-policy.js';
import type { RepositoryService } from './repositories.js';

export type ExecLine = (stream: 'stdout' | 'stderr', line: string) => void;

/** Every exit code is an answer (`done` carries it), not an error. */
const ANY_EXIT = Array.from({ length: 256 }, (_, i) => i);

export class RepositoryExec {
  constructor(
    private readonly ctx: ZbContext,
    private readonly repos: RepositoryService,
  ) {}

  get enabled(): boolean {
    return this.ctx.devPanel === true;
  }

  /** Throws before anything runs: 403 while the panel is off, 404 unknown repository, 400 a refused command. */
  check(ref: string, command: string, args: readonly string[]): void {
    if (!this.enabled)
      throw new PermissionDeniedError('Dev panel not enabled (start the server with ENABLE_DEV_PANEL=true)');
    this.repos.resolve(ref);
    const problem = execProblem(command, args);
    if (problem) throw new InvalidArgumentError(problem);
  }

  /** Runs `restic <command> <args>` (after check); resolves with restic's exit code. */
  async run(
    ref: string,
    command: string,
    args: readonly string[],
    onLine: ExecLine,
    signal?: AbortSignal,
  ): Promise<{ exitCode: number }> {
    this.check(ref, command, args);
    const restic = resticOf(this.ctx, this.repos.resolve(ref));
    const { password, env } = restic.options;
    const secrets = [password, ...Object.values(env ?? {})].filter(
      (s): s is string => typeof s === 'string' && s.length >= 4,
    );
    // restic's own redaction: URL credentials (`scheme://user:secret@`) and every known secret value
    const hide = (line: string) => redact(line, secrets);
    const r = await restic.run([command, ...args], {
      okExitCodes: ANY_EXIT,
      ...(signal ? { signal } : {}),
      onStdoutLine: (l) => onLine('stdout', hide(l)),
      onStderrLine: (l) => onLine('stderr', hide(l)),
    });
    return { exitCode: r.exitCode };
  }
}

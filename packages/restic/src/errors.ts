/** Why a restic call failed. Stable strings: callers switch on them. */
export type ResticErrorCode =
  | 'repo-not-found'
  | 'wrong-password'
  | 'locked'
  | 'incomplete-backup'
  | 'interrupted'
  | 'invalid-argument'
  | 'unsupported'
  | 'not-installed'
  | 'failed';

export interface ResticErrorInit {
  code: ResticErrorCode;
  message: string;
  exitCode?: number | null;
  command?: string;
  stderrTail?: string;
  cause?: unknown;
  /** For `incomplete-backup`: the summary restic still printed. */
  result?: unknown;
}

/** The one error type thrown by this library. `command` and `stderrTail` never contain the password. */
export class ResticError extends Error {
  readonly code: ResticErrorCode;
  readonly exitCode: number | null;
  readonly command: string;
  readonly stderrTail: string;
  readonly result: unknown;

  constructor(init: ResticErrorInit) {
    super(init.message, init.cause === undefined ? undefined : { cause: init.cause });
    this.name = 'ResticError';
    this.code = init.code;
    this.exitCode = init.exitCode ?? null;
    this.command = init.command ?? '';
    this.stderrTail = init.stderrTail ?? '';
    this.result = init.result;
  }
}

export function isResticError(e: unknown, code?: ResticErrorCode): e is ResticError {
  return e instanceof ResticError && (code === undefined || e.code === code);
}

/** Thrown before spawning when options are wrong. */
export function invalidArgument(message: string): ResticError {
  return new ResticError({ code: 'invalid-argument', message });
}

const PATTERNS: [RegExp, ResticErrorCode][] = [
  [/wrong password or no key found|an empty password is not a password/i, 'wrong-password'],
  [
    /Is there a repository at the following location\?|unable to open config file|repository does not exist|config file does not exist/i,
    'repo-not-found',
  ],
  [/repository is already locked|unable to create lock in backend|failed to lock repository/i, 'locked'],
  [
    /unknown flag|unknown command|unknown shorthand flag|invalid argument|accepts \d+ arg|requires at least|invalid id "|no matching ID found|Fatal: (specify|no snapshot|all target directories)/i,
    'invalid-argument',
  ],
];

/** Maps an exit code plus stderr to a code. restic 0.14 has no codes 10/11/12, so text decides there. */
export function classify(exitCode: number | null, stderr: string): ResticErrorCode {
  switch (exitCode) {
    case 10:
      return 'repo-not-found';
    case 11:
      return 'locked';
    case 12:
      return 'wrong-password';
    case 130:
      return 'interrupted';
    case 3:
      return 'incomplete-backup';
  }
  for (const [re, code] of PATTERNS) if (re.test(stderr)) return code;
  if (/signal interrupt received/i.test(stderr)) return 'interrupted';
  return 'failed';
}

const MESSAGES: Record<ResticErrorCode, string> = {
  'repo-not-found': 'restic repository not found (or not initialised)',
  'wrong-password': 'wrong password or no matching key for the restic repository',
  locked: 'restic repository is locked by another process',
  'incomplete-backup': 'backup finished but some source data could not be read',
  interrupted: 'restic was interrupted',
  'invalid-argument': 'restic rejected the arguments',
  unsupported: 'not supported by this restic version',
  'not-installed': 'restic is not installed',
  failed: 'restic failed',
};

/** The most telling stderr line: a 0.18+ exit_error message, else the last `Fatal:` line, else the last line. */
export function summariseStderr(stderr: string): string {
  const lines = stderr.split('\n').filter((l) => l.trim() !== '');
  for (let i = lines.length - 1; i >= 0; i--) {
    const l = lines[i] ?? '';
    if (l.startsWith('{') && l.includes('"exit_error"')) {
      try {
        const msg = (JSON.parse(l) as { message?: unknown }).message;
        if (typeof msg === 'string') return msg;
      } catch {
        // not JSON after all
      }
    }
  }
  const fatal = lines.filter((l) => l.startsWith('Fatal:')).at(-1);
  return (fatal ?? lines.at(-1) ?? '').slice(0, 500);
}

export function describe(code: ResticErrorCode, exitCode: number | null, stderr: string): string {
  const detail = summariseStderr(stderr);
  const exit = exitCode === null ? '' : ` (exit ${exitCode})`;
  return `${MESSAGES[code]}${exit}${detail ? `: ${detail}` : ''}`;
}

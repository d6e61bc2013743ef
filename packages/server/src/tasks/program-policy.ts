// Locked-down installs: no repo or plan setting may make restic, ssh or rclone start a program of the
// user's choosing. Flags and `-o` options are parsed the way restic (pflag) reads them, env keys are
// allow-listed; config writes refuse new problems (a 400 naming the field) and every restic start re-checks.
import type { Config, Plan, Repo } from '@restora/proto';
import type { ValidationIssue } from '../errors.js';
import { shlexSplit } from '../config/shlex.js';

/** restic flags whose value is a command restic runs. */
const COMMAND_FLAGS = new Set(['--password-command', '--from-password-command', '--stdin-from-command']);

/** restic `-o` keys that name a program or its arguments (sftp.args is checked per ssh option instead). */
const COMMAND_OPTIONS = new Set(['sftp.command', 'rclone.program', 'rclone.args']);

/** ssh options in `sftp.args` that cannot run anything (ProxyCommand, LocalCommand, PKCS11Provider... can). */
const SSH_OPTIONS = new Set(
  [
    'AddressFamily',
    'BatchMode',
    'CheckHostIP',
    'Ciphers',
    'Compression',
    'ConnectionAttempts',
    'ConnectTimeout',
    'GlobalKnownHostsFile',
    'HashKnownHosts',
    'HostKeyAlgorithms',
    'IdentitiesOnly',
    'IdentityFile',
    'IPQoS',
    'KexAlgorithms',
    'LogLevel',
    'MACs',
    'PasswordAuthentication',
    'Port',
    'PreferredAuthentications',
    'PubkeyAcceptedAlgorithms',
    'PubkeyAcceptedKeyTypes',
    'ServerAliveCountMax',
    'ServerAliveInterval',
    'StrictHostKeyChecking',
    'TCPKeepAlive',
    'UpdateHostKeys',
    'User',
    'UserKnownHostsFile',
  ].map((k) => k.toLowerCase()),
);
/** ssh switches without a value, and those whose value is a file, port or name (never a program). */
const SSH_SWITCHES = new Set(['-4', '-6', '-A', '-a', '-C', '-q', '-T', '-v', '-x']);
const SSH_VALUE_SWITCHES = new Set(['-i', '-p', '-l', '-c', '-m']);

/** Environment keys a locked-down repo may set: backend credentials and settings, proxies, time zone. */
const ENV_PREFIXES = ['AWS_', 'AZURE_', 'B2_', 'GOOGLE_', 'OS_', 'ST_', 'RESTIC_'];
const ENV_KEYS = new Set([
  'HTTP_PROXY',
  'HTTPS_PROXY',
  'NO_PROXY',
  'http_proxy',
  'https_proxy',
  'no_proxy',
  'TZ',
  'GOMAXPROCS',
  'GOGC',
  'SSL_CERT_FILE',
  'SSL_CERT_DIR',
]);
/**
 * Allowed-prefix keys that run a program: restic's password commands, AWS config files (`credential_process`)
 * and Google's executable-sourced credentials.
 */
const ENV_DENIED = new Set([
  'RESTIC_PASSWORD_COMMAND',
  'RESTIC_FROM_PASSWORD_COMMAND',
  'AWS_CONFIG_FILE',
  'AWS_SHARED_CREDENTIALS_FILE',
  'GOOGLE_EXTERNAL_ACCOUNT_ALLOW_EXECUTABLES',
]);

const REFUSED = 'runs a program, which a locked-down install refuses';

/** Why an env key may not be set on a locked-down install, or undefined when it may. */
export function envKeyProblem(key: string): string | undefined {
  if (ENV_DENIED.has(key)) return `${key} ${REFUSED}`;
  if (ENV_KEYS.has(key) || ENV_PREFIXES.some((p) => key.startsWith(p))) return undefined;
  return `${key} is not allowed on a locked-down install (allowed: ${ENV_PREFIXES.join(', ')}* credentials, proxies, TZ)`;
}

/** Why one ssh argument list (restic's sftp.args) could run a program, or undefined. */
function sshArgsProblem(value: string): string | undefined {
  let args: string[];
  try {
    args = shlexSplit(value);
  } catch {
    return 'sftp.args cannot be split into arguments';
  }
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    let opt: string | undefined;
    if (a === '-o') opt = args[++i] ?? '';
    else if (a.startsWith('-o')) opt = a.slice(2);
    else if (SSH_VALUE_SWITCHES.has(a)) {
      i++;
      continue;
    } else if (SSH_SWITCHES.has(a)) continue;
    else return `sftp.args: ssh argument ${JSON.stringify(a)} is not allowed on a locked-down install`;
    const key = opt.trim().split(/[=\s]/, 1)[0]!.toLowerCase();
    if (!SSH_OPTIONS.has(key))
      return `sftp.args: ssh option ${JSON.stringify(key)} is not allowed on a locked-down install`;
  }
  return undefined;
}

/** Why a restic `-o key=value` could run a program, or undefined. */
function optionProblem(kv: string): string | undefined {
  const i = kv.indexOf('=');
  const key = (i < 0 ? kv : kv.slice(0, i)).trim().toLowerCase();
  if (COMMAND_OPTIONS.has(key)) return `-o ${key} ${REFUSED}`;
  if (key === 'sftp.args') return sshArgsProblem(i < 0 ? '' : kv.slice(i + 1));
  return undefined;
}

export interface ArgsProblem {
  /** Index of the argument that starts the offending flag. */
  at: number;
  message: string;
}

/**
 * Why a restic argument list could run a program, or undefined. Reads flags as pflag does: `--flag=value`,
 * `--flag value`, `-o key=value`, `-okey=value`, `-o=key=value` and `-o` at the end of a shorthand cluster.
 */
export function argsProblem(args: readonly string[]): ArgsProblem | undefined {
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === '--') return undefined;
    let message: string | undefined;
    if (a.startsWith('--')) {
      const eq = a.indexOf('=');
      const name = eq < 0 ? a : a.slice(0, eq);
      if (COMMAND_FLAGS.has(name)) message = `${name} ${REFUSED}`;
      else if (name === '--option') message = optionProblem(eq < 0 ? (args[i + 1] ?? '') : a.slice(eq + 1));
    } else if (a.startsWith('-') && a.length > 1) {
      // every `o` of a shorthand cluster may start an option value: check each candidate (no false negative)
      for (let j = a.indexOf('o', 1); j > 0 && !message; j = a.indexOf('o', j + 1)) {
        const rest = a.slice(j + 1);
        message = optionProblem(rest === '' ? (args[i + 1] ?? '') : rest.replace(/^=/, ''));
      }
    }
    if (message) return { at: i, message };
  }
  return undefined;
}

/** Why Backrest flag strings (each shell-split, read as one argument list) could run a program. */
function flagIssues(flags: readonly string[], path: string): ValidationIssue[] {
  const words: string[] = [];
  const entryOf: number[] = [];
  flags.forEach((f, j) => {
    try {
      for (const w of shlexSplit(f)) {
        words.push(w);
        entryOf.push(j);
      }
    } catch {
      // validate.ts reports flags that cannot be split
    }
  });
  const p = argsProblem(words);
  return p ? [{ path: `${path}[${entryOf[p.at]}]`, message: p.message }] : [];
}

/** A repo's settings that could run a program on a locked-down install (uri, env, flags). */
export function repoProgramIssues(repo: Repo, path: string): ValidationIssue[] {
  const out: ValidationIssue[] = [];
  // ssh and rclone read a leading `-` in a host or remote name as one of their options
  const m = /^(sftp|rclone):(.*)$/.exec(repo.uri.trim());
  if (m && m[2]!.split(/[@:/]/).some((part) => part.startsWith('-')))
    out.push({ path: `${path}.uri`, message: `a ${m[1]} host or remote may not start with "-"` });
  repo.env.forEach((e, j) => {
    const key = e.slice(0, Math.max(e.indexOf('='), 0));
    const p = key ? envKeyProblem(key) : undefined;
    if (p) out.push({ path: `${path}.env[${j}]`, message: p });
  });
  out.push(...flagIssues(repo.flags, `${path}.flags`));
  return out;
}

/** A plan's backup flags that could run a program on a locked-down install. */
export function planProgramIssues(plan: Plan, path: string): ValidationIssue[] {
  return flagIssues(plan.backupFlags, `${path}.backup_flags`);
}

/** Every repo and plan setting of a config that could run a program on a locked-down install. */
export function configProgramIssues(c: Config): ValidationIssue[] {
  return [
    ...c.repos.flatMap((r, i) => repoProgramIssues(r, `repos[${i}]`)),
    ...c.plans.flatMap((p, i) => planProgramIssues(p, `plans[${i}]`)),
  ];
}

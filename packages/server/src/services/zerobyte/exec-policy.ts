// Which restic commands POST /repositories/:id/exec (Zerobyte's dev panel) may run. Zerobyte runs any subcommand
// with any argument; here only inspection commands run, each with its own flags, parsed as restic (pflag) reads
// them, so no argument can point restic at another repository, password, program or output file.

interface CommandPolicy {
  /** Flags without a value (`--json`, `-l`). */
  switches?: string[];
  /** Flags taking a value (`--host h`, `--host=h`, `-H h`). */
  values?: string[];
  /** Allowed first positional argument (what `cat`, `list`, `key` act on). */
  first?: string[];
}

const FILTER = ['--host', '-H', '--path', '--tag'];
const COMMON = ['--json', '--quiet', '-q', '--verbose', '-v', '--no-lock', '--no-cache', '--help', '-h'];

export const EXEC_COMMANDS: Record<string, CommandPolicy> = {
  snapshots: { switches: ['--compact', '-c'], values: [...FILTER, '--group-by', '-g', '--latest'] },
  ls: { switches: ['--long', '-l', '--recursive', '--human-readable'], values: FILTER },
  find: {
    switches: ['--long', '-l', '--ignore-case', '-i', '--pack', '--blob', '--tree', '--show-pack-id'],
    values: [...FILTER, '--snapshot', '-s', '--oldest', '-O', '--newest', '-N'],
  },
  stats: { values: [...FILTER, '--mode'] },
  check: { switches: ['--read-data', '--with-cache'], values: ['--read-data-subset'] },
  diff: { switches: ['--metadata'] },
  list: { first: ['snapshots', 'index', 'packs', 'keys', 'locks', 'blobs'] },
  // not masterkey or key (the sealed master key), blob or pack (binary data, not lines)
  cat: { first: ['config', 'snapshot', 'index', 'tree', 'lock'] },
  key: { first: ['list'] },
  // only stale locks: --remove-all would remove the locks of running backups
  unlock: {},
  version: {},
};

const MAX_ARGS = 64;
const MAX_ARG_CHARS = 4096;
const CONTROL = /[\u0000-\u001f\u007f]/;

/** Why `restic <command> <args>` may not run here, or undefined when it may. */
export function execProblem(command: string, args: readonly string[]): string | undefined {
  const policy = Object.hasOwn(EXEC_COMMANDS, command) ? EXEC_COMMANDS[command] : undefined;
  if (!policy)
    return `command: restic ${JSON.stringify(command)} is not allowed here (allowed: ${Object.keys(EXEC_COMMANDS).join(', ')})`;
  if (args.length > MAX_ARGS) return `args: at most ${MAX_ARGS} arguments`;
  const switches = new Set([...COMMON, ...(policy.switches ?? [])]);
  const values = new Set(policy.values ?? []);
  let positional = 0;
  let flagsDone = false;
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    const at = `args[${i}]`;
    if (CONTROL.test(a) || a.length > MAX_ARG_CHARS)
      return `${at}: no control characters, at most ${MAX_ARG_CHARS} characters`;
    if (!flagsDone && a === '--') {
      flagsDone = true;
      continue;
    }
    if (flagsDone || !a.startsWith('-') || a === '-') {
      if (a === '-' || (!flagsDone && a.startsWith('-'))) return `${at}: "-" (standard input) is not allowed`;
      if (positional === 0 && policy.first && !policy.first.includes(a))
        return `${at}: restic ${command} ${JSON.stringify(a)} is not allowed here (allowed: ${policy.first.join(', ')})`;
      positional++;
      continue;
    }
    const eq = a.startsWith('--') ? a.indexOf('=') : -1;
    const name = eq > 0 ? a.slice(0, eq) : a;
    if (values.has(name)) {
      if (eq < 0 && (i + 1 >= args.length || CONTROL.test(args[i + 1]!)))
        return `${at}: ${name} needs a value`;
      if (eq < 0) i++;
      continue;
    }
    // short flags stand alone: a cluster (`-vr x`) could carry --repo or --password-file
    if (switches.has(name) && eq < 0) continue;
    const allowed = [...switches, ...values].join(', ');
    return `${at}: ${JSON.stringify(name)} is not allowed for restic ${command} (allowed: ${allowed})`;
  }
  if (policy.first && positional === 0)
    return `args: restic ${command} needs one of ${policy.first.join(', ')}`;
  return undefined;
}

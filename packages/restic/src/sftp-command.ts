// restic before 0.16 has no `-o sftp.args`: the same ssh options go through `-o sftp.command`, which it has.

interface SftpTarget {
  user?: string;
  host: string;
  port?: string;
}

/** user, host and port of `sftp:user@host:/path` or `sftp://user@host:port//path`, as restic reads them. */
export function sftpTarget(uri: string): SftpTarget | undefined {
  const m =
    /^sftp:\/\/(?:([^@/]+)@)?(\[[^\]]+\]|[^:/]+)(?::(\d+))?\//.exec(uri) ??
    /^sftp:(?:([^@:/]+)@)?(\[[^\]]+\]|[^:/]+):/.exec(uri);
  if (!m?.[2]) return undefined;
  return {
    host: m[2].replace(/^\[|\]$/g, ''),
    ...(m[1] ? { user: m[1] } : {}),
    ...(m[3] ? { port: m[3] } : {}),
  };
}

const OPTION = /^(?:-o|--option)$/;
const isArgs = (v: string | undefined) => v?.startsWith('sftp.args=') === true;

/**
 * Rewrites `-o sftp.args=<ssh options>` (split argv form) into `-o sftp.command=ssh <ssh options> ... host -s
 * sftp` for restic < 0.16: the ssh options, and so the host key checks they set, stay the same. A user's own
 * sftp.command wins (the args are dropped); an unparsable URI drops them too rather than fail every run.
 */
export function sftpArgsAsCommand(uri: string, args: readonly string[]): string[] {
  const out: string[] = [];
  const sshArgs: string[] = [];
  let hasCommand = false;
  for (let i = 0; i < args.length; i++) {
    const a = args[i] ?? '';
    const next = args[i + 1];
    if (OPTION.test(a) && isArgs(next)) {
      sshArgs.push((next ?? '').slice('sftp.args='.length));
      i++;
      continue;
    }
    if (a.startsWith('-osftp.args=')) {
      sshArgs.push(a.slice('-osftp.args='.length));
      continue;
    }
    if ((OPTION.test(a) && next?.startsWith('sftp.command=')) || a.startsWith('-osftp.command='))
      hasCommand = true;
    out.push(a);
  }
  const target = sftpTarget(uri);
  if (sshArgs.length === 0 || hasCommand || !target) return out;
  const cmd = ['ssh', ...sshArgs];
  if (target.port) cmd.push('-p', target.port);
  if (target.user) cmd.push('-l', target.user);
  cmd.push(target.host, '-s', 'sftp');
  return [...out, '-o', `sftp.command=${cmd.join(' ')}`];
}

import { create } from '@bufbuild/protobuf';
import { PlanSchema, RepoSchema } from '@restora/proto';
import { describe, expect, it } from 'vitest';
import { argsProblem, envKeyProblem, planProgramIssues, repoProgramIssues } from './program-policy.js';

const repo = (o: { uri?: string; env?: string[]; flags?: string[] }) =>
  create(RepoSchema, { id: 'r', uri: o.uri ?? '/srv/repo', env: o.env ?? [], flags: o.flags ?? [] });

describe('argsProblem reads flags the way restic does', () => {
  it.each([
    [['--password-command=sh -c id'], '--password-command'],
    [['--password-command', 'id'], '--password-command'],
    [['--from-password-command=id'], '--from-password-command'],
    [['--stdin-from-command'], '--stdin-from-command'],
    [['-o', 'sftp.command=ssh -oProxyCommand=id h'], 'sftp.command'],
    [['-osftp.command=x'], 'sftp.command'],
    [['-o=sftp.command=x'], 'sftp.command'],
    [['-vo', 'sftp.command=x'], 'sftp.command'],
    [['--option=SFTP.Command=x'], 'sftp.command'],
    [['--option', 'rclone.program=/tmp/x'], 'rclone.program'],
    [['-o', 'rclone.args=serve restic --stdio --password-command id'], 'rclone.args'],
    [['-o', 'sftp.args=-oProxyCommand=id'], 'proxycommand'],
    [['-o', 'sftp.args=-o LocalCommand=id -o PermitLocalCommand=yes'], 'localcommand'],
    [['-o', 'sftp.args=-F /tmp/ssh_config'], '-F'],
    [['-o', 'sftp.args=-oPKCS11Provider=/tmp/evil.so'], 'pkcs11provider'],
  ])('%j is refused (%s)', (args, word) => {
    expect(argsProblem(args)?.message).toContain(word);
  });

  it.each([
    [[]],
    [['--limit-upload', '1000', '--compression=max']],
    [['-o', 's3.bucket-lookup=path', '--insecure-tls']],
    [['-o', 'sftp.args=-i /k -p 22 -oBatchMode=yes -oIdentitiesOnly=yes -oStrictHostKeyChecking=no']],
    [['-o', 'sftp.args=-oUserKnownHostsFile=/dev/null -oHostKeyAlgorithms=+ssh-rsa']],
    [['--exclude', '*.tmp', '-x', '--', '--password-command=not-a-flag-after-dashdash']],
  ])('%j is allowed', (args) => {
    expect(argsProblem(args)).toBeUndefined();
  });

  it('points at the argument that starts the offending flag', () => {
    expect(argsProblem(['--tag', 'x', '-o', 'sftp.command=y'])?.at).toBe(2);
  });
});

describe('envKeyProblem allow-lists backend credentials', () => {
  it.each([
    'AWS_ACCESS_KEY_ID',
    'B2_ACCOUNT_KEY',
    'AZURE_ACCOUNT_KEY',
    'GOOGLE_PROJECT_ID',
    'OS_PASSWORD',
    'ST_KEY',
    'RESTIC_REST_PASSWORD',
    'RESTIC_PASSWORD_FILE',
    'HTTPS_PROXY',
    'no_proxy',
    'TZ',
  ])('%s is allowed', (k) => expect(envKeyProblem(k)).toBeUndefined());
  it.each([
    'RESTIC_PASSWORD_COMMAND',
    'RESTIC_FROM_PASSWORD_COMMAND',
    'AWS_SHARED_CREDENTIALS_FILE',
    'AWS_CONFIG_FILE',
    'GOOGLE_EXTERNAL_ACCOUNT_ALLOW_EXECUTABLES',
    'LD_PRELOAD',
    'LD_LIBRARY_PATH',
    'PATH',
    'HOME',
    'RCLONE_PASSWORD_COMMAND',
    'RCLONE_CONFIG_X_SSH',
    'GIT_SSH_COMMAND',
    'SSH_ASKPASS',
  ])('%s is refused', (k) => expect(envKeyProblem(k)).toContain(k));
});

describe('repo and plan issues name the field', () => {
  it('names the env entry, the flag entry and a dash-led sftp host', () => {
    const issues = repoProgramIssues(
      repo({
        uri: 'sftp:-oProxyCommand=id:/x',
        env: ['AWS_REGION=x', 'RESTIC_PASSWORD_COMMAND=id'],
        flags: ['--limit-upload 10', '-o', 'sftp.command=id'],
      }),
      'repos[0]',
    );
    expect(issues.map((i) => i.path)).toEqual(['repos[0].uri', 'repos[0].env[1]', 'repos[0].flags[1]']);
    expect(
      repoProgramIssues(repo({ uri: 'sftp:user@host:/srv/repo', flags: ['--compression max'] }), 'r'),
    ).toEqual([]);
    expect(repoProgramIssues(repo({ uri: 'rclone:--password-command=id:x' }), 'r')[0]?.path).toBe('r.uri');
  });

  it('reads plan backup_flags the same way', () => {
    const plan = create(PlanSchema, {
      id: 'p',
      backupFlags: ['--one-file-system', '--password-command "touch /tmp/x"'],
    });
    expect(planProgramIssues(plan, 'plans[0]')).toEqual([
      { path: 'plans[0].backup_flags[1]', message: expect.stringContaining('--password-command') },
    ]);
  });
});

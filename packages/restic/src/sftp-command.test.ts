import { describe, expect, it } from 'vitest';
import { sftpArgsAsCommand, sftpTarget } from './sftp-command.js';

describe('sftp.args on restic < 0.16', () => {
  it('reads user, host and port the way restic does', () => {
    expect(sftpTarget('sftp:bob@nas:/srv/repo')).toEqual({ user: 'bob', host: 'nas' });
    expect(sftpTarget('sftp://bob@nas:2222//srv/repo')).toEqual({ user: 'bob', host: 'nas', port: '2222' });
    expect(sftpTarget('sftp:nas:repo')).toEqual({ host: 'nas' });
    expect(sftpTarget('/local')).toBeUndefined();
  });

  it('moves the ssh options into sftp.command, keeping the other flags', () => {
    const args = ['--limit-upload', '100', '-o', 'sftp.args=-i /k -oBatchMode=yes -oUserKnownHostsFile=/kh'];
    expect(sftpArgsAsCommand('sftp://bob@nas:2222//r', args)).toEqual([
      '--limit-upload',
      '100',
      '-o',
      'sftp.command=ssh -i /k -oBatchMode=yes -oUserKnownHostsFile=/kh -p 2222 -l bob nas -s sftp',
    ]);
  });

  it('drops sftp.args when the user set sftp.command, and leaves flags without sftp.args alone', () => {
    const own = ['-o', 'sftp.command=ssh me@nas -s sftp', '-o', 'sftp.args=-oBatchMode=yes'];
    expect(sftpArgsAsCommand('sftp:me@nas:/r', own)).toEqual(['-o', 'sftp.command=ssh me@nas -s sftp']);
    expect(sftpArgsAsCommand('sftp:me@nas:/r', ['--verbose'])).toEqual(['--verbose']);
  });
});

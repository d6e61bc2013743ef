// NFS and SMB need three things: the mount helper, the kernel file system (registered or loadable) and root. Each
// missing one is named, from fake helper dirs and fake kernel lists (this machine's own answer is in rest-volumes).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { kernelSupports, mountShare, type VolumeConfig } from './volume-backends.js';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'restora-kernel-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const file = (name: string, text: string) => {
  const p = path.join(dir, name);
  fs.mkdirSync(path.dirname(p), { recursive: true });
  fs.writeFileSync(p, text, { mode: 0o755 });
  return p;
};
const NO_NET_FS = file('fs-plain', 'nodev\tsysfs\nnodev\tproc\n\text4\nnodev\tfuse\n');
const WITH_NFS = file('fs-nfs', 'nodev\tsysfs\n\text4\nnodev\tnfs\nnodev\tnfs4\n');
const NO_MODULES = path.join(dir, 'no-modules');
const MODULES = path.dirname(
  file('modules/modules.dep', 'kernel/fs/smb/client/cifs.ko.xz: kernel/fs/netfs/netfs.ko.xz\n'),
);
// a mount helper that would succeed if it were ever run (it must not be: the checks come first)
const SBIN = path.dirname(file('sbin/mount.nfs', '#!/bin/sh\nexit 0\n'));
file('sbin/mount.cifs', '#!/bin/sh\nexit 0\n');
const nfs = {
  backend: 'nfs',
  server: '127.0.0.1',
  exportPath: '/srv',
  port: 2049,
  version: '4',
} as VolumeConfig;
const smb = { backend: 'smb', server: '127.0.0.1', share: 's', port: 445, vers: 'auto' } as VolumeConfig;

describe('kernel support of NFS and SMB', () => {
  it('reads the registered file systems, then the loadable modules', () => {
    expect(kernelSupports('nfs', { filesystems: WITH_NFS, modules: NO_MODULES })).toBe(true);
    expect(kernelSupports('nfs', { filesystems: NO_NET_FS, modules: NO_MODULES })).toBe(false);
    expect(kernelSupports('smb', { filesystems: NO_NET_FS, modules: MODULES })).toBe(true);
    expect(kernelSupports('nfs', { filesystems: NO_NET_FS, modules: MODULES })).toBe(false);
  });

  it('names every missing piece at once: helper, kernel file system, privilege', async () => {
    const at = path.join(dir, 'mnt-nfs');
    const none = { sbin: [path.join(dir, 'empty')], kernel: { filesystems: NO_NET_FS, modules: NO_MODULES } };
    const root = process.getuid?.() === 0;
    // the helper lookup also searches PATH and /sbin: only meaningful where the machine has no mount.nfs
    const machineHasHelper = ['/sbin/mount.nfs', '/usr/sbin/mount.nfs'].some((p) => fs.existsSync(p));
    const err = (await mountShare(nfs, at, none).catch((e: unknown) => e)) as Error;
    expect(err.message).toMatch(/^NFS volumes need /);
    if (!machineHasHelper) expect(err.message).toContain('mount.nfs (Debian package nfs-common)');
    expect(err.message).toContain("the kernel's nfs file system (not in /proc/filesystems, no nfs module");
    expect(err.message.includes('root (CAP_SYS_ADMIN)')).toBe(!root);
  });

  it('with the helper present, still refuses a kernel without the file system (never runs mount)', async () => {
    const err = (await mountShare(smb, path.join(dir, 'mnt-smb'), {
      sbin: [SBIN],
      kernel: { filesystems: NO_NET_FS, modules: NO_MODULES },
    }).catch((e: unknown) => e)) as Error;
    expect(err.message).not.toContain('mount.cifs (Debian');
    expect(err.message).toContain("the kernel's cifs file system");
  });
});

// Crash-safe file replacement: write a temp file beside the target, fsync it, rename over, fsync the dir.
import fs from 'node:fs';
import path from 'node:path';
import crypto from 'node:crypto';

export interface AtomicWriteOptions {
  mode?: number;
  /** Test hook: called after the temp file is durable and before the rename (simulate a crash by throwing). */
  beforeRename?: (tempPath: string) => void;
}

export function writeFileAtomicSync(
  file: string,
  data: string | Uint8Array,
  options: AtomicWriteOptions = {},
): void {
  const dir = path.dirname(file);
  fs.mkdirSync(dir, { recursive: true, mode: 0o755 });
  const mode = options.mode ?? 0o600;
  const temp = path.join(
    dir,
    `.${path.basename(file)}.${process.pid}.${crypto.randomBytes(4).toString('hex')}.tmp`,
  );
  const fd = fs.openSync(temp, 'wx', mode);
  let renamed = false;
  try {
    fs.writeFileSync(fd, data);
    fs.fchmodSync(fd, mode);
    fs.fsyncSync(fd);
    fs.closeSync(fd);
    options.beforeRename?.(temp);
    fs.renameSync(temp, file);
    renamed = true;
    fsyncDir(dir);
  } finally {
    if (!renamed) {
      try {
        fs.closeSync(fd);
      } catch {
        // already closed
      }
      fs.rmSync(temp, { force: true });
    }
  }
}

export function fsyncDir(dir: string): void {
  let fd: number | undefined;
  try {
    fd = fs.openSync(dir, 'r');
    fs.fsyncSync(fd);
  } catch {
    // Some filesystems refuse fsync on directories; the rename itself is still atomic.
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
  }
}

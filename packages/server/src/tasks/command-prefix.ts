import { createHash } from 'node:crypto';
import { chmodSync, mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CommandPrefix } from '@restora/proto';
import { CommandPrefix_CPUNiceLevel, CommandPrefix_IONiceLevel } from '@restora/proto';
import { shellEscape } from '../hooks/vars.js';

/** `nice`/`ionice` words for a repo's CommandPrefix (backrest-api.md §4.7). */
export function prefixArgs(prefix: CommandPrefix | undefined): string[] {
  const out: string[] = [];
  switch (prefix?.cpuNice) {
    case CommandPrefix_CPUNiceLevel.CPU_HIGH:
      out.push('nice', '-n', '-10');
      break;
    case CommandPrefix_CPUNiceLevel.CPU_LOW:
      out.push('nice', '-n', '10');
      break;
  }
  switch (prefix?.ioNice) {
    case CommandPrefix_IONiceLevel.IO_BEST_EFFORT_LOW:
      out.push('ionice', '-c', '2', '-n', '7');
      break;
    case CommandPrefix_IONiceLevel.IO_BEST_EFFORT_HIGH:
      out.push('ionice', '-c', '2', '-n', '0');
      break;
    case CommandPrefix_IONiceLevel.IO_IDLE:
      out.push('ionice', '-c', '3');
      break;
  }
  return out;
}

/**
 * The restic library runs one binary, so a prefix becomes a tiny `exec` wrapper script: `exec` keeps the
 * pid, so cancellation signals still reach restic itself.
 */
export function prefixedBinary(binary: string, prefix: string[], dir: string): string {
  if (prefix.length === 0) return binary;
  const script = `#!/bin/sh\nexec ${[...prefix, binary].map(shellEscape).join(' ')} "$@"\n`;
  const name = `restic-${createHash('sha256').update(script).digest('hex').slice(0, 16)}.sh`;
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const path = join(dir, name);
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, script, { mode: 0o700 });
  chmodSync(tmp, 0o700);
  renameSync(tmp, path);
  return path;
}

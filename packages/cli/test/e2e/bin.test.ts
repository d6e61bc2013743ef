// The installed `restora` launcher (bin/restora.cjs over the built dist/), as a user runs it.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const cliRoot = join(dirname(fileURLToPath(import.meta.url)), '../..');
const bin = join(cliRoot, 'bin/restora.cjs');
const built = existsSync(join(cliRoot, 'dist/main.js'));

function run(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8', timeout: 30_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe.skipIf(!built)('restora launcher (skipped when dist/ is not built: npm test builds first)', () => {
  it('lists serve and rest-server in --help', () => {
    const r = run('--help');
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/\bserve\b/);
    expect(r.stdout).toMatch(/\brest-server\b/);
  });

  it('gives rest-server its own --version line, like restic/rest-server', () => {
    const r = run('rest-server', '--version');
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^rest-server \S+ compiled with node v\d+/);
  });

  it('run as an executable, its shebang line gives node the memory flag and glibc settings', () => {
    // A preload module reports what the launched node got; NODE_OPTIONS carries it through `env -S`.
    const dir = mkdtempSync(join(tmpdir(), 'restora-bin-'));
    try {
      const probe = join(dir, 'probe.cjs');
      writeFileSync(
        probe,
        'const e = process.env; process.stderr.write(JSON.stringify([process.execArgv, e.MALLOC_ARENA_MAX, e.MALLOC_TRIM_THRESHOLD_]) + "\\n");',
      );
      const r = spawnSync(bin, ['--help'], {
        encoding: 'utf8',
        timeout: 30_000,
        env: { ...process.env, NODE_OPTIONS: `--require ${probe}` },
      });
      expect(r.status).toBe(0);
      const [execArgv, arenas, trim] = JSON.parse(r.stderr.split('\n')[0] ?? '') as [
        string[],
        string,
        string,
      ];
      expect(execArgv).toContain('--max-semi-space-size=4');
      expect([arenas, trim]).toEqual(['2', '25165824']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('names an unknown command', () => {
    const r = run('bogus');
    expect(r.status).not.toBe(0);
    expect(r.stderr).toContain('bogus');
  });
});

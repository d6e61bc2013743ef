// Builds the small-commit addon with node-gyp (as better-sqlite3 is built) unless it is newer than its sources.
// A failed build is a warning, not an error: the server then commits small uploads in TypeScript, a bit slower.
import { spawnSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const output = join(here, 'build', 'Release', 'small_commit.node');
const sources = ['small-commit.c', 'binding.gyp'].map((f) => join(here, f));

const mtime = (p) => statSync(p).mtimeMs;
if (existsSync(output) && sources.every((s) => mtime(s) <= mtime(output))) process.exit(0);

// npm gives scripts the path of its own node-gyp; outside npm, the one on PATH.
const gyp = process.env.npm_config_node_gyp;
const [cmd, args] = gyp ? [process.execPath, [gyp]] : ['node-gyp', []];
const run = spawnSync(cmd, [...args, 'rebuild', '--directory', here], {
  stdio: ['ignore', 'ignore', 'pipe'],
});
if (run.status !== 0) {
  const lines = (run.stderr?.toString() ?? '').split('\n');
  const why =
    run.error?.message ??
    lines
      .filter((l) => /error/i.test(l) && !/stack\s+at /.test(l))
      .slice(0, 4)
      .join('\n');
  console.warn(
    `warning: the rest-server's native addon was not built; small uploads take the slower TypeScript commit.\n${why}`,
  );
}

// Issue 14 point 4 with real restic 0.14: a server killed (SIGKILL) while restic runs without an operation
// record leaves no lock that a restart does not remove. The index step reads `--no-lock`; Zerobyte's tag job (an
// exclusive lock, no op) is cut by the kill, and the restart unlocks its repo from the restic journal.
// A named pipe posing as a snapshot file holds restic (after it took its lock) until the test lets it go.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { create } from '@bufbuild/protobuf';
import { DoRepoTaskRequest_Task, OperationStatus, RepoSchema } from '@restora/proto';
import { afterAll, describe, expect, it } from 'vitest';
import { PASSWORD, startHarness, USER, type Harness } from '../../src/api/rest/testing/harness.js';
import { basicHeader, clients, waitFor } from './api-helpers.js';
import { spawnFixture, type FixtureProcess } from './fixture-process.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const REPO_PW = 'pw-stale-locks';
const FIFO_ID = 'f'.repeat(64);

/** restic processes below `root` whose command line holds `word`. */
function resticProcesses(root: number, word: string): number[] {
  const parent = new Map<number, number>();
  for (const name of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${name}/stat`, 'utf8');
      parent.set(Number(name), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]));
    } catch {
      // ended meanwhile
    }
  }
  const below = (pid: number): boolean => {
    for (let p = parent.get(pid); p; p = parent.get(p)) if (p === root) return true;
    return false;
  };
  return [...parent.keys()].filter((pid) => {
    if (!below(pid)) return false;
    try {
      const argv = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
      return path.basename(argv[0] ?? '') === 'restic' && argv.includes(word);
    } catch {
      return false;
    }
  });
}

describe('no stale lock survives a crash (real restic 0.14)', () => {
  let h: Harness | undefined;
  let f: FixtureProcess | undefined;
  let dir = '';
  afterAll(async () => {
    f?.killGroup();
    await h?.close();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('kill -9 during the index step and during a Zerobyte tag job: after a restart prune and check succeed', async () => {
    h = await startHarness('stale-locks');
    dir = h.dir;
    const repoDir = path.join(dir, 'repo');
    const locks = () => fs.readdirSync(path.join(repoDir, 'locks'));
    const first = clients(h.url, { binary: true, authorization: basicHeader(USER, PASSWORD) });
    await first.backrest.addRepo({
      repo: create(RepoSchema, { id: 'local', uri: repoDir, password: REPO_PW }),
    });
    await h.stop();
    h = undefined;

    const fifo = path.join(repoDir, 'snapshots', FIFO_ID);
    execFileSync('mkfifo', [fifo]);
    f = spawnFixture(path.join(here, 'fixtures', 'rest-serve-child.ts'), [dir]);
    const url = await waitFor('child url', async () => /url (\S+)/.exec(f!.out())?.[1], 90_000);
    const api = clients(url, { binary: true, authorization: basicHeader(USER, PASSWORD) });

    // the index step (no op): restic waits on the pipe, holding no lock
    void api.backrest
      .doRepoTask({ repoId: 'local', task: DoRepoTaskRequest_Task.INDEX_SNAPSHOTS })
      .catch(() => 0);
    await waitFor('restic snapshots', async () =>
      resticProcesses(f!.child.pid!, 'snapshots').length ? 1 : undefined,
    );
    await new Promise((r) => setTimeout(r, 500));
    expect(locks()).toEqual([]);
    // stop it (the step fails), then a Zerobyte tag job takes an exclusive lock and waits on the pipe
    for (const pid of resticProcesses(f.child.pid!, 'snapshots')) process.kill(pid, 'SIGINT');
    await waitFor('index step ended', async () =>
      resticProcesses(f!.child.pid!, 'snapshots').length ? undefined : 1,
    );
    const login = await fetch(`${url}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: USER, password: PASSWORD }),
    });
    const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0]!;
    const repos = (await (await fetch(`${url}/api/v1/repositories`, { headers: { cookie } })).json()) as {
      shortId: string;
    }[];
    const tag = await fetch(`${url}/api/v1/repositories/${repos[0]!.shortId}/snapshots/tag`, {
      method: 'POST',
      headers: { cookie, 'content-type': 'application/json' },
      body: JSON.stringify({ snapshotIds: [FIFO_ID], add: ['x'] }),
    });
    expect(tag.status, await tag.clone().text()).toBeLessThan(300);
    const tagPids = await waitFor('restic tag', async () => {
      const pids = resticProcesses(f!.child.pid!, 'tag');
      // a lock restic finished writing (not its `-tmp-` file, which a kill mid-write would leave behind)
      return pids.length && locks().some((n) => /^[0-9a-f]{64}$/.test(n)) ? pids : undefined;
    });
    f.killGroup(); // node and restic die without cleanup
    await f.exited;
    await waitFor('restic gone', async () =>
      tagPids.every((p) => !fs.existsSync(`/proc/${p}`)) ? 1 : undefined,
    );
    expect(locks().length).toBe(1); // restic died holding its exclusive lock
    fs.rmSync(fifo);

    h = await startHarness('stale-locks', { dir });
    expect(locks()).toEqual([]);
    const after = clients(h.url, { binary: true, authorization: basicHeader(USER, PASSWORD) });
    for (const task of [DoRepoTaskRequest_Task.PRUNE, DoRepoTaskRequest_Task.CHECK]) {
      const { operationId } = await after.backrest.doRepoTask({ repoId: 'local', task });
      const op = await waitFor(`op ${operationId}`, async () => {
        const [o] = (await after.backrest.getOperations({ selector: { ids: [operationId] } })).operations;
        return o &&
          o.status !== OperationStatus.STATUS_PENDING &&
          o.status !== OperationStatus.STATUS_INPROGRESS
          ? o
          : undefined;
      });
      expect(OperationStatus[op.status], op.displayMessage).toBe('STATUS_SUCCESS');
    }
  });
});

// Focused harness: listing latency of a restic repository as restic meets it at the start of a command, ours and
// the peer (BENCH_REST_SERVER, or rclone) in alternating rounds: the first index/ and data/ listings of a freshly
// started server ("after restart"), then again right after uploads into index/ and data/ ("after writes").
// One restic backup through the peer makes the repository (BENCH_RESTIC_FILES/MIB, default 2,000 files, 80 MiB).
// Run with `tsx bench/restart-list.ts` after `tsc -b .`; BENCH_REPEAT rounds (default 8).
import { spawnSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cpuMs, startOurs } from './our-server.js';
import { listMs, startGoRestServer, startRclone } from './peers.js';
import type { Peer } from './peers.js';
import { median } from './report.js';

process.env.BENCH_RESTIC_FILES ??= '2000';
process.env.BENCH_RESTIC_MIB ??= '80';
const { makeDataSet } = await import('./restic-data.js');

const REPEAT = Number(process.env.BENCH_REPEAT ?? 8);
const GO_BIN = process.env.BENCH_REST_SERVER;
const PEER = GO_BIN ? 'rest-server' : 'rclone';
const LABELS = ['index after restart', 'data after restart', 'index after writes', 'data after writes'];

const work = mkdtempSync(join(tmpdir(), 'restora-restart-list-'));
const repoDir = join(work, 'repos');

// Both servers answer one `GET /` before the listings (peers.ts waits for the peer that way, on the connection
// the listings then reuse), so neither is measured accepting its first connection and the other not.
async function start(name: string): Promise<Peer> {
  if (name !== 'restora') return GO_BIN ? startGoRestServer(GO_BIN, repoDir) : startRclone(repoDir);
  const p = { name, ...(await startOurs(repoDir)) };
  await (await fetch(p.base + '/')).arrayBuffer();
  return p;
}

async function stop(p: Peer): Promise<void> {
  p.child.kill('SIGTERM');
  await new Promise((r) => p.child.once('exit', r));
}

// What a backup leaves: a few packs in data/xx and one index file.
async function upload(base: string): Promise<void> {
  const put = async (type: string, size: number): Promise<void> => {
    const body = randomBytes(size);
    const id = createHash('sha256').update(body).digest('hex');
    const r = await fetch(`${base}/repo/${type}/${id}`, { method: 'POST', body });
    if (r.status !== 200) throw new Error(`upload ${type}: ${r.status}`);
  };
  await Promise.all([put('data', 1 << 20), put('data', 1 << 20), put('data', 300_000), put('index', 40_000)]);
}

async function round(name: string): Promise<{ ms: number[]; cpu: number }> {
  spawnSync('sync');
  const p = await start(name);
  const pid = p.child.pid ?? 0;
  const c0 = cpuMs(pid);
  const ms = [await listMs(p.base, '/repo/index/'), await listMs(p.base, '/repo/data/')];
  await upload(p.base);
  ms.push(await listMs(p.base, '/repo/index/'), await listMs(p.base, '/repo/data/'));
  const cpu = cpuMs(pid) - c0;
  await stop(p);
  return { ms, cpu };
}

try {
  const src = join(work, 'src');
  makeDataSet(src);
  const peer = await (GO_BIN ? startGoRestServer(GO_BIN, repoDir) : startRclone(repoDir));
  const env = { ...process.env, RESTIC_PASSWORD: 'bench', RESTIC_CACHE_DIR: join(work, 'cache') };
  for (const args of [['init'], ['backup', src]]) {
    const r = spawnSync('/usr/bin/restic', ['-r', `rest:${peer.base}/repo/`, ...args], { env });
    if (r.status !== 0) throw new Error(`restic ${args[0]}: ${r.stderr.toString()}`);
  }
  await stop(peer);
  const samples: Record<string, { ms: number[]; cpu: number }[]> = { restora: [], [PEER]: [] };
  for (let i = -1; i < REPEAT; i++) {
    const order = i % 2 === 0 ? ['restora', PEER] : [PEER, 'restora'];
    for (const name of order) {
      const s = await round(name);
      process.stderr.write(
        `${i < 0 ? 'warm-up' : `round ${i + 1}`} ${name}: ${s.ms.map((x) => x.toFixed(2)).join(' / ')} ms, CPU ${s.cpu} ms\n`,
      );
      if (i >= 0) samples[name]?.push(s);
    }
  }
  const ours = samples.restora ?? [];
  const peer2 = samples[PEER] ?? [];
  console.log(`| listing | restora | ${PEER} | median ratio (${PEER} / restora) |\n|---|---|---|---|`);
  LABELS.forEach((label, j) => {
    const o = ours.map((s) => s.ms[j] ?? 0);
    const g = peer2.map((s) => s.ms[j] ?? 0);
    const ratio = median(o.map((x, k) => (g[k] ?? 0) / x));
    console.log(
      `| ${label} | ${median(o).toFixed(2)} ms | ${median(g).toFixed(2)} ms | ${ratio.toFixed(2)}x |`,
    );
  });
  console.log(
    `server CPU per round: restora ${median(ours.map((s) => s.cpu))} ms, ${PEER} ${median(peer2.map((s) => s.cpu))} ms`,
  );
} finally {
  rmSync(work, { recursive: true, force: true });
}

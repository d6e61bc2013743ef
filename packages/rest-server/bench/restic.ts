// What users run: real restic (/usr/bin/restic) through our server and a peer, in alternating rounds; each round
// gets a fresh server, repository and cache. Prints per-phase ratios (peer time / our time), server CPU and RSS.
// Run with `npm run bench:restic -w @restora/rest-server`; BENCH_REST_SERVER=/path/to/rest-server names the peer
// (rclone serve restic otherwise).
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DATA, makeDataSet } from './restic-data.js';
import { cpuMs, launcherEnv, launcherNodeFlags, startOurs } from './our-server.js';
import { listMs, peakRssMb, startGoRestServer, startRclone } from './peers.js';
import type { Peer } from './peers.js';
import { median } from './report.js';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 8);
const QUIET = Number(process.env.BENCH_QUIET ?? 4);
const GO_BIN = process.env.BENCH_REST_SERVER;
const PEER = GO_BIN ? 'rest-server' : 'rclone';
const PHASES = ['init', 'backup', 'check', 'restore', 'backup2', 'prune'] as const;
const LISTS = ['index after writes', 'data after writes', 'index after restart', 'data after restart'];

interface Sample {
  secs: Record<string, number>; // per phase
  listMs: number[]; // LISTS, in order
  cpuMs: Record<string, number>; // server CPU per phase
  idleMb: number; // VmRSS 1 s after start
  peakMb: number; // VmHWM at the end of the round
  peakAfter: Record<string, number>; // VmHWM after each phase: which one raised it
}

const work = mkdtempSync(join(tmpdir(), 'restora-restic-bench-'));
const src = join(work, 'src');

function startServer(name: string, dir: string): Promise<Peer> {
  if (name === 'restora') return startOurs(dir).then((s) => ({ name, ...s }));
  return GO_BIN ? startGoRestServer(GO_BIN, dir) : startRclone(dir);
}

// After a restart both servers have answered one `GET /` before the listings are timed (peers.ts waits for the
// peer that way, on the connection the listings then reuse), so neither is timed accepting its first connection
// and the other not. Not at the round's start: the idle RSS is read before any request.
async function restart(name: string, dir: string): Promise<Peer> {
  const p = await startServer(name, dir);
  if (name === 'restora') await (await fetch(p.base + '/')).arrayBuffer();
  return p;
}

function restic(repo: string, cache: string, args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn('/usr/bin/restic', args, {
      env: {
        PATH: process.env.PATH ?? '/usr/bin:/bin',
        HOME: work,
        RESTIC_REPOSITORY: repo,
        RESTIC_PASSWORD: 'bench',
        RESTIC_CACHE_DIR: cache,
      },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let err = '';
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`restic ${args[0]}: ${err}`))));
  });
}

const idleRssMb = (pid: number): number =>
  Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0) / 1024;

async function oneRound(name: string, round: number): Promise<Sample> {
  const dir = join(work, `${name}-${round}`);
  const cache = join(dir + '-cache');
  mkdirSync(dir);
  const s: Sample = { secs: {}, listMs: [], cpuMs: {}, idleMb: 0, peakMb: 0, peakAfter: {} };
  let server = await startServer(name, dir);
  const pid = server.child.pid ?? 0;
  try {
    await new Promise((r) => setTimeout(r, 1000));
    s.idleMb = idleRssMb(pid);
    const repo = `rest:${server.base}/repo/`;
    const target = join(dir + '-restore');
    const steps: Record<(typeof PHASES)[number], string[]> = {
      init: ['init'],
      backup: ['backup', src, '--exclude', join(src, 'extra')],
      check: ['check', '--read-data'],
      restore: ['restore', 'latest', '--target', target],
      backup2: ['backup', src, '--exclude', join(src, 'old')], // same paths: the first snapshot is its parent
      prune: ['forget', '--keep-last', '1', '--prune'],
    };
    for (const phase of PHASES) {
      spawnSync('sync'); // no server pays for the write-back of what came before
      const c0 = cpuMs(pid);
      const t0 = process.hrtime.bigint();
      await restic(repo, cache, steps[phase]);
      s.secs[phase] = Number(process.hrtime.bigint() - t0) / 1e9;
      s.cpuMs[phase] = cpuMs(pid) - c0;
      s.peakAfter[phase] = peakRssMb(pid);
      if (phase === 'backup')
        s.listMs.push(await listMs(server.base, '/repo/index/'), await listMs(server.base, '/repo/data/'));
      if (phase === 'restore') rmSync(target, { recursive: true, force: true });
    }
    s.peakMb = peakRssMb(pid);
    server.child.kill('SIGTERM');
    await new Promise((r) => server.child.once('exit', r));
    server = await restart(name, dir); // what the first listings cost a fresh process
    s.listMs.push(await listMs(server.base, '/repo/index/'), await listMs(server.base, '/repo/data/'));
  } finally {
    server.child.kill('SIGTERM');
    await new Promise((r) => setTimeout(r, 300));
    for (const d of [dir, cache]) rmSync(d, { recursive: true, force: true });
  }
  return s;
}

const f2 = (n: number): string => n.toFixed(2);

function report(samples: Record<string, Sample[]>, bytes: number): void {
  const ours = samples.restora ?? [];
  const peer = samples[PEER] ?? [];
  // Quiet rounds: the ones whose two runs took least wall time in all (least disturbed on a shared machine).
  const wall = (s: Sample): number => Object.values(s.secs).reduce((a, b) => a + b, 0);
  const quiet = ours
    .map((o, i) => ({ i, t: wall(o) + wall(peer[i] ?? o) }))
    .sort((a, b) => a.t - b.t)
    .slice(0, QUIET)
    .map((x) => x.i);
  const ratios = (f: (s: Sample) => number, idx: number[]): number[] =>
    idx.map((i) => f(peer[i] ?? ours[i]!) / f(ours[i]!));
  const all = ours.map((_, i) => i);
  const row = (label: string, f: (s: Sample) => number, unit: string): string => {
    const r = ratios(f, all);
    const behind = r.filter((x) => x < 1).length;
    return `| ${label} | ${f2(median(ours.map(f)))} ${unit} | ${f2(median(peer.map(f)))} ${unit} | ${f2(median(r))}x | ${f2(median(ratios(f, quiet)))}x | ${behind}/${r.length} |`;
  };
  console.log(
    `\nrestic 0.14 through restora (node ${process.version} ${launcherNodeFlags().join(' ')}, ` +
      `${Object.entries(launcherEnv())
        .map(([k, v]) => `${k}=${v}`)
        .join(' ')}) and ${PEER}; ${ROUNDS} alternating rounds; ${DATA.files} files, ` +
      `${(bytes / 1e6).toFixed(0)} MB; ratio = ${PEER} / restora per round (above 1: restora faster)\n`,
  );
  console.log(
    `| phase | restora | ${PEER} | median ratio | ${QUIET} quietest rounds | rounds restora behind |`,
  );
  console.log('|---|---|---|---|---|---|');
  for (const p of PHASES) console.log(row(p, (s) => s.secs[p] ?? 0, 's'));
  LISTS.forEach((l, j) => console.log(row(`list ${l}`, (s) => s.listMs[j] ?? 0, 'ms')));
  const cpuPerGb = (s: Sample): number => (s.cpuMs.backup ?? 0) / (bytes / 1e9);
  console.log(row('server CPU in backup per GB', cpuPerGb, 'ms'));
  const total = (s: Sample): number => Object.values(s.cpuMs).reduce((a, b) => a + b, 0);
  console.log(row('server CPU, all phases', total, 'ms'));
  const mem = (xs: Sample[], k: 'idleMb' | 'peakMb'): string =>
    `median ${f2(median(xs.map((s) => s[k])))} MB, max ${f2(Math.max(...xs.map((s) => s[k])))} MB`;
  console.log(`\nidle RSS: restora ${mem(ours, 'idleMb')}; ${PEER} ${mem(peer, 'idleMb')}`);
  console.log(`peak RSS: restora ${mem(ours, 'peakMb')}; ${PEER} ${mem(peer, 'peakMb')}`);
  console.log(`quiet rounds: ${quiet.map((i) => i + 1).join(', ')}`);
}

async function main(): Promise<void> {
  const bytes = makeDataSet(src);
  const samples: Record<string, Sample[]> = { restora: [], [PEER]: [] };
  for (let round = -1; round < ROUNDS; round++) {
    // A warm-up round (not counted), then the order alternates every round.
    const order = round % 2 === 0 ? ['restora', PEER] : [PEER, 'restora'];
    for (const name of order) {
      const s = await oneRound(name, round + 1);
      const secs = PHASES.map((p) => `${p} ${f2(s.secs[p] ?? 0)}`).join(', ');
      process.stderr.write(
        `${round < 0 ? 'warm-up' : `round ${round + 1}/${ROUNDS}`} ${name}: ${secs}; lists ${s.listMs.map(f2).join('/')} ms; ` +
          `CPU ${PHASES.map((p) => s.cpuMs[p] ?? 0).join('/')} ms; RSS idle ${f2(s.idleMb)} peak ${f2(s.peakMb)} MB ` +
          `(after ${PHASES.map((p) => `${p} ${(s.peakAfter[p] ?? 0).toFixed(0)}`).join(', ')})\n`,
      );
      if (round >= 0) samples[name]?.push(s);
    }
  }
  report(samples, bytes);
}

try {
  await main();
} finally {
  rmSync(work, { recursive: true, force: true });
}

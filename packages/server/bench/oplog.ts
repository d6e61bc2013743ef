// Oplog benchmark: 1M realistic operations, then GetOperations by plan (last 100), GetSummaryDashboard and startup
// (open + scrub + ready) on Restora's store, side by side with a peer laid out and queried as Backrest's SQLite
// store is (bench/backrest-peer.ts), over the same operations.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { create } from '@bufbuild/protobuf';
import { ConfigSchema } from '@restora/proto';
import { SqliteOpLog } from '../src/oplog/sqlite-store.js';
import { backupOp } from '../src/oplog/test-ops.js';
import { DashboardService } from '../src/services/dashboard-service.js';
import { BackrestPeer, buildPeerFile } from './backrest-peer.js';
import { allPlans, allRepos, generate, INSTANCE, PLANS_PER_REPO } from './oplog-data.js';
import { fmt, percentile, sample, samples, time, timeBlocking, type Samples } from './stats.js';

const TOTAL = Number(process.env.BENCH_OPS ?? 1_000_000);
const NOW = Date.now();
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'restora-bench-oplog-'));
const file = path.join(dir, 'oplog.sqlite');
const peerFile = path.join(dir, 'backrest-peer.sqlite');

interface Row {
  what: string;
  target: string;
  ours: Samples;
  peer?: Samples;
}
const rows: Row[] = [];

async function main(): Promise<void> {
  console.log(`oplog bench: ${TOTAL.toLocaleString()} operations in ${dir}`);
  console.log(`machine: ${os.cpus().length} cores, load average ${os.loadavg()[0]!.toFixed(1)} at start`);
  let store = SqliteOpLog.open({ file });
  // Setup through the bulk loader (same validation, ids and modno as add; indexes and aggregates built once).
  const [, loadMs] = time(() => store.importBulk(generate(TOTAL, NOW)));
  console.log(`bulk load: ${fmt(loadMs)} (${Math.round(TOTAL / (loadMs / 1000)).toLocaleString()} ops/s)`);
  store.close();
  const [, peerMs] = time(() => buildPeerFile(file, peerFile));
  console.log(
    `database size: ${(fs.statSync(file).size / 1e6).toFixed(0)} MB ours, ` +
      `${(fs.statSync(peerFile).size / 1e6).toFixed(0)} MB peer (copied in ${fmt(peerMs)})`,
  );

  // Startup: open (migrations, max id/modno) + scrub + ready. The first run also pays the scrub's writes.
  const startups = sample(5, () => {
    store = SqliteOpLog.open({ file });
    store.scrub(INSTANCE, { nowMs: NOW });
    store.count({ ids: [1n] });
    store.close();
  });
  const peerStartups = sample(5, () => {
    const p = new BackrestPeer(peerFile);
    p.unfinished();
    p.close();
  });

  store = SqliteOpLog.open({ file });
  const peer = new BackrestPeer(peerFile);
  const plans = allPlans();
  const repos = allRepos();
  const config = create(ConfigSchema, {
    instance: INSTANCE,
    repos: repos.map((id) => ({ id })),
    plans: plans.map((id, i) => ({
      id,
      repo: repos[Math.floor(i / PLANS_PER_REPO)]!,
      schedule: { schedule: { case: 'maxFrequencyHours' as const, value: 1 } },
    })),
  });
  const dashboard = new DashboardService({
    config: () => config,
    oplog: store,
    upcoming: () => plans.map((p, i) => ({ key: `backup:${p}`, runAt: NOW + i * 60_000 })),
    configPath: '/bench/config.json',
    dataPath: dir,
    now: () => NOW,
  });
  // The first call after open: no warm-up of any kind.
  const firstDash = sample(1, () => dashboard.summary());
  const firstPeerDash = sample(1, () => peer.dashboard(INSTANCE, plans, repos, NOW));

  for (const p of plans) (store.query({ planId: p }, { lastN: 100 }), peer.lastNByPlan(p, 100)); // warm-up
  let n = 0;
  const byPlan = sample(
    500,
    (i) => (n += store.query({ planId: plans[i % plans.length]! }, { lastN: 100 }).length),
  );
  if (n !== 500 * 100) throw new Error(`expected 100 ops per query, got ${n / 500}`);
  const peerByPlan = sample(500, (i) => peer.lastNByPlan(plans[i % plans.length]!, 100));

  // What a running server does all the time: add one op, write progress into a running backup.
  const running = store.query({ planId: plans[0]!, kinds: ['operationBackup'] }, { lastN: 1 })[0]!;
  const addOne = sample(200, (i) =>
    store.add(
      backupOp({ planId: plans[i % plans.length]!, instanceId: INSTANCE, startMs: NOW - 60_000, endMs: NOW }),
    ),
  );
  const progress = sample(200, () => store.update(running));
  const lastRun = sample(500, (i) =>
    store.lastFinishedBackup({ planId: plans[i % plans.length]!, instanceId: INSTANCE }),
  );
  // Before each sample a running backup writes progress, and every 5th round a backup finishes (a new op today);
  // 20 warm-up rounds (the JIT tiers up over the first ~10 calls; page cache) are not recorded.
  const dash = samples();
  for (let i = -20; i < 300; i++) {
    store.update(running);
    if (i % 5 === 0)
      store.add(backupOp({ planId: plans[(i + 20) % plans.length]!, instanceId: INSTANCE, startMs: NOW }));
    const [, wall, cpu] = time(() => dashboard.summary());
    if (i >= 0) (dash.push(wall), dash.cpu.push(cpu));
  }
  // The peer decodes every op of the window (seconds per call): one warm-up and a few samples are enough.
  peer.dashboard(INSTANCE, plans, repos, NOW);
  const peerDash = sample(Number(process.env.BENCH_PEER_DASH ?? 5), () =>
    peer.dashboard(INSTANCE, plans, repos, NOW),
  );
  peer.close();
  store.close();

  // History GC on the full log (first run on an old history: the worst case; daily runs delete a day's worth).
  // It deletes over a quarter of the log, so it runs only with BENCH_GC=1.
  if (process.env.BENCH_GC) {
    store = SqliteOpLog.open({ file });
    const [res, gcMs, blockMs] = await timeBlocking(() => store.collectGarbage({ nowMs: NOW }));
    console.log(
      `garbage collection: ${fmt(gcMs)} (${res.deletedIds.length.toLocaleString()} ops collected), ` +
        `longest event-loop block ${fmt(blockMs)} (target < 100 ms)`,
    );
    store.close();
  }

  rows.push(
    { what: 'GetOperations by plan (last 100)', target: 'p99 < 10 ms', ours: byPlan, peer: peerByPlan },
    { what: 'GetSummaryDashboard', target: 'p99 < 30 ms', ours: dash, peer: peerDash },
    { what: 'GetSummaryDashboard, first after open', target: '-', ours: firstDash, peer: firstPeerDash },
    { what: 'startup (open + scrub + ready)', target: '< 2 s', ours: startups, peer: peerStartups },
    { what: 'last finished backup of a plan', target: '-', ours: lastRun },
    { what: 'add one op', target: '-', ours: addOne },
    { what: 'progress write (update a running op)', target: '-', ours: progress },
  );
  printTable();
}

function printTable(): void {
  console.log(
    `\nload average at end: ${os.loadavg()[0]!.toFixed(1)}. Wall-clock percentiles; "cpu p99" is this process's CPU\n` +
      'time, which a machine busy with other work does not inflate. Peer: Backrest-style blobs + indexed columns,\n' +
      'ORDER BY start time ... LIMIT per plan/repo group (bench/backrest-peer.ts). Ratio = peer p50 / ours p50.',
  );
  const widths = [38, 10, 10, 10, 10, 10, 10, 14];
  const head = [
    'measure',
    'ours p50',
    'ours p99',
    'cpu p99',
    'peer p50',
    'peer p99',
    'peer cpu',
    'ratio (p50)',
  ];
  console.log([...head.map((h, i) => h.padEnd(widths[i]!)), 'target'].join(' '));
  for (const r of rows) {
    const o50 = percentile(r.ours, 50);
    const p50 = r.peer ? percentile(r.peer, 50) : NaN;
    const ratio = p50 / o50;
    const cells = [
      r.what,
      fmt(o50),
      fmt(percentile(r.ours, 99)),
      fmt(percentile(r.ours.cpu, 99)),
      r.peer ? fmt(p50) : '-',
      r.peer ? fmt(percentile(r.peer, 99)) : '-',
      r.peer ? fmt(percentile(r.peer.cpu, 99)) : '-',
      !r.peer ? '-' : ratio >= 1 ? `${ratio.toFixed(1)}x faster` : `${(1 / ratio).toFixed(1)}x slower`,
    ];
    console.log([...cells.map((c, i) => c.padEnd(widths[i]!)), r.target].join(' '));
  }
}

try {
  await main();
} finally {
  if (process.env.BENCH_KEEP) console.log(`kept ${dir}`);
  else fs.rmSync(dir, { recursive: true, force: true });
}

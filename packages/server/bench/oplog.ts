// Oplog benchmark: 1M realistic operations, then GetOperations-by-plan (last 100), dashboard summaries and
// startup (open + scrub + ready) on Restora's indexed SQLite store, side by side with the naive Backrest-style
// peer (protobuf blobs decoded and filtered in JS) over the SAME database file.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { SqliteOpLog } from '../src/oplog/sqlite-store.js';
import { backupOp } from '../src/oplog/test-ops.js';
import { NaiveOpLog } from './naive-peer.js';
import { allPlans, allRepos, generate, INSTANCE } from './oplog-data.js';
import { fmt, percentile, sample, samples, time, timeBlocking, type Samples } from './stats.js';

const TOTAL = Number(process.env.BENCH_OPS ?? 1_000_000);
const NOW = Date.now();
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'restora-bench-oplog-'));
const file = path.join(dir, 'oplog.sqlite');

interface Row {
  what: string;
  target: string;
  ours: Samples;
  peer?: Samples;
}
const rows: Row[] = [];

async function main(): Promise<void> {
  console.log(`oplog bench: ${TOTAL.toLocaleString()} operations in ${file}`);
  console.log(`machine: ${os.cpus().length} cores, load average ${os.loadavg()[0]!.toFixed(1)} at start`);
  let store = SqliteOpLog.open({ file });
  // Setup through the normal write path, 5000 ops per transaction.
  const [, insertMs] = time(() => {
    for (const batch of generate(TOTAL, NOW)) store.add(...batch);
  });
  console.log(`insert: ${fmt(insertMs)} (${Math.round(TOTAL / (insertMs / 1000)).toLocaleString()} ops/s)`);
  store.close();
  console.log(`database size: ${(fs.statSync(file).size / 1e6).toFixed(0)} MB`);

  // Startup: open (migrations, max id/modno) + scrub + ready. The first run also pays the scrub's writes.
  const startups = sample(5, () => {
    store = SqliteOpLog.open({ file });
    store.scrub(INSTANCE, { nowMs: NOW });
    store.count({ ids: [1n] });
    store.close();
  });
  store = SqliteOpLog.open({ file });

  const plans = allPlans();
  const repos = allRepos();
  for (const p of plans) store.query({ planId: p }, { lastN: 100 }); // warm-up, not recorded
  let n = 0;
  const byPlan = sample(
    500,
    (i) => (n += store.query({ planId: plans[i % plans.length]! }, { lastN: 100 }).length),
  );
  if (n !== 500 * 100) throw new Error(`expected 100 ops per query, got ${n / 500}`);
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
  // Before each sample a running backup writes progress (as every second during backups): today's aggregate is
  // recomputed each time, earlier days come from the store's per-day cache.
  const dashboard = samples();
  // 3 warm-up rounds (JIT, page cache, the store's per-day cache) are not recorded.
  for (let i = -3; i < 30; i++) {
    store.update(running);
    const [, wall, cpu] = time(() => {
      store.summaries({ groupBy: 'plan', ids: plans, instanceId: INSTANCE, nowMs: NOW });
      store.summaries({ groupBy: 'repo', ids: repos, instanceId: INSTANCE, nowMs: NOW });
    });
    if (i < 0) continue;
    dashboard.push(wall);
    dashboard.cpu.push(cpu);
  }
  store.close();

  // The peer reads the same file without our columns: one run each is plenty (each decodes every op).
  const db = new Database(file, { readonly: true });
  const naive = new NaiveOpLog(db);
  const naiveByPlan = sample(1, (i) => naive.lastNByPlan(plans[i]!, 100));
  const naiveDash = sample(1, () => naive.dashboard(INSTANCE, NOW));
  db.close();
  const naiveStart = sample(1, () => {
    const d = new Database(file, { readonly: true });
    new NaiveOpLog(d).unfinished();
    d.close();
  });

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
    { what: 'GetOperations by plan (last 100)', target: 'p99 < 10 ms', ours: byPlan, peer: naiveByPlan },
    { what: 'dashboard summaries (plans + repos)', target: 'p99 < 100 ms', ours: dashboard, peer: naiveDash },
    { what: 'startup (open + scrub + ready)', target: '< 2 s', ours: startups, peer: naiveStart },
    { what: 'last finished backup of a plan', target: '-', ours: lastRun },
    { what: 'add one op', target: '-', ours: addOne },
    { what: 'progress write (update a running op)', target: '-', ours: progress },
  );
  printTable();
}

function printTable(): void {
  console.log(
    `\nload average at end: ${os.loadavg()[0]!.toFixed(1)}. Wall-clock percentiles; "cpu p99" is this process's CPU time,\n` +
      'which a machine busy with other work does not inflate.',
  );
  const widths = [38, 12, 12, 12, 12, 12, 14];
  console.log(
    ['measure', 'ours p50', 'ours p99', 'cpu p99', 'naive', 'naive cpu', 'ratio (p50)', 'target']
      .map((h, i) => h.padEnd(widths[i] ?? 0))
      .join(' '),
  );
  for (const r of rows) {
    const o50 = percentile(r.ours, 50);
    const p50 = r.peer ? percentile(r.peer, 50) : NaN;
    console.log(
      [
        r.what.padEnd(38),
        fmt(o50).padEnd(12),
        fmt(percentile(r.ours, 99)).padEnd(12),
        fmt(percentile(r.ours.cpu, 99)).padEnd(12),
        (r.peer ? fmt(p50) : '-').padEnd(12),
        (r.peer ? fmt(percentile(r.peer.cpu, 50)) : '-').padEnd(12),
        (r.peer ? `${(p50 / o50).toFixed(0)}x faster` : '-').padEnd(14),
        r.target,
      ].join(' '),
    );
  }
}

try {
  await main();
} finally {
  if (process.env.BENCH_KEEP) console.log(`kept ${file}`);
  else fs.rmSync(dir, { recursive: true, force: true });
}

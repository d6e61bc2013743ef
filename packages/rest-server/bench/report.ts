// The benchmark's table: medians of the counted rounds, ratios against each peer and the issue's reference.
import type { Phase } from './phases.js';
import { launcherEnv, launcherNodeFlags } from './our-server.js';

// restic/rest-server 0.14 on a machine like this one, as given in the issue (disk limit there ~570 MiB/s).
const REF: Record<Phase, number> = { up8: 379, up64: 1634, full: 762, ranged: 440, listMs: 6.6 };

export interface Report {
  samples: Record<string, Record<Phase, number[]>>;
  rss: Record<string, number>;
  dd: number;
  pool4: number;
  phases: Phase[];
  threads: string;
  rounds: number;
  loads: {
    BIG: { count: number; clients: number };
    SMALL: { count: number; clients: number };
    RANGED: { clients: number };
    LIST: { objects: number };
  };
}

export const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? (s[m] ?? 0) : ((s[m - 1] ?? 0) + (s[m] ?? 0)) / 2;
};
const f = (n: number): string => (n >= 100 ? n.toFixed(0) : n.toFixed(1));
const lowerIsBetter = (p: Phase): boolean => p === 'listMs';
/** How many times better ours is than `other` (above 1: ours is better). */
const ratio = (p: Phase, ours: number, other: number): string =>
  `${(lowerIsBetter(p) ? other / ours : ours / other).toFixed(2)}x`;

export function printReport(r: Report): void {
  const { BIG, SMALL, RANGED, LIST } = r.loads;
  const label: Record<Phase, string> = {
    up8: `upload 8 MiB x${BIG.count}, ${BIG.clients} clients`,
    up64: `upload 64 KiB x${SMALL.count}, ${SMALL.clients} clients`,
    full: `download 8 MiB, ${BIG.clients} clients`,
    ranged: `ranged 1 MiB reads, ${RANGED.clients} clients`,
    listMs: `v2 list, ${LIST.objects} objects (latency)`,
  };
  const unit: Record<Phase, string> = {
    up8: 'MiB/s',
    up64: 'req/s',
    full: 'MiB/s',
    ranged: 'req/s',
    listMs: 'ms',
  };
  const peers = Object.keys(r.samples).filter((n) => n !== 'restora');
  const med = (name: string, p: Phase): number => median(r.samples[name]?.[p] ?? []);

  if (r.dd)
    console.log(
      `\ndisk limit: dd bs=8M conv=fsync of the same ${BIG.count * 8} MiB = ${r.dd.toFixed(0)} MiB/s`,
    );
  console.log(
    `restora server: node ${[process.version, ...launcherNodeFlags()].join(' ')}, compiled dist/, ` +
      `${Object.entries(launcherEnv())
        .map(([k, v]) => `${k}=${v}, `)
        .join('')}UV_THREADPOOL_SIZE=${r.threads}; ` +
      `medians of ${r.rounds} rounds after a warm-up round\n`,
  );
  const head = [
    'load',
    'restora',
    ...peers.flatMap((p) => [p, `ours/${p}`]),
    'rest-server 0.14 ref (ours/ref)',
  ];
  console.log(`| ${head.join(' | ')} |`);
  console.log(`|${head.map(() => '---').join('|')}|`);
  for (const p of r.phases) {
    const ours = med('restora', p);
    const cells = [label[p], `${f(ours)} ${unit[p]}`];
    for (const peer of peers) cells.push(`${f(med(peer, p))} ${unit[p]}`, ratio(p, ours, med(peer, p)));
    cells.push(`${f(REF[p])} ${unit[p]} (${ratio(p, ours, REF[p])})`);
    console.log(`| ${cells.join(' | ')} |`);
  }
  const rss = [
    'server peak RSS (VmHWM)',
    `${f(r.rss.restora ?? 0)} MB`,
    ...peers.flatMap((p) => [`${f(r.rss[p] ?? 0)} MB`, '']),
    'target < 150 MB',
  ];
  console.log(`| ${rss.join(' | ')} |`);

  console.log('\nevery counted round:');
  for (const [name, byPhase] of Object.entries(r.samples))
    console.log(`  ${name}: ${r.phases.map((p) => `${p} ${byPhase[p].map(f).join('/')}`).join(', ')}`);
  for (const peer of peers) printPairedRounds(r, peer);
  if (r.dd && r.phases.includes('up8'))
    console.log(
      `uploads 8 MiB: ours = ${((med('restora', 'up8') / r.dd) * 100).toFixed(0)}% of the dd limit (target >= 80%)`,
    );
  if (r.pool4) console.log(`upload 64 KiB with UV_THREADPOOL_SIZE=4 (Node default): ${f(r.pool4)} req/s`);
  console.log('ratios: higher is better for ours (for the listing: their latency / ours)');
  console.log(
    'rclone neither fsyncs nor verifies uploads; restora and rest-server fsync file + directory and check SHA-256.',
  );
}

/**
 * Ours against one peer within each round: the disk's pace drifts from round to round and with the position in
 * the rotation, so the median of these ratios is steadier than the ratio of the two medians in the table.
 */
function printPairedRounds(r: Report, peer: string): void {
  const cells = r.phases.map((p) => {
    const theirs = r.samples[peer]?.[p] ?? [];
    const ratios = (r.samples.restora?.[p] ?? []).map((x, i) =>
      lowerIsBetter(p) ? (theirs[i] ?? NaN) / x : x / (theirs[i] ?? NaN),
    );
    return `${p} ${median(ratios).toFixed(2)}x (ahead in ${ratios.filter((x) => x > 1).length}/${ratios.length})`;
  });
  console.log(`per-round ratio ours/${peer}, median: ${cells.join(', ')}`);
}

// `restora --help` and every verb's help against `node -e 0` (the floor any node CLI pays), side by side.
// Target: under 300 ms each; the ratio shows what Restora adds on top of starting node on this machine.
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const bin = join(dirname(fileURLToPath(import.meta.url)), '../bin/restora.cjs');
const ROUNDS = Number(process.env.ROUNDS ?? 7);
const VERBS = [
  'serve',
  'rest-server',
  'login',
  'status',
  'repos',
  'plans',
  'backup',
  'snapshots',
  'ls',
  'restore',
  'forget',
  'prune',
  'check',
  'stats',
  'unlock',
  'ops',
  'logs',
  'cancel',
  'version',
];

function ms(args: string[]): number {
  const t = process.hrtime.bigint();
  const r = spawnSync(process.execPath, args, { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${args.join(' ')} exited ${r.status}: ${r.stderr}`);
  return Number(process.hrtime.bigint() - t) / 1e6;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;

const cases: [string, string[]][] = [
  ['restora --help', [bin, '--help']],
  ...VERBS.map((v): [string, string[]] => [`restora ${v} --help`, [bin, v, '--help']]),
  ['restora config check --help', [bin, 'config', 'check', '--help']],
];

console.log(`rounds: ${ROUNDS} (each case alternates with the peer \`node -e 0\`); medians in ms`);
console.log(
  `${'case'.padEnd(32)} ${'restora'.padStart(8)} ${'peer'.padStart(8)} ${'ratio'.padStart(6)}  <300ms`,
);
let worst = 0;
for (const [name, args] of cases) {
  const ours: number[] = [];
  const peer: number[] = [];
  for (let i = 0; i < ROUNDS; i++) {
    peer.push(ms(['-e', '0']));
    ours.push(ms(args));
  }
  const [o, p] = [median(ours), median(peer)];
  worst = Math.max(worst, o);
  console.log(
    `${name.padEnd(32)} ${o.toFixed(0).padStart(8)} ${p.toFixed(0).padStart(8)} ${(o / p).toFixed(2).padStart(6)}  ${o < 300 ? 'yes' : 'NO'}`,
  );
}
console.log(`slowest help: ${worst.toFixed(0)} ms`);

// One timed backup in a fresh plain-Node process (compiled dist, no tsx), reported as JSON on stdout.
// mode `wrapper`: through @restora/restic's backupStream; mode `bare`: restic spawned directly with the same
// environment and flags, output discarded. Both sides thus pay the same Node process cost, and the peak RSS
// is the wrapper's own, not the benchmark driver's.
import { spawn } from 'node:child_process';
import { Restic } from '@restora/restic';

const [mode, repository, cacheDir, ...paths] = process.argv.slice(2);
const bin = process.env.RESTIC ?? 'restic';
const restic = new Restic({ repository, cacheDir, password: process.env.BENCH_PASSWORD, binaryPath: bin });
await restic.version(); // detected once per process; a server pays this once at start

let peak = process.memoryUsage.rss();
const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage.rss())), 25);
const start = performance.now();
const cpuStart = process.cpuUsage();
let messages = 0;
let snapshotId;
if (mode === 'wrapper') {
  const stream = restic.backupStream({ paths });
  for await (const _ of stream) messages++;
  snapshotId = (await stream.result).snapshotId;
} else {
  const env = {
    ...process.env,
    RESTIC_REPOSITORY: repository,
    RESTIC_PASSWORD: process.env.BENCH_PASSWORD,
    RESTIC_CACHE_DIR: cacheDir,
    RESTIC_PROGRESS_FPS: '2',
  };
  const child = spawn(await restic.binary(), ['backup', '--json', ...paths], {
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout.on('data', (d) => (messages += d.length > 0 ? 1 : 0));
  child.stderr.resume();
  const code = await new Promise((resolve) => child.once('close', resolve));
  if (code !== 0) throw new Error(`restic exit ${code}`);
  snapshotId = 'bare';
}
const ms = performance.now() - start;
const cpu = process.cpuUsage(cpuStart);
const cpuMs = (cpu.user + cpu.system) / 1000;
clearInterval(sampler);
peak = Math.max(peak, process.memoryUsage.rss());
console.log(
  JSON.stringify({
    ms,
    cpuMs,
    messages,
    snapshotId,
    peakRss: peak,
    maxRss: process.resourceUsage().maxRSS * 1024,
  }),
);

// Runs one wrapper backup in a fresh plain-Node process (compiled dist, no tsx) and reports its timing
// and memory as JSON, so the peak RSS is the wrapper's own, not the benchmark driver's.
import { Restic } from '@restora/restic';

const [repository, cacheDir, ...paths] = process.argv.slice(2);
const restic = new Restic({
  repository,
  cacheDir,
  password: process.env.BENCH_PASSWORD,
  binaryPath: process.env.RESTIC ?? 'restic',
});
await restic.version(); // detected once per process; a server pays this once at start
let peak = process.memoryUsage.rss();
const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage.rss())), 25);
const start = performance.now();
let messages = 0;
const stream = restic.backupStream({ paths });
for await (const _ of stream) messages++;
const result = await stream.result;
const ms = performance.now() - start;
clearInterval(sampler);
peak = Math.max(peak, process.memoryUsage.rss());
console.log(
  JSON.stringify({
    ms,
    messages,
    snapshotId: result.snapshotId,
    peakRss: peak,
    maxRss: process.resourceUsage().maxRSS * 1024,
  }),
);

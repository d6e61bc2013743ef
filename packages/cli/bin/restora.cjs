#!/usr/bin/env -S MALLOC_ARENA_MAX=2 MALLOC_TRIM_THRESHOLD_=25165824 node --max-semi-space-size=4 --interrupt-budget=262144
// A small young generation (4 MB semi-spaces; Node's default is 16) makes V8 free request bodies' memory sooner:
// restora rest-server's peak RSS in its benchmark fell from 166 to 139-146 MB, with throughput within the noise.
// glibc hands freed heap back to the kernel once 128 KiB lie free at its top, so uploads kept faulting their body
// buffers in afresh (100-200 page faults per 8 MiB upload, costly on a VM). Keeping up to 24 MiB cut that to a
// few: 8 MiB uploads went from 0.93x to 1.09x restic/rest-server in rest-server/bench/versus.ts (median of the
// per-round ratios, 8 rounds). Two malloc arenas instead of one per thread keep that from multiplying: peak RSS
// in the full benchmark was 156 MB without the cap (target < 150), 141 MB with it.
// A 4x interrupt budget (V8's default is 67584) keeps Node's ES module resolver from being optimised by TurboFan
// while the code loads, which paged in 4 MB of the compiler: rest-server's idle RSS 54 -> 49.7 MB. Hot code is still
// optimised, later: a fresh server used 20-35 % more user CPU per small upload (rest-server/README.md).
// CommonJS on purpose: the libuv pool size must be set before anything uses the pool, and loading
// an ES module already does. A bigger pool lets many concurrent uploads fsync in parallel.
process.env.UV_THREADPOOL_SIZE ??= '64';
// The code is in dist/ (built by `npm run build`); this file is committed so npm can link the bin first.
import('../dist/main.js').catch((err) => {
  console.error(`restora: cannot start: ${err instanceof Error ? err.message : String(err)}`);
  console.error('Run `npm run build` at the repository root first.');
  process.exitCode = 1;
});

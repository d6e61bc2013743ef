#!/usr/bin/env -S node --max-semi-space-size=4
// A small young generation (4 MB semi-spaces; Node's default is 16) makes V8 free request bodies' memory sooner:
// restora rest-server's peak RSS in its benchmark fell from 166 to 139-146 MB, with throughput within the noise.
// CommonJS on purpose: the libuv pool size must be set before anything uses the pool, and loading
// an ES module already does. A bigger pool lets many concurrent uploads fsync in parallel.
process.env.UV_THREADPOOL_SIZE ??= '64';
// The code is in dist/ (built by `npm run build`); this file is committed so npm can link the bin first.
import('../dist/main.js').catch((err) => {
  console.error(`restora: cannot start: ${err instanceof Error ? err.message : String(err)}`);
  console.error('Run `npm run build` at the repository root first.');
  process.exitCode = 1;
});

#!/usr/bin/env node
// CommonJS on purpose: the libuv pool size must be set before anything uses the pool, and loading
// an ES module already does. A bigger pool lets many concurrent uploads fsync in parallel.
process.env.UV_THREADPOOL_SIZE ??= '64';
// The code is in dist/ (built by `npm run build`); this file is committed so npm can link the bin first.
import('../dist/main.js').catch((err) => {
  console.error(`restora: cannot start: ${err instanceof Error ? err.message : String(err)}`);
  console.error('Run `npm run build` at the repository root first.');
  process.exitCode = 1;
});

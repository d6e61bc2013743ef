// The server under test, as shipped (compiled dist/), in its own process so the load generator does not share
// its event loop. run.ts sets UV_THREADPOOL_SIZE in its environment (it must be set before Node starts).
import { startRestServer } from '../dist/index.js';

const server = await startRestServer({
  path: process.argv[2],
  listen: '127.0.0.1:0',
  noAuth: true,
  noVerifyUpload: process.argv.includes('--no-verify-upload'),
  logger: (l) => console.error(l),
});
process.on('SIGTERM', () => void server.close().then(() => process.exit(0)));

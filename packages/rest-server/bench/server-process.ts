// The server under test, in its own process so the load generator does not share its event loop.
import { startRestServer } from '../src/index.js';

const [path] = process.argv.slice(2);
const server = await startRestServer({
  path,
  listen: '127.0.0.1:0',
  noAuth: true,
  logger: (l) => console.error(l),
});
process.on('SIGTERM', () => void server.close().then(() => process.exit(0)));

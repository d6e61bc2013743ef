// The snapshot index bench's server, in its own process as in production: the bench's client (fetch, its
// garbage, its CPU) is not inside the heap and event loop it measures. Prints its URL, stops on SIGTERM.
import { startServer } from '../src/app.js';

const [configFile, dataDir, resticCommand] = process.argv.slice(2) as [string, string, string];
const server = await startServer({
  host: '127.0.0.1',
  port: 0,
  configFile,
  dataDir,
  resticCommand,
  logLevel: 'silent',
  webDir: false,
});
process.stdout.write(`${server.url}\n`);
process.once('SIGTERM', () => void server.close().then(() => process.exit(0)));

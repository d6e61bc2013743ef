import { Command, InvalidArgumentError } from 'commander';
import type { RestServerOptions, RunningRestServer } from '@restora/rest-server';
// Only the option defaults load for help; the server itself loads when it runs.
import { ConfigError, DEFAULT_LISTEN, defaultDataPath } from '@restora/rest-server/options';
import { RESTORA_VERSION } from '../restora-version.js';

function parseSize(value: string): number {
  if (!/^\d+$/.test(value)) throw new InvalidArgumentError('must be a number of bytes');
  return Number(value);
}

interface Flags extends Omit<RestServerOptions, 'store' | 'logger' | 'fd'> {
  version?: boolean;
  cpuProfile?: string;
}

/** `restora rest-server`: the same flags, defaults and log lines as restic/rest-server. */
export function restServerCommand(): Command {
  return new Command('rest-server')
    .description('Run a REST server for use with restic (drop-in for restic/rest-server)')
    .option('--path <string>', 'data directory', defaultDataPath())
    .option(
      '--s3 <url>',
      'keep repositories in an S3 bucket: https://host/bucket[/prefix] (AWS_* credentials)',
    )
    .option('--listen <string>', 'listen address (host:port or unix:/path)', DEFAULT_LISTEN)
    .option(
      '--log <filename>',
      "write HTTP requests in the combined log format to the specified filename ('-' for stdout)",
    )
    .option('--debug', 'output debug messages')
    .option('--cpu-profile <string>', 'write CPU profile to file (V8 .cpuprofile format)')
    .option('--no-auth', 'disable authentication')
    .option('--htpasswd-file <string>', 'location of .htpasswd file (default "<data directory>/.htpasswd")')
    .option('--proxy-auth-username <string>', 'use the value of this HTTP header as the trusted user name')
    .option('--append-only', 'enable append only mode')
    .option('--private-repos', 'users can only access their private repo')
    .option('--max-size <int>', 'the maximum size of the repository in bytes', parseSize)
    .option(
      '--no-verify-upload',
      'do not verify the integrity of uploaded data (only for very low-power devices)',
    )
    .option('--prometheus', 'enable Prometheus metrics')
    .option('--prometheus-no-auth', 'disable auth for Prometheus /metrics endpoint')
    .option('--group-accessible-repos', 'let filesystem group be able to access repo files')
    .option('--tls', 'turn on TLS support')
    .option('--tls-cert <string>', 'TLS certificate path')
    .option('--tls-key <string>', 'TLS key path')
    .option('--tls-min-ver <string>', 'TLS min version, one of (1.2|1.3)', '1.2')
    .option('-v, --version', 'version for rest-server')
    .action(async (flags: Flags & { auth?: boolean; verifyUpload?: boolean }) => {
      if (flags.version) {
        console.log(
          `rest-server ${RESTORA_VERSION} compiled with node ${process.version} on ${process.platform}/${process.arch}`,
        );
        return;
      }
      await run(flags);
    });
}

async function run(flags: Flags & { auth?: boolean; verifyUpload?: boolean }): Promise<void> {
  const { startCpuProfile, startRestServer } = await import('@restora/rest-server');
  const stopProfile = flags.cpuProfile ? await startCpuProfile(flags.cpuProfile) : undefined;
  const opts: RestServerOptions = {
    ...flags,
    noAuth: flags.auth === false,
    noVerifyUpload: flags.verifyUpload === false,
    logger: (line) => console.error(line),
  };
  // Signal handlers go in before listening: a signal right after `start server on` must shut down cleanly.
  let server: RunningRestServer | undefined;
  let stopping = false;
  const stop = (): void => {
    if (stopping) process.exit(1); // a second signal does not wait
    stopping = true;
    if (server) void shutdown(server, stopProfile);
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  process.on('SIGHUP', () => server?.reloadHtpasswd());
  try {
    const fd = socketActivationFd();
    if (fd !== undefined) {
      console.error('systemd socket activation mode'); // rest-server's line; --listen is ignored
      opts.fd = fd;
    }
    server = await startRestServer(opts);
  } catch (err) {
    const msg = err instanceof ConfigError ? err.message : `error: ${(err as Error).message}`;
    console.error(msg);
    process.exit(1);
  }
  if (stopping) void shutdown(server, stopProfile);
}

async function shutdown(server: RunningRestServer, stopProfile?: () => Promise<void>): Promise<void> {
  await server.close();
  await stopProfile?.();
  console.error('shutdown cleanly');
  process.exit(0);
}

/** systemd socket activation: exactly one passed fd (3) is used instead of --listen. */
function socketActivationFd(): number | undefined {
  const pid = process.env.LISTEN_PID;
  const fds = process.env.LISTEN_FDS;
  if (!fds || (pid && Number(pid) !== process.pid)) return undefined;
  const n = Number(fds);
  if (n === 1) return 3;
  // A ConfigError is printed as its message alone (rest-server: "got N listeners from systemd, expected one").
  if (n > 1) throw new ConfigError(`unable to listen: got ${n} listeners from systemd, expected one`);
  return undefined;
}

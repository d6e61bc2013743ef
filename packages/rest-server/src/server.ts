import { createWriteStream, unlinkSync } from 'node:fs';
import { createServer as createHttpServer } from 'node:http';
import type { AddressInfo, Server } from 'node:net';
import { resolve as resolvePath, join } from 'node:path';
import type { Duplex } from 'node:stream';
import { combinedLogLine } from './access-log.js';
import { makeAuthenticator } from './auth/authenticate.js';
import { Htpasswd } from './auth/htpasswd.js';
import { createRequestListener } from './http/handler.js';
import type { AccessLog } from './http/handler.js';
import { formatAddress, parseListen, unixSocketPath } from './listen.js';
import type { BlobMetrics } from './metrics.js';
import { ConfigError, defaultDataPath } from './options.js';
import type { RestServerOptions } from './options.js';
import { Quota } from './quota.js';
import { FsStore } from './storage/fs-store.js';
import type { S3Store } from './storage/s3-store.js';
import { nativeAddonMissing } from './storage/native-commit.js';
import type { Store } from './storage/types.js';
import { resolveTls } from './tls.js';

export interface RunningRestServer {
  /** Base URL (`http://127.0.0.1:PORT/`), or `http+unix://<socket>:/` for a unix socket. */
  url: string;
  /** The bound address as printed in `start server on <addr>`. */
  address: string;
  port: number | undefined;
  socketPath: string | undefined;
  store: Store;
  quota: Quota | undefined;
  /** Forces an htpasswd reload (what SIGHUP does). */
  reloadHtpasswd(): void;
  /** Stops accepting, lets in-flight requests finish, then resolves. */
  close(): Promise<void>;
}

const WARM_BEFORE_LISTEN_MS = 200;

/** Starts a restic REST server (rest-server compatible) and resolves once it listens. */
export async function startRestServer(opts: RestServerOptions = {}): Promise<RunningRestServer> {
  const log = opts.logger ?? ((line: string) => process.stderr.write(line + '\n'));
  const dataPath = resolvePath(opts.path ?? defaultDataPath());
  const tls = resolveTls(opts, dataPath);
  if (opts.proxyAuthUsername !== undefined && opts.proxyAuthUsername !== '' && opts.noAuth) {
    // rest-server lets --no-auth win; keep that and say so.
    log('Proxy authentication ignored: --no-auth is set');
  }
  const store: Store =
    opts.store ??
    (opts.s3
      ? await s3Store(opts.s3)
      : new FsStore(dataPath, { groupAccessible: opts.groupAccessibleRepos ?? false }));
  log(
    opts.s3 && !opts.store ? `Data in S3 bucket: ${new URL(opts.s3).origin}` : `Data directory: ${dataPath}`,
  );
  if (!opts.store && nativeAddonMissing)
    log('Native addon not built (npm run build): small uploads take the slower TypeScript commit');

  const noAuth = opts.noAuth ?? false;
  const proxy = noAuth ? undefined : opts.proxyAuthUsername || undefined;
  let htpasswd: Htpasswd | undefined;
  if (noAuth) log('Authentication disabled');
  else if (proxy) log('Proxy Authentication enabled.');
  else {
    log('Authentication enabled');
    const file = opts.htpasswdFile || join(dataPath, '.htpasswd');
    try {
      htpasswd = new Htpasswd(file, { checkIntervalMs: opts.htpasswdCheckIntervalMs, log });
    } catch {
      throw new ConfigError(`cannot load ${file} (use --no-auth to disable)`);
    }
    log(`Loaded htpasswd file ${file}`);
  }
  log(`Append only mode ${opts.appendOnly ? 'enabled' : 'disabled'}`);
  log(`Private repositories ${opts.privateRepos ? 'enabled' : 'disabled'}`);
  log(`Group accessible repos ${opts.groupAccessibleRepos ? 'enabled' : 'disabled'}`);

  let quota: Quota | undefined;
  if (opts.maxSize && opts.maxSize > 0) {
    log('Initializing quota (can take a while)...');
    const used = await store.usage();
    quota = new Quota(opts.maxSize, used);
    log(`Quota initialized, currently using ${(used / 2 ** 30).toFixed(2)} GiB`);
  }

  let accessLog: AccessLog | undefined;
  let logStream: NodeJS.WritableStream | undefined;
  if (opts.log) {
    const out = opts.log === '-' ? process.stdout : createWriteStream(opts.log, { flags: 'a', mode: 0o644 });
    if (opts.log !== '-') logStream = out;
    accessLog = (req, res, remote, user, bytes) =>
      out.write(combinedLogLine(req, res, remote, user, bytes, new Date()));
  }

  const listener = createRequestListener({
    store,
    appendOnly: opts.appendOnly ?? false,
    verifyUpload: !(opts.noVerifyUpload ?? false),
    quota,
    metrics: opts.prometheus ? await loadMetrics() : undefined,
    log,
    authenticate: makeAuthenticator({ noAuth, proxyHeader: proxy, htpasswd }),
    privateRepos: opts.privateRepos ?? false,
    noAuth,
    prometheus: opts.prometheus ?? false,
    prometheusNoAuth: opts.prometheusNoAuth ?? false,
    debug: opts.debug ?? false,
    accessLog,
  });

  // No request timeout: big uploads over slow links must not be cut; idle keep-alive outlives Go's 90 s.
  const serverOpts = { requestTimeout: 0, keepAliveTimeout: 120_000, headersTimeout: 60_000, noDelay: true };
  const secure = tls
    ? (await import('./tls-server.js')).createTlsServer(tls, serverOpts, listener)
    : undefined;
  const server: Server & { closeIdleConnections(): void } =
    secure?.server ?? createHttpServer(serverOpts, listener);
  // HTTP/1.1 parse errors (the TLS server emits them too for its HTTP/1.1 connections).
  server.on('clientError', (_err, socket: Duplex) => {
    if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n');
    else socket.destroy();
  });

  // Listings are read into the index for up to 200 ms before the server listens (the rest in the background):
  // restic lists at the start of every command, and the first listings of a restarted server then cost what
  // later ones do. A head start only: a listing reads whatever it needs.
  void store.warmListings?.(WARM_BEFORE_LISTEN_MS).catch(() => undefined);

  const target = opts.fd !== undefined ? undefined : parseListen(opts.listen ?? '127.0.0.1:0');
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    const done = (): void => {
      server.off('error', reject);
      resolve();
    };
    if (opts.fd !== undefined) server.listen({ fd: opts.fd }, done);
    else if (target?.kind === 'unix') server.listen(target.path, done);
    else if (target) server.listen(target.port, target.host, done);
  });

  const scheme = tls ? 'https' : 'http';
  // Node names no unix socket it did not bind (one passed by systemd): look its path up.
  const addr = server.address() ?? unixSocketPath(opts.fd ?? -1) ?? `fd ${opts.fd}`;
  let address: string;
  let url: string;
  let port: number | undefined;
  let socketPath: string | undefined;
  if (typeof addr === 'string') {
    socketPath = addr;
    address = addr;
    url = `${scheme}+unix://${addr}:/`;
  } else {
    const a = addr as AddressInfo;
    port = a.port;
    address = formatAddress(a.address, a.port);
    const host = a.address === '::' || a.address === '0.0.0.0' ? '127.0.0.1' : a.address;
    url = `${scheme}://${host.includes(':') ? `[${host}]` : host}:${a.port}/`;
  }
  log(`start server on ${address}`);

  let closing: Promise<void> | undefined;
  return {
    url,
    address,
    port,
    socketPath,
    store,
    quota,
    reloadHtpasswd: () => htpasswd?.load(),
    close: () => {
      closing ??= new Promise<void>((resolve) => {
        // Idle keep-alive sockets are closed now; busy ones once their request is done.
        const timer = setInterval(() => server.closeIdleConnections(), 50);
        server.close(() => {
          clearInterval(timer);
          // Only a socket we bound: one passed by systemd stays for the next activation (as in Go).
          if (target?.kind === 'unix') {
            try {
              unlinkSync(target.path);
            } catch {
              // already gone
            }
          }
          if (logStream) logStream.end(() => resolve());
          else resolve();
        });
        server.closeIdleConnections();
        secure?.closeSessions();
      });
      return closing;
    },
  };
}

// prom-client (13 MB of idle RSS) and the TLS/HTTP2 modules are loaded only when their flag is given.
async function loadMetrics(): Promise<BlobMetrics> {
  return new (await import('./metrics.js')).BlobMetrics();
}

/** The S3 store of --s3, credentials from the environment only (never from flags: argv is visible to all). */
async function s3Store(url: string): Promise<S3Store> {
  const { S3Store } = await import('./storage/s3-store.js'); // loaded only with --s3
  const env = (name: string): string => {
    const v = process.env[name];
    if (!v) throw new ConfigError(`--s3 needs ${name} in the environment`);
    return v;
  };
  const credentials = {
    accessKeyId: env('AWS_ACCESS_KEY_ID'),
    secretAccessKey: env('AWS_SECRET_ACCESS_KEY'),
  };
  try {
    return new S3Store({
      url,
      ...credentials,
      sessionToken: process.env.AWS_SESSION_TOKEN,
      region: process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION,
    });
  } catch (err) {
    throw new ConfigError(`--s3: ${(err as Error).message}`); // not a URL, or no bucket in it
  }
}

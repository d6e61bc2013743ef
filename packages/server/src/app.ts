// Composition root: opens the stores, builds every service by hand and mounts the HTTP surface.
import fs from 'node:fs';
import path from 'node:path';
import { createContextValues } from '@connectrpc/connect';
import {
  Authentication,
  Backrest,
  BackrestSyncService,
  BackrestSyncStateService,
  SnapshotIndex,
  type Repo,
} from '@restora/proto';
import Fastify, { type FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { Authenticator } from './auth/authenticator.js';
import { backrestFace, zerobyteFace } from './auth/faces.js';
import { loadOrCreateJwtSecret } from './auth/jwt-secret.js';
import { LoginThrottle } from './auth/login-throttle.js';
import { identityOf, installRouteGuard } from './auth/route-guard.js';
import { connectAccess } from './api/connect/access.js';
import { authHandlers } from './api/connect/auth-handlers.js';
import { backrestHandlers } from './api/connect/backrest-handlers.js';
import { snapshotIndexHandlers } from './api/connect/snapshot-index-handlers.js';
import { syncHandlers, syncStateHandlers } from './api/connect/sync-handlers.js';
import { syncSettingsFromEnv } from './sync/sync-context.js';
import { composeSync } from './compose-sync.js';
import { kRequest } from './api/connect/context.js';
import { errorInterceptor } from './api/connect/error-interceptor.js';
import { registerConnect } from './api/connect/plugin.js';
import { registerDownloadRoute } from './api/http/download-route.js';
import { createDualServer } from './api/http/dual-server.js';
import { registerMiscRoutes } from './api/http/misc-routes.js';
import { defaultWebDir, registerStaticRoute } from './api/http/static-route.js';
import { registerRestApi } from './api/rest/index.js';
import { openConfigStore } from './config/config-store.js';
import { dataPaths } from './config/paths.js';
import { SecretBox } from './secrets/box.js';
import { loadSecretKey, type SecretKeySource } from './secrets/key.js';
import { composeEngine } from './compose-engine.js';
import {
  createLogger,
  DebugRequestLines,
  detectRestic,
  installConsole,
  logRestic,
  refusedLoginLogger,
} from './console/index.js';
import { composeZerobyte, openRestStores } from './compose-zerobyte.js';
import type { Engine } from './engine.js';
import { FileLogStore } from './oplog/log-store.js';
import { SqliteOpLog } from './oplog/sqlite-store.js';
import { ConfigService } from './services/config-service.js';
import { DashboardService } from './services/dashboard-service.js';
import { DownloadService } from './services/download-service.js';
import { ALL_FEATURES, type ServerFeatures } from './config/features.js';
import { refuseProgramSettings } from './services/locked-down-store.js';
import { MetricsService } from './services/metrics-service.js';
import { OperationsService } from './services/operations-service.js';
import { PathService } from './services/path-service.js';
import { RepoService } from './services/repo-service.js';
import { SftpService } from './services/sftp-service.js';
import { SnapshotIndexService } from './services/snapshot-index-service.js';
import { SnapshotService } from './services/snapshot-service.js';
import { TaskService } from './services/task-service.js';
import { SnapshotIndexer } from './snapshot-index/indexer.js';
import { shortIdOf } from './services/zerobyte/ids.js';
import { readOnly, resticForRepo, resticPort, type AdapterOptions } from './tasks/restic-adapter.js';
import { ResticJournal } from './tasks/restic-journal.js';
import type { WebhookSettings } from './services/zerobyte/webhook-rules.js';
import type { HealthSchedule } from './services/zerobyte/health-jobs.js';

export interface ServerOptions {
  host: string;
  /** 0 picks a free port. */
  port: number;
  configFile: string;
  dataDir: string;
  /** restic binary; default `restic` on PATH. */
  resticCommand?: string;
  features?: ServerFeatures;
  /** pino level (default info); or a logger to use. */
  logLevel?: string;
  /** Console lines: 'json' or 'pretty' (default: pretty on a TTY, JSON otherwise). */
  logFormat?: string;
  logger?: Logger;
  /** GetOperationEvents keep-alive interval (default 60 s). */
  keepAliveMs?: number;
  /** Failed password checks (Login, Basic, REST login) per client address per minute before 429 (default 10). */
  loginAttemptsPerMinute?: number;
  /** Failed password checks for one user from addresses it never signed in from, per 15 min (default 50). */
  loginFailuresPerUser?: number;
  /** Reverse proxies whose X-Forwarded-For names the client (addresses or CIDRs); default none. */
  trustedProxies?: string[];
  /** Built web UI served at `/` (default: packages/web/dist when present); false serves no UI. */
  webDir?: string | false;
  /** Length of a minute of a REST schedule's retryDelay (tests shorten it; default 60 s). */
  retryMinuteMs?: number;
  /** Zerobyte backup webhooks: WEBHOOK_ALLOWED_ORIGINS and WEBHOOK_TIMEOUT (default: none allowed, 60 s). */
  webhooks?: WebhookSettings;
  /** Zerobyte's dev panel (restic exec on a repository, ENABLE_DEV_PANEL); default off. */
  devPanel?: boolean;
  /** Crons of Zerobyte's volume and repository health jobs (default every 30 min, 5 min, 12:50 daily). */
  zerobyteHealth?: HealthSchedule;
  /** Key sealing secrets at rest (default: <dataDir>/secret.key, created 0600 on first start). */
  secretKey?: SecretKeySource;
}

export interface RunningServer {
  /** Base URL, e.g. http://127.0.0.1:9898 */
  url: string;
  app: FastifyInstance;
  engine: Engine;
  close(): Promise<void>;
}

export async function startServer(o: ServerOptions): Promise<RunningServer> {
  const logger = o.logger ?? createLogger(o.logLevel, o.logFormat);
  const features = o.features ?? ALL_FEATURES;
  fs.mkdirSync(o.dataDir, { recursive: true, mode: 0o700 });
  const secrets = new SecretBox(loadSecretKey(o.secretKey ?? {}, o.dataDir));
  const config = openConfigStore({ file: o.configFile, secrets });
  if (features.repoPrograms === false) refuseProgramSettings(config);
  const paths = dataPaths(o.dataDir);
  const oplog = SqliteOpLog.open({ file: paths.oplog });
  const cleanup: (() => unknown)[] = [() => oplog.close()];
  try {
    const logs = await FileLogStore.open(paths.taskLogs);
    cleanup.unshift(() => logs.close());
    const restic = await detectRestic(o.resticCommand);
    logRestic(logger, restic, config.get());
    const adapter: AdapterOptions = {
      ...(restic.version ? { resticVersion: restic.version } : {}),
      ...(o.resticCommand ? { binaryPath: o.resticCommand } : {}),
      scratchDir: path.join(o.dataDir, 'command-prefix'),
      ...(features.repoPrograms === false ? { lockedDown: true } : {}),
      journal: new ResticJournal(path.join(o.dataDir, 'restic-running.json')),
    };
    const engine = composeEngine({
      config,
      oplog,
      logs,
      restic: adapter,
      hooks: { commandHooksEnabled: features.commandHooks },
      log: (msg) => logger.warn({ component: 'engine' }, msg),
    });
    const throttle = new LoginThrottle({
      ...(o.loginAttemptsPerMinute ? { perAddressPerMinute: o.loginAttemptsPerMinute } : {}),
      ...(o.loginFailuresPerUser ? { perUserPer15Minutes: o.loginFailuresPerUser } : {}),
    });
    const restStores = openRestStores(o.dataDir, Date.now, secrets);
    const authenticator = new Authenticator({
      config: () => config.get(),
      jwtSecret: loadOrCreateJwtSecret(o.dataDir),
      throttle,
      sessions: restStores.sessions,
      apiKeys: restStores.apiKeys,
      onRefused: refusedLoginLogger(logger),
    });
    const shutdown = new AbortController();
    const downloads = new DownloadService(oplog);
    const snapshotIndex = new SnapshotIndexer({
      dir: path.join(o.dataDir, 'snapshot-index'),
      config: () => config.get(),
      subscribeConfig: (l) => config.subscribe(l),
      oplog,
      reader: (repo) => readOnly(resticForRepo(repo, adapter)),
      now: Date.now,
      log: (msg) => logger.warn({ component: 'snapshot-index' }, msg),
      runJob: (repoId, job) => engine.runJob(repoId, job),
      zerobyteRepoId: (repo) => shortIdOf('repo', repo.id),
    });
    cleanup.unshift(() => snapshotIndex.stop());
    const snapshots = new SnapshotService(
      () => config.get(),
      (repo: Repo) => resticForRepo(repo, adapter),
      snapshotIndex,
    );
    const snapshotSearch = new SnapshotIndexService(() => config.get(), oplog, snapshotIndex);
    const metrics = new MetricsService(oplog, () => engine.queueState());
    cleanup.unshift(() => metrics.close());
    const services = {
      config: new ConfigService(config, Date.now, features, (msg) => logger.warn(msg)),
      repos: new RepoService({
        config,
        oplog,
        engine,
        resticFor: (repo) => resticPort(resticForRepo(repo, adapter)),
        log: (msg) => logger.warn(msg),
        redaction: features,
      }),
      operations: new OperationsService(oplog, logs, () => sync.remoteLogs),
      snapshots,
      tasks: new TaskService(engine, features),
      downloads,
      dashboard: new DashboardService({
        config: () => config.get(),
        oplog,
        upcoming: () => engine.upcoming(),
        configPath: config.path,
        dataPath: o.dataDir,
        peer: (keyid) => sync.dashboardScope(keyid),
      }),
      paths: new PathService(features),
      sftp: new SftpService(config.path),
      get peerSnapshots() {
        return sync.remoteSnapshots;
      },
      keepAliveMs: o.keepAliveMs ?? 60_000,
      inSetup: () => authenticator.mode() === 'setup',
      shutdown: shutdown.signal,
    };

    const zerobyte = composeZerobyte(
      {
        config,
        oplog,
        engine,
        meta: restStores.meta,
        dataDir: o.dataDir,
        restic: adapter,
        now: Date.now,
        ...(o.retryMinuteMs ? { minuteMs: o.retryMinuteMs } : {}),
        ...(o.webhooks ? { webhooks: o.webhooks } : {}),
        ...(o.devPanel ? { devPanel: true } : {}),
        ...(o.zerobyteHealth ? { healthSchedule: o.zerobyteHealth } : {}),
      },
      { folders: snapshots, search: snapshotSearch },
    );

    const sync = composeSync({
      config,
      oplog,
      logs,
      dataDir: o.dataDir,
      settings: syncSettingsFromEnv(process.env),
      snapshotFiles: (repoId, snapshotId, path, signal) => snapshots.files(repoId, snapshotId, path, signal),
      log: {
        info: (m) => logger.info({ component: 'sync' }, m),
        warn: (m) => logger.warn({ component: 'sync' }, m),
      },
    });
    cleanup.unshift(() => sync.stop());

    const app = Fastify({
      loggerInstance: logger,
      logController: new DebugRequestLines(),
      return503OnClosing: true,
      routerOptions: { maxParamLength: 4096 },
      serverFactory: (handler) => createDualServer(handler),
      trustProxy: o.trustedProxies?.length ? o.trustedProxies : false,
    }) as unknown as FastifyInstance;
    const offConsole = installConsole(app, { logger, oplog, config, userOf: (r) => identityOf(r)?.user });
    app.addHook('onClose', () => {
      offConsole();
      zerobyte.close();
      restStores.meta.close();
    });
    installRouteGuard(app, { backrest: backrestFace(authenticator), zerobyte: zerobyteFace(authenticator) });
    registerConnect(app, {
      access: connectAccess,
      routes: (router) => {
        router.service(Backrest, backrestHandlers(services));
        router.service(Authentication, authHandlers(authenticator));
        router.service(SnapshotIndex, snapshotIndexHandlers(snapshotSearch));
        router.service(BackrestSyncService, syncHandlers(sync));
        router.service(BackrestSyncStateService, syncStateHandlers(sync));
      },
      interceptors: [errorInterceptor((err) => logger.error({ err }, 'rpc failed unexpectedly'))],
      contextValues: (req) => createContextValues().set(kRequest, { auth: identityOf(req.raw), ip: req.ip }),
    });
    registerDownloadRoute(app, downloads, snapshots);
    registerMiscRoutes(app, metrics);
    const webDir = o.webDir === undefined ? defaultWebDir() : o.webDir;
    if (webDir) registerStaticRoute(app, webDir);
    await registerRestApi(app, {
      config,
      services: zerobyte,
      sessions: restStores.sessions,
      apiKeys: restStores.apiKeys,
      checkPassword: (user, password, address) => authenticator.checkPassword(user, password, address),
      ...(restic.version ? { resticVersion: restic.version } : {}),
    });

    const report = await engine.start();
    snapshotIndex.start();
    for (const p of report.problems) logger.warn(p);
    for (const w of config.warnings()) logger.warn(`config: ${w}`);
    const mode = authenticator.mode();
    if (mode === 'setup')
      logger.warn(
        'no users configured: only GetConfig and SetConfig adding the first user are open until then',
      );
    if (mode === 'disabled') logger.warn('authentication is disabled in the config (auth.disabled: true)');
    cleanup.unshift(
      () => app.close(),
      () => engine.stop(),
    );
    await app.listen({ host: o.host, port: o.port });
    sync.start();
    const addr = app.server.address();
    const port = typeof addr === 'object' && addr ? addr.port : o.port;
    const host = o.host.includes(':') ? `[${o.host}]` : o.host;
    let closing: Promise<void> | undefined;
    return {
      url: `http://${host === '0.0.0.0' || host === '[::]' ? '127.0.0.1' : host}:${port}`,
      app,
      engine,
      close: () =>
        (closing ??= (async () => {
          shutdown.abort();
          // A blocking Backup RPC holds its connection until the engine cancels the task: stop both at once.
          await Promise.all([app.close(), engine.stop()]);
          for (const c of cleanup.slice(2)) await c();
        })()),
    };
  } catch (err) {
    for (const c of cleanup) await c();
    throw err;
  }
}

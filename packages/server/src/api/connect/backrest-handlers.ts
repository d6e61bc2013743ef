// v1.Backrest handlers: parse → one service call → map. No logic here beyond argument shaping.
import type { HandlerContext, ServiceImpl } from '@connectrpc/connect';
import { create } from '@bufbuild/protobuf';
import { ConfigSchema, type Backrest } from '@restora/proto';
import { InvalidArgumentError } from '../../errors.js';
import type { ConfigService } from '../../services/config-service.js';
import type { DashboardService } from '../../services/dashboard-service.js';
import type { DownloadService } from '../../services/download-service.js';
import type { OperationsService } from '../../services/operations-service.js';
import type { PathService } from '../../services/path-service.js';
import type { RepoService } from '../../services/repo-service.js';
import type { SftpService } from '../../services/sftp-service.js';
import type { SnapshotService } from '../../services/snapshot-service.js';
import type { TaskService } from '../../services/task-service.js';
import type { RemoteSnapshots } from '../../sync/remote-snapshots.js';
import { requestInfo } from './context.js';

export interface BackrestServices {
  config: ConfigService;
  repos: RepoService;
  operations: OperationsService;
  snapshots: SnapshotService;
  tasks: TaskService;
  downloads: DownloadService;
  dashboard: DashboardService;
  paths: PathService;
  sftp: SftpService;
  /** Snapshots of synced clients, listed by the client over its Sync stream (Restora extension). */
  peerSnapshots?: Pick<RemoteSnapshots, 'files'>;
  /** Keep-alive interval of GetOperationEvents (Backrest: 60 s). */
  keepAliveMs: number;
  /** Aborted on shutdown so open streams end. */
  shutdown: AbortSignal;
  /** True while no user exists (first run): a first-run event stream ends when this turns false. */
  inSetup: () => boolean;
}

/** The caller came through the first-run opening of a `setup` route (no users exist, no credentials). */
const firstRun = (ctx: HandlerContext) => requestInfo(ctx).auth?.via === 'setup';

const both = (a: AbortSignal, b: AbortSignal) => AbortSignal.any([a, b]);

/** Restora extension headers of GetOperationEvents (its request is Empty): filters and resume point. */
function eventFilters(h: Headers): { planId?: string; repoId?: string; sinceModno?: bigint } {
  const planId = h.get('restora-plan-id');
  const repoId = h.get('restora-repo-id');
  const since = h.get('restora-since-modno');
  if (since !== null && !/^\d{1,19}$/.test(since))
    throw new InvalidArgumentError(`restora-since-modno must be a non-negative integer, got "${since}"`);
  return {
    ...(planId !== null ? { planId } : {}),
    ...(repoId !== null ? { repoId } : {}),
    ...(since !== null ? { sinceModno: BigInt(since) } : {}),
  };
}

export function backrestHandlers(s: BackrestServices): ServiceImpl<typeof Backrest> {
  return {
    getConfig: () => s.config.get(),
    setConfig: (req, ctx) => s.config.set(create(ConfigSchema, req), { firstRun: firstRun(ctx) }),
    setupSftp: (req) => s.sftp.setup(req.host, req.port),
    checkRepoExists: async (req) => s.repos.exists(req.repo),
    addRepo: (req) => s.repos.add(req.repo),
    removeRepo: (req) => s.repos.remove(req.repoId),
    getOperationEvents: (_req, ctx) => {
      const stream = { signal: both(ctx.signal, s.shutdown), keepAliveMs: s.keepAliveMs };
      return firstRun(ctx)
        ? s.operations.idle({ ...stream, while: s.inSetup })
        : s.operations.events({ ...stream, ...eventFilters(ctx.requestHeader) });
    },
    getOperations: (req) => ({ operations: s.operations.list(req.selector, req.lastN) }),
    listSnapshots: async (req, ctx) => ({
      snapshots: await s.snapshots.list(req.repoId, req.planId, ctx.signal),
    }),
    listSnapshotFiles: async (req, ctx) => {
      // Restora extension: a synced client's snapshot by its key id; the answer's size is stated in headers
      const peerKeyid = ctx.requestHeader.get('restora-instance-keyid');
      if (peerKeyid && s.peerSnapshots) {
        const r = await s.peerSnapshots.files(peerKeyid, req, ctx.signal);
        ctx.responseHeader.set('restora-entries-total', String(r.total));
        ctx.responseHeader.set('restora-entries-limit', String(r.limit));
        return { path: r.path, entries: r.entries };
      }
      return {
        path: req.path,
        entries: await s.snapshots.files(req.repoId, req.snapshotId, req.path, ctx.signal),
      };
    },
    backup: async (req, ctx) => {
      const id = await s.tasks.backup(req.value, req.dryRun);
      ctx.responseHeader.set('restora-operation-id', String(id));
      return {};
    },
    doRepoTask: async (req) => ({ operationId: await s.tasks.repoTask(req.repoId, req.task) }),
    forget: (req) => ({ operationId: s.tasks.forget(req.repoId, req.planId, req.snapshotId) }),
    restore: (req) => ({ operationId: s.tasks.restore(req) }),
    cancel: (req) => {
      s.tasks.cancel(req.operationId);
      return {};
    },
    getLogs: async function* (req, ctx) {
      for await (const chunk of s.operations.log(req.ref, both(ctx.signal, s.shutdown)))
        yield { value: chunk };
    },
    runCommand: async (req) => ({ operationId: await s.tasks.runCommand(req.repoId, req.command) }),
    getDownloadURL: async (req) => ({ value: await s.downloads.url(req.opId, req.filePath) }),
    clearHistory: (req) => {
      s.operations.clear(req.selector, req.onlyFailed);
      return {};
    },
    pathAutocomplete: async (req) => ({ values: await s.paths.complete(req.value) }),
    getSummaryDashboard: (_req, ctx) => {
      // Restora extension (the request is Empty): a synced client's dashboard by its key id
      const peerKeyid = ctx.requestHeader.get('restora-instance-keyid');
      return s.dashboard.summary({ firstRun: firstRun(ctx), ...(peerKeyid ? { peerKeyid } : {}) });
    },
    generatePairingToken: async (req) => ({ token: await s.config.generatePairingToken(req) }),
  };
}

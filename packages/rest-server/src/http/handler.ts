import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Authenticator } from '../auth/authenticate.js';
import type { BlobMetrics } from '../metrics.js';
import type { HandlerConfig, RequestContext } from './context.js';
import { decodeTarget, foldersValid, parseRemainder, splitUrlPath } from './paths.js';
import { handleFile, handleList, handleRepo } from './repo-handlers.js';
import { sendError } from './respond.js';

export interface PipelineConfig extends HandlerConfig {
  authenticate: Authenticator;
  privateRepos: boolean;
  noAuth: boolean;
  prometheus: boolean;
  prometheusNoAuth: boolean;
  debug: boolean;
  accessLog: AccessLog | undefined;
}

export type AccessLog = (
  req: IncomingMessage,
  res: ServerResponse,
  remote: string | undefined,
  user: string,
  bytes: number,
) => void;

export type RequestListener = (req: IncomingMessage, res: ServerResponse) => void;

/** rest-server's request pipeline: /metrics, authentication, path split, private repos, repository handler. */
export function createRequestListener(cfg: PipelineConfig): RequestListener {
  return (req, res) => {
    const ctx: RequestContext = { req, res, user: '', repo: [], sent: 0 };
    if (cfg.debug) cfg.log(`${req.method} ${req.url}`);
    if (cfg.accessLog) {
      const log = cfg.accessLog;
      const remote = req.socket.remoteAddress; // now: an HTTP/2 request drops its socket on stream close
      res.once('finish', () => {
        // A reset HTTP/2 stream emits 'finish' without a response; aborted HTTP/1.1 requests log nothing.
        if (res.writableEnded)
          log(req, res, remote, ctx.user, ctx.sent || Number(res.getHeader('content-length') ?? 0));
      });
    }
    route(cfg, ctx).catch((err: unknown) => {
      cfg.log(`internal error on ${req.method} ${req.url}: ${(err as Error)?.message ?? String(err)}`);
      sendError(res, 500);
    });
  };
}

async function route(cfg: PipelineConfig, ctx: RequestContext): Promise<void> {
  const { req, res } = ctx;
  const target = decodeTarget(req.url ?? '/');
  if (!target) return sendError(res, 404);
  if (cfg.prometheus && target.path === '/metrics') return serveMetrics(cfg, ctx);
  const user = await cfg.authenticate(req);
  if (user === undefined) return sendError(res, 401);
  ctx.user = user;
  const { folders, remainder } = splitUrlPath(target.path);
  if (!foldersValid(folders)) {
    cfg.log(`Invalid request path: ${target.path}`);
    return sendError(res, 404);
  }
  if (cfg.privateRepos && !cfg.noAuth && folders[0] !== user) return sendError(res, 401);
  ctx.repo = folders;
  const r = parseRemainder(remainder);
  if (!r) return sendError(res, 404);
  switch (r.kind) {
    case 'repo':
      return handleRepo(cfg, ctx, target.query);
    case 'config':
      return handleFile(cfg, ctx, { repo: folders, type: 'config', name: '' });
    case 'list':
      return handleList(cfg, ctx, r.type);
    case 'object':
      return handleFile(cfg, ctx, { repo: folders, type: r.type, name: r.name });
  }
}

async function serveMetrics(cfg: PipelineConfig, ctx: RequestContext): Promise<void> {
  const { req, res } = ctx;
  if (!cfg.prometheusNoAuth) {
    const user = await cfg.authenticate(req);
    if (user === undefined || (cfg.privateRepos && user !== 'metrics')) return sendError(res, 401);
    ctx.user = user;
  }
  const metrics = cfg.metrics as BlobMetrics;
  const body = await metrics.registry.metrics();
  ctx.sent = Buffer.byteLength(body);
  res.writeHead(200, { 'Content-Type': metrics.registry.contentType, 'Content-Length': ctx.sent });
  res.end(body);
}

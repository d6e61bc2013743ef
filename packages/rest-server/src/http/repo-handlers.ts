import {
  ExistsError,
  HashMismatchError,
  IncompleteBodyError,
  NoSpaceError,
  RepoMissingError,
} from '../storage/errors.js';
import type { FileRef, ListEntry } from '../storage/types.js';
import type { HandlerConfig, RequestContext } from './context.js';
import type { ObjectType } from './paths.js';
import { sendByteranges, sendRangeError } from './byteranges.js';
import { firstRangeHeader, planRanges } from './range.js';
import { preconditionStatus, rangeAllowed } from './preconditions.js';
import { sendEmpty, sendError } from './respond.js';

const V1 = 'application/vnd.x.restic.rest.v1';
const V2 = 'application/vnd.x.restic.rest.v2';
const OBJECT_ALLOW = 'HEAD, GET, POST, DELETE';
// Go's DetectContentType for restic objects (encrypted, so binary); each multipart part carries it too.
const OCTET = 'application/octet-stream';

/** `{repo}/`: only POST ?create=true. */
export async function handleRepo(cfg: HandlerConfig, ctx: RequestContext, query: string): Promise<void> {
  if (ctx.req.method !== 'POST') return sendError(ctx.res, 405, 'POST');
  if (new URLSearchParams(query).get('create') !== 'true') return sendError(ctx.res, 400);
  await cfg.store.createRepo(ctx.repo);
  sendEmpty(ctx.res);
}

/** `{repo}/config` and `{repo}/{type}/{id}`. */
export async function handleFile(cfg: HandlerConfig, ctx: RequestContext, file: FileRef): Promise<void> {
  switch (ctx.req.method) {
    case 'HEAD':
      return headFile(cfg, ctx, file);
    case 'GET':
      return getFile(cfg, ctx, file);
    case 'POST':
      return postFile(cfg, ctx, file);
    case 'DELETE':
      return deleteFile(cfg, ctx, file);
    default:
      return sendError(ctx.res, 405, OBJECT_ALLOW);
  }
}

async function headFile(cfg: HandlerConfig, ctx: RequestContext, file: FileRef): Promise<void> {
  const size = await cfg.store.stat(file);
  if (size === undefined) return sendError(ctx.res, 404);
  ctx.res.writeHead(200, { 'Content-Length': size }); // no Content-Type: Go sniffs only bodies it writes
  ctx.res.end();
}

async function getFile(cfg: HandlerConfig, ctx: RequestContext, file: FileRef): Promise<void> {
  const opening = performance.now();
  const reader = await cfg.store.open(file);
  if (!reader) return sendError(ctx.res, 404);
  const { res } = ctx;
  // rest-server's response counter (miolini/datacounter) stamps every object GET answer with its seconds so far.
  if (file.type !== 'config') res.setHeader('X-Runtime', ((performance.now() - opening) / 1000).toFixed(6));
  const size = reader.size;
  let start = 0;
  let end = size - 1;
  let status = 200;
  const headers: Record<string, string | number> = {};
  // Go sniffs the type: empty objects are text (ServeContent), an empty config gets none (no body to sniff).
  if (size > 0) headers['Content-Type'] = OCTET;
  else if (file.type !== 'config') headers['Content-Type'] = 'text/plain; charset=utf-8';
  if (file.type !== 'config') {
    const precondition = preconditionStatus(ctx.req);
    if (precondition !== undefined) {
      reader.close();
      sendEmpty(res, precondition);
      return recordRead(cfg, ctx, file, 0);
    }
    headers['Accept-Ranges'] = 'bytes';
    const r = planRanges(rangeAllowed(ctx.req) ? firstRangeHeader(ctx.req) : undefined, size);
    if (r.kind === 'multi')
      return recordRead(cfg, ctx, file, await sendByteranges(res, reader, r.ranges, OCTET));
    if (r.kind === 'unsatisfiable') {
      reader.close();
      return recordRead(cfg, ctx, file, sendRangeError(res, r.noOverlap, size));
    }
    if (r.kind === 'single') {
      start = r.start;
      end = r.end;
      status = 206;
      headers['Content-Range'] = `bytes ${start}-${end}/${size}`;
    }
  }
  const length = end - start + 1;
  headers['Content-Length'] = length;
  res.writeHead(status, headers);
  let sent = 0;
  if (length > 0) sent = await reader.sendTo(res, start, end);
  else reader.close();
  if (sent === length) res.end();
  if (file.type === 'config') ctx.sent = sent;
  else recordRead(cfg, ctx, file, sent);
}

// rest-server counts every ServeContent answer (416 and empty bodies included) as a read of the bytes written.
function recordRead(cfg: HandlerConfig, ctx: RequestContext, file: FileRef, sent: number): void {
  ctx.sent = sent;
  cfg.metrics?.record('read', ctx.user, ctx.repo, file.type, sent);
}

function contentLength(ctx: RequestContext): number | undefined {
  const cl = ctx.req.headers['content-length'];
  if (cl === undefined || !/^\d+$/.test(cl)) return undefined;
  return Number(cl);
}

async function postFile(cfg: HandlerConfig, ctx: RequestContext, file: FileRef): Promise<void> {
  const { res } = ctx;
  const size = contentLength(ctx);
  const quota = file.type === 'config' ? undefined : cfg.quota;
  if (quota) {
    if (size === undefined) return sendError(res, 411);
    if (!quota.tryReserve(size)) return sendError(res, 507);
  }
  const verify = cfg.verifyUpload && file.type !== 'config';
  try {
    const n = await cfg.store.write(file, ctx.req, {
      size,
      expectedSha256: verify ? file.name : undefined,
      chunksOwned: ctx.req.httpVersionMajor === 1,
    });
    if (quota && size !== undefined && n !== size) quota.release(size - n);
    if (file.type !== 'config') cfg.metrics?.record('write', ctx.user, ctx.repo, file.type, n);
    sendEmpty(res);
  } catch (err) {
    if (quota && size !== undefined) quota.release(size);
    if (err instanceof ExistsError) return sendError(res, 403);
    if (err instanceof HashMismatchError || err instanceof IncompleteBodyError) return sendError(res, 400);
    if (err instanceof NoSpaceError) return sendError(res, 507);
    if (err instanceof RepoMissingError) return sendError(res, 500);
    throw err;
  }
}

async function deleteFile(cfg: HandlerConfig, ctx: RequestContext, file: FileRef): Promise<void> {
  if (cfg.appendOnly && file.type !== 'locks') return sendError(ctx.res, 403);
  const size = (await cfg.store.remove(file)) ?? 0;
  if (file.type !== 'config') {
    cfg.quota?.release(size);
    cfg.metrics?.record('delete', ctx.user, ctx.repo, file.type, size);
  }
  sendEmpty(ctx.res);
}

/** `GET {repo}/{type}/`: v1 names or v2 {name,size}, streamed for big folders. */
export async function handleList(cfg: HandlerConfig, ctx: RequestContext, type: ObjectType): Promise<void> {
  const { req, res } = ctx;
  if (req.method !== 'GET') return sendError(res, 405, 'GET');
  const batches = await cfg.store.list(ctx.repo, type);
  if (!batches) return sendError(res, 404);
  const v2 = req.headers.accept === V2;
  const memo = v2 ? v2Json : v1Json;
  let parts: Buffer[] = [];
  let pending = 0;
  let streaming = false;
  for await (const batch of batches) {
    if (batch.length === 0) continue;
    let json = memo.get(batch);
    if (json === undefined) {
      json = serialize(batch, v2);
      memo.set(batch, json); // dropped with the batch: stores reuse a batch only while its directory is unchanged
    }
    parts.push(parts.length === 0 && !streaming ? OPEN : COMMA, json);
    pending += json.length + 1;
    if (pending > 256 * 1024) {
      if (!streaming) {
        res.writeHead(200, { 'Content-Type': v2 ? V2 : V1 });
        streaming = true;
      }
      const chunk = Buffer.concat(parts, pending);
      ctx.sent += chunk.length;
      parts = [];
      pending = 0;
      if (!res.write(chunk)) await waitDrain(res);
    }
  }
  if (!streaming && parts.length === 0) parts.push(OPEN);
  parts.push(CLOSE);
  const tail = Buffer.concat(parts);
  ctx.sent += tail.length;
  if (!streaming) res.writeHead(200, { 'Content-Type': v2 ? V2 : V1, 'Content-Length': tail.length });
  res.end(tail);
}

const OPEN = Buffer.from('[');
const COMMA = Buffer.from(',');
const CLOSE = Buffer.from(']'); // json.Marshal, no newline (checked against rest-server 0.14.0)

// Serialised batches, kept as bytes (object names are 64 hex digits: nothing to escape).
const v1Json = new WeakMap<ListEntry[], Buffer>();
const v2Json = new WeakMap<ListEntry[], Buffer>();

function serialize(batch: ListEntry[], v2: boolean): Buffer {
  const items = batch.map((e) => (v2 ? `{"name":"${e.name}","size":${e.size}}` : `"${e.name}"`));
  return Buffer.from(items.join(','), 'latin1');
}

function waitDrain(res: RequestContext['res']): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      res.off('drain', done);
      res.off('close', done);
      resolve();
    };
    res.on('drain', done);
    res.on('close', done);
  });
}

// GET /download/<signed token>/...: a snapshot file (raw) or folder (tar, or zip with ?format=zip) via restic
// dump, or a restored folder as tar.gz. Unauthenticated: the token is the credential.
import { spawn } from 'node:child_process';
import path from 'node:path';
import { PassThrough, type Readable } from 'node:stream';
import zlib from 'node:zlib';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { routeAuth } from '../../auth/route-access.js';
import { classifyError, HTTP_STATUS } from '../error-table.js';
import { attachment } from './content-disposition.js';
import type { DownloadService } from '../../services/download-service.js';
import type { SnapshotService } from '../../services/snapshot-service.js';

export function registerDownloadRoute(
  app: FastifyInstance,
  downloads: DownloadService,
  snapshots: SnapshotService,
): void {
  app.get<{ Params: { token: string; '*': string }; Querystring: { format?: string } }>(
    '/download/:token/*',
    // the signed token in the path is the credential (checked by the download service)
    { config: routeAuth('open') },
    async (req, reply) => {
      try {
        const t = await downloads.resolve(req.params.token);
        if (t.kind === 'restore' && t.op.op.case === 'operationRestore') {
          return sendRestore(reply, t.op.op.value.target, t.filePath);
        }
        if (t.op.op.case !== 'operationIndexSnapshot') return reply.code(404).send('snapshot not found');
        const repo = snapshots.repoFor(t.op.repoGuid, t.op.repoId);
        const archive = req.query.format === 'zip' ? 'zip' : 'tar';
        const abort = new AbortController();
        reply.raw.on('close', () => abort.abort());
        const stream = snapshots.dump(repo, t.op.snapshotId, t.filePath, archive, abort.signal);
        // Restora extension: a name after the token (`/download/<token>/docs`) names the file; Backrest's UI sends none
        const hint = req.params['*'].split('/').filter(Boolean).pop();
        return await sendDump(reply, stream, hint ?? t.filePath, archive);
      } catch (err) {
        const known = classifyError(err);
        if (known && HTTP_STATUS[known.kind] < 500)
          return reply.code(HTTP_STATUS[known.kind]).type('text/plain').send(known.message);
        req.log.error({ err }, 'download failed');
        return reply.code(500).type('text/plain').send('download failed');
      }
    },
  );
}

/**
 * Sniffs the first bytes: a folder dump is an archive. Named like Backrest: the path in the snapshot (or the name
 * the client asked for), with .tar/.zip appended to a folder unless it ends so already (the snapshot root alone,
 * which no browser keeps, is "snapshot").
 */
async function sendDump(reply: FastifyReply, stream: Readable, name: string, archive: string) {
  const head = await readHead(stream, 512);
  const isTar = head.length >= 262 && head.subarray(257, 262).toString('latin1') === 'ustar';
  const isZip = head.length >= 4 && head.readUInt32LE(0) === 0x04034b50;
  const base = name === '/' ? 'snapshot' : name;
  const file = (isTar || isZip) && path.posix.extname(base) !== `.${archive}` ? `${base}.${archive}` : base;
  const out = new PassThrough();
  out.write(head);
  stream.pipe(out);
  stream.on('error', (e) => out.destroy(e));
  return reply
    .header('content-type', 'application/octet-stream')
    .header('content-disposition', attachment(file))
    .header('content-transfer-encoding', 'binary')
    .send(out);
}

function readHead(stream: Readable, n: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const parts: Buffer[] = [];
    let size = 0;
    const done = () => {
      stream.off('data', onData);
      stream.off('end', done);
      stream.off('error', reject);
      stream.pause();
      resolve(Buffer.concat(parts));
    };
    const onData = (c: Buffer) => {
      parts.push(c);
      size += c.length;
      if (size >= n) done();
    };
    stream.on('data', onData);
    stream.once('end', done);
    stream.once('error', reject);
  });
}

function sendRestore(reply: FastifyReply, target: string, filePath: string) {
  const root = path.resolve(target);
  const full = path.resolve(root, `.${path.posix.sep}${filePath}`);
  if (full !== root && !full.startsWith(`${root}${path.sep}`))
    return reply.code(400).type('text/plain').send('path escapes the restore target');
  const tar = spawn('tar', ['-c', '-C', path.dirname(full), '--', path.basename(full)], {
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  reply.raw.on('close', () => tar.kill());
  const gz = zlib.createGzip({ level: zlib.constants.Z_BEST_SPEED });
  tar.stdout.pipe(gz);
  const stamp = new Date().toISOString().slice(0, 19).replace('T', '-').replace(/:/g, '-');
  return reply
    .header('content-type', 'application/gzip')
    .header('content-disposition', attachment(`archive-${stamp}.tar.gz`))
    .send(gz);
}

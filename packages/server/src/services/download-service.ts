// Signed, expiring download links (GetDownloadURL) for a snapshot's files or a restore's output.
import crypto from 'node:crypto';
import { SignJWT, jwtVerify } from 'jose';
import type { Operation } from '@restora/proto';
import { InvalidArgumentError, NotFoundError, PermissionDeniedError, ValidationError } from '../errors.js';
import type { OpLog } from '../oplog/types.js';
import { fileInTarget, snapshotPath } from '../tasks/snapshot-path.js';

export type DownloadKind = 'snapshot' | 'restore';

export interface DownloadTarget {
  op: Operation;
  kind: DownloadKind;
  filePath: string;
}

const TTL = '24h';

export class DownloadService {
  /** Per-process key: links die with the process, like Backrest's. */
  private readonly key = new Uint8Array(crypto.randomBytes(32));

  constructor(private readonly oplog: OpLog) {}

  /** GetDownloadURL: a relative URL `./download/<token>/` valid for 24 hours. */
  async url(opId: bigint, filePath: string): Promise<string> {
    // normalised once here: a link never names a path above the snapshot root or the restore target
    filePath = snapshotPath('filePath', filePath);
    const op = this.oplog.get(opId);
    if (!op) throw new NotFoundError(`operation ${opId} not found`, 'operation', String(opId));
    const kind = kindOf(op);
    if (!kind)
      throw new InvalidArgumentError(
        `operation ${opId} is neither a snapshot nor a restore, it cannot be downloaded`,
      );
    const sub = JSON.stringify({ op_id: Number(opId), type: kind, file_path: filePath });
    const token = await new SignJWT({})
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject(sub)
      .setExpirationTime(TTL)
      .sign(this.key);
    return `./download/${token}/`;
  }

  /** Verifies a token (PermissionDenied when bad or expired) and loads its operation (NotFound). */
  async resolve(token: string): Promise<DownloadTarget> {
    let sub: { op_id: number; type: DownloadKind; file_path: string };
    try {
      const { payload } = await jwtVerify(token, this.key, { algorithms: ['HS256'] });
      sub = JSON.parse(payload.sub ?? '') as typeof sub;
    } catch (err) {
      throw new PermissionDeniedError(`invalid signature: ${(err as Error).message}`);
    }
    const op = this.oplog.get(BigInt(sub.op_id));
    if (!op || kindOf(op) !== sub.type) throw new NotFoundError(`${sub.type} not found`);
    const filePath = snapshotPath('filePath', sub.file_path);
    if (op.op.case === 'operationRestore') {
      try {
        // the restore holds files from a snapshot: a restored symlink must not lead the download elsewhere
        fileInTarget('filePath', op.op.value.target, filePath);
      } catch (err) {
        if (err instanceof ValidationError) throw new InvalidArgumentError(err.message);
        throw err;
      }
    }
    return { op, kind: sub.type, filePath };
  }
}

function kindOf(op: Operation): DownloadKind | undefined {
  if (op.op.case === 'operationIndexSnapshot') return 'snapshot';
  if (op.op.case === 'operationRestore') return 'restore';
  return undefined;
}

import { Args, requireNoDash, requireString } from '../args.js';
import type { ResticContext } from '../context.js';
import { ResticError } from '../errors.js';
import type { CallOptions } from '../options.js';
import { camelize, isObject, parseJsonLine } from '../parse/json.js';
import type { LsNode, Snapshot } from '../types.js';

export interface LsOptions extends CallOptions {
  /** Absolute directory (or directories) to list instead of the whole tree. */
  path?: string | string[];
  /** With `path`: descend into subdirectories too (`--recursive`). */
  recursive?: boolean;
  /** Receives the snapshot line restic prints first. */
  onSnapshot?: (snapshot: Snapshot) => void;
}

/**
 * Lists a snapshot's nodes as they arrive, without buffering (backpressure reaches restic through the pipe).
 * Breaking out of the loop cancels restic. An unknown snapshot rejects with `invalid-argument`
 * (restic 0.14 exits 0 in that case).
 */
export async function* ls(ctx: ResticContext, snapshotId: string, o: LsOptions = {}): AsyncGenerator<LsNode> {
  requireString('ls snapshotId', snapshotId);
  requireNoDash('snapshot id', snapshotId);
  const paths = o.path === undefined ? [] : Array.isArray(o.path) ? o.path : [o.path];
  for (const p of paths) {
    if (!p.startsWith('/'))
      throw new ResticError({ code: 'invalid-argument', message: `ls path must be absolute: ${p}` });
  }
  const args = new Args('ls', '--json')
    .flag('--recursive', o.recursive)
    .positional([snapshotId, ...paths]).list;
  let sawSnapshot = false;
  const lines = ctx.lines(args, o);
  for await (const line of lines) {
    const raw = parseJsonLine(line);
    if (!isObject(raw)) continue;
    const kind = raw.message_type ?? raw.struct_type;
    if (kind === 'node') {
      delete raw.struct_type;
      delete raw.message_type;
      yield camelize<LsNode>(raw);
    } else if (kind === 'snapshot') {
      sawSnapshot = true;
      delete raw.struct_type;
      delete raw.message_type;
      o.onSnapshot?.(camelize<Snapshot>(raw));
    }
  }
  if (!sawSnapshot) {
    throw new ResticError({ code: 'invalid-argument', message: `no snapshot matches ${snapshotId}` });
  }
}

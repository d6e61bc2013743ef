import { PassThrough, type Readable } from 'node:stream';
import { Args, requireNoDash, requireString, validateTags } from '../args.js';
import type { ResticContext } from '../context.js';
import { ResticError } from '../errors.js';
import type { CallOptions, SnapshotFilter } from '../options.js';

export interface DumpOptions extends CallOptions, SnapshotFilter {
  /** Archive format for folders: `tar` (restic's default) or `zip`. Files are dumped raw. */
  archive?: 'tar' | 'zip';
}

/**
 * Streams a file (raw) or a folder (tar/zip) out of a snapshot. Errors (including restic failures)
 * surface as the stream's `error` event; destroying the stream cancels restic.
 */
export function dump(ctx: ResticContext, snapshotId: string, path: string, o: DumpOptions = {}): Readable {
  requireString('dump snapshotId', snapshotId);
  requireNoDash('snapshot id', snapshotId);
  requireString('dump path', path);
  validateTags('dump tags', o.tags);
  if (o.archive !== undefined && o.archive !== 'tar' && o.archive !== 'zip') {
    throw new ResticError({ code: 'invalid-argument', message: 'archive must be tar or zip' });
  }
  const out = new PassThrough();
  const args = new Args('dump').value('--archive', o.archive).filter(o).positional([snapshotId, path]).list;
  void (async () => {
    const proc = await ctx.spawn(args, o);
    let finished = false;
    out.once('close', () => {
      if (!finished) {
        proc.cancel();
        proc.stdout.resume();
      }
    });
    proc.stdout.pipe(out, { end: false });
    const exit = await proc.done;
    finished = true;
    const err = ctx.errorFor(proc.command, exit);
    if (err) out.destroy(err);
    else out.end();
  })().catch((e: unknown) => out.destroy(e instanceof Error ? e : new Error(String(e))));
  return out;
}

import { Args, requireNoDash, requireString, validateTags } from '../args.js';
import type { ResticContext } from '../context.js';
import type { CallOptions, SnapshotFilter } from '../options.js';
import { parseRestoreLine, parseRestoringLine } from '../parse/restore.js';
import { readLines } from '../process/lines.js';
import { messageStream, type Emit, type MessageStream } from '../process/stream.js';
import type { RestoreErrorMessage, RestoreMessage, RestoreSummary } from '../types.js';

export interface RestoreOptions extends CallOptions, SnapshotFilter {
  /** Snapshot id or `latest` (default). With `latest`, host/paths/tags filter the candidates. */
  snapshotId?: string;
  /** `--target` directory (required). */
  targetDir: string;
  /** `--include` patterns (a single string is one pattern). */
  include?: string | string[];
  /** `--exclude` patterns. */
  exclude?: string[];
  iinclude?: string[];
  iexclude?: string[];
  /** `--verify` restored files. */
  verify?: boolean;
  /** `-v` verbose_status per file (restic >= 0.17). */
  verbose?: boolean;
  onProgress?: (message: RestoreMessage) => void;
}

function buildArgs(o: RestoreOptions): string[] {
  requireString('restore targetDir', o.targetDir);
  const snap = o.snapshotId ?? 'latest';
  requireString('restore snapshotId', snap);
  requireNoDash('snapshot id', snap);
  validateTags('restore tags', o.tags);
  const include = typeof o.include === 'string' ? [o.include] : o.include;
  return new Args('restore', '--json', '--target', o.targetDir)
    .values('--include', include)
    .values('--exclude', o.exclude)
    .values('--iinclude', o.iinclude)
    .values('--iexclude', o.iexclude)
    .flag('--verify', o.verify)
    .flag('-vv', o.verbose)
    .filter(o)
    .positional([snap]).list;
}

export async function runRestore(
  ctx: ResticContext,
  o: RestoreOptions,
  emit: Emit<RestoreMessage>,
  signal = o.signal,
): Promise<RestoreSummary> {
  const args = buildArgs(o);
  const errors: RestoreErrorMessage[] = [];
  const proc = await ctx.spawn(args, {
    ...(signal ? { signal } : {}),
    ...(o.env ? { env: o.env } : {}),
    onStderrLine: (line) => {
      const m = parseRestoreLine(line);
      if (m?.messageType !== 'error') return;
      if (errors.length < 1000) errors.push(m);
      void emit(m);
    },
  });
  let summary: RestoreSummary = { targetDir: o.targetDir };
  try {
    for await (const line of readLines(proc.stdout)) {
      const id = parseRestoringLine(line);
      if (id) summary.snapshotId = id;
      const m = parseRestoreLine(line);
      if (!m) continue;
      if (m.messageType === 'summary') {
        const { messageType: _t, ...rest } = m;
        summary = { ...summary, ...rest, targetDir: o.targetDir };
      } else await emit(m);
    }
  } finally {
    proc.stdout.resume();
  }
  const exit = await proc.done;
  ctx.check(proc.command, exit);
  await emit({ messageType: 'summary', ...summary });
  return summary;
}

export function restore(ctx: ResticContext, o: RestoreOptions): Promise<RestoreSummary> {
  return runRestore(ctx, o, (m) => o.onProgress?.(m));
}

export function restoreStream(
  ctx: ResticContext,
  o: RestoreOptions,
): MessageStream<RestoreMessage, RestoreSummary> {
  return messageStream<RestoreMessage, RestoreSummary>(
    (emit, signal) =>
      runRestore(
        ctx,
        o,
        (m) => {
          o.onProgress?.(m);
          return emit(m);
        },
        signal,
      ),
    o.signal,
    (m) => m.messageType === 'status',
  );
}

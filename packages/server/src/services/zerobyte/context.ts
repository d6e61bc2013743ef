// What the Zerobyte use-cases share: config, oplog, engine, sidecar metadata and restic options.
import fs from 'node:fs';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import type { Repo } from '@restora/proto';
import type { Restic } from '@restora/restic';
import type { ConfigStore } from '../../config/types.js';
import type { Engine } from '../../engine.js';
import type { OpLog } from '../../oplog/types.js';
import type { AdapterOptions } from '../../tasks/restic-adapter.js';
import { readOnly, resticForRepo } from '../../tasks/restic-adapter.js';
import type { MetaStore } from './meta-store.js';
import { writeFileAtomicSync } from '../../config/atomic-write.js';
import { FailedPreconditionError } from '../../errors.js';
import { isSealed, SealedValueError } from '../../secrets/box.js';
import type { WebhookSettings } from './webhook-rules.js';
import type { HealthSchedule } from './health-schedule.js';

/** The engine surface these use-cases need (tests pass fakes). */
export type EnginePort = Pick<
  Engine,
  | 'runBackup'
  | 'forget'
  | 'cancel'
  | 'cancelRequested'
  | 'unlock'
  | 'runRepoTask'
  | 'scheduleCallback'
  | 'unscheduleCallback'
  | 'upcoming'
  | 'runJob'
  | 'useBackupHooks'
>;

export interface ZbContext {
  config: ConfigStore;
  oplog: OpLog;
  engine: EnginePort;
  meta: MetaStore;
  /** Data dir; `zerobyte/` below it holds the default restic password and per-repo key files. */
  dataDir: string;
  restic: AdapterOptions;
  now: () => number;
  /** Length of a minute of a schedule's retryDelay (tests shorten it; default 60,000 ms). */
  minuteMs?: number;
  /** Backup webhooks' allow-list and timeout (WEBHOOK_ALLOWED_ORIGINS, WEBHOOK_TIMEOUT); default: none allowed. */
  webhooks?: WebhookSettings;
  /** rclone binary and config for `rclone listremotes` (defaults: `rclone`, its own default config). */
  rclone?: { binary?: string; configFile?: string };
  /** Zerobyte's dev panel (POST /repositories/:id/exec): off unless the server is started with it. */
  devPanel?: boolean;
  /** Crons of the volume and repository health jobs (default Zerobyte's; tests run them every second). */
  healthSchedule?: HealthSchedule;
}

/** A @restora/restic instance for a config repo (uri, password, env, flags, command prefix). */
export const resticOf = (ctx: ZbContext, repo: Repo): Restic => resticForRepo(repo, ctx.restic);

/** Read-only access (snapshots, ls, dump, stats) with `--no-lock`: browsing never waits for, or blocks, a forget/prune. */
export function readerOf(ctx: ZbContext, repo: Repo): Restic {
  return readOnly(resticForRepo(repo, ctx.restic));
}

export const secretsDir = (ctx: ZbContext) => path.join(ctx.dataDir, 'zerobyte', 'secrets');

/**
 * The instance-wide restic password used when a repository has no customPassword (like Zerobyte's org password).
 * Stored sealed when the sidecar has the secret key; a plaintext file of an older version is sealed on first read.
 */
export function defaultResticPassword(ctx: ZbContext): string {
  const file = path.join(ctx.dataDir, 'zerobyte', 'restic.pass');
  const box = ctx.meta.secrets;
  const read = (): string => {
    const text = fs.readFileSync(file, 'utf8').trim();
    if (!isSealed(text)) {
      if (box) writeFileAtomicSync(file, `${box.seal(text)}\n`, { mode: 0o600 });
      return text;
    }
    try {
      if (!box) throw new SealedValueError('wrong-key', 'sealed, but no secret key is configured');
      return box.open(text);
    } catch (e) {
      if (!(e instanceof SealedValueError)) throw e;
      // The key's location stays in the server's own startup errors, not in a response.
      throw new FailedPreconditionError(`zerobyte/restic.pass cannot be opened: ${e.message.split(' (')[0]}`);
    }
  };
  try {
    return read();
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
  }
  fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  const pw = randomBytes(32).toString('hex');
  try {
    fs.writeFileSync(file, `${box ? box.seal(pw) : pw}\n`, { mode: 0o600, flag: 'wx' });
  } catch (e) {
    // another request created it first: use theirs
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') return read();
    throw e;
  }
  return pw;
}

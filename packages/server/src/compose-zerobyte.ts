// Composition root, Zerobyte part: opens rest-api.sqlite's stores and builds the Zerobyte use-cases over them
// (app.ts and tests call these; route registration receives what they build).
import path from 'node:path';
import type { Snapshot } from '@restora/restic';
import { ApiKeyStore } from './auth/api-keys.js';
import { SessionStore } from './auth/sessions.js';
import type { SecretBox } from './secrets/box.js';
import { ScheduleWebhooks } from './services/zerobyte/backup-webhooks.js';
import { defaultResticPassword, type ZbContext } from './services/zerobyte/context.js';
import { DoctorService } from './services/zerobyte/doctor.js';
import { HealthJobs } from './services/zerobyte/health-jobs.js';
import type { ZerobyteServices } from './services/zerobyte/index.js';
import { MetaStore } from './services/zerobyte/meta-store.js';
import { MirrorService } from './services/zerobyte/mirrors.js';
import { NotificationService } from './services/zerobyte/notifications.js';
import { RepositoryService } from './services/zerobyte/repositories.js';
import { RepositoryExec } from './services/zerobyte/repository-exec.js';
import { RetryService } from './services/zerobyte/retries.js';
import { ScheduleService } from './services/zerobyte/schedules.js';
import { SnapshotService, type IndexPort } from './services/zerobyte/snapshots.js';
import { SnapshotListCache } from './snapshot-index/snapshot-list-cache.js';
import { ServerEvents } from './services/zerobyte/server-events.js';
import { TaskCenter } from './services/zerobyte/tasks.js';
import { VolumeGuard } from './services/zerobyte/volume-guard.js';
import { VolumeService } from './services/zerobyte/volumes.js';
import { UserAccounts } from './services/zerobyte/user-accounts.js';
import { DEFAULT_WEBHOOK_SETTINGS } from './services/zerobyte/webhook-rules.js';

export interface RestStores {
  meta: MetaStore;
  sessions: SessionStore;
  apiKeys: ApiKeyStore;
}

/** `rest-api.sqlite` in the data dir: Zerobyte's sidecar rows, sessions and API keys (closing meta closes all). */
export function openRestStores(
  dataDir: string,
  now: () => number = Date.now,
  secrets?: SecretBox,
): RestStores {
  const meta = new MetaStore(path.join(dataDir, 'rest-api.sqlite'), secrets);
  return { meta, sessions: new SessionStore(meta.db, now), apiKeys: new ApiKeyStore(meta.db, now) };
}

/** The Zerobyte use-cases over one shared context; close() stops their listeners and timers. */
export function composeZerobyte(ctx: ZbContext, index?: IndexPort): ZerobyteServices {
  const tasks = new TaskCenter(ctx);
  const repositories = new RepositoryService(ctx);
  const events = new ServerEvents();
  const volumes = new VolumeService(ctx, events);
  const schedules = new ScheduleService(ctx, repositories, volumes);
  const mirrors = new MirrorService(ctx, repositories, schedules, tasks);
  const retries = new RetryService(ctx, schedules);
  const webhooks = new ScheduleWebhooks(ctx.webhooks ?? DEFAULT_WEBHOOK_SETTINGS, schedules, repositories);
  const removeWebhooks = ctx.engine.useBackupHooks(
    new VolumeGuard(volumes, (planId) => schedules.volumeIdOf(planId), webhooks),
  );
  const notifications = new NotificationService(ctx, schedules, events);
  const snapshotLists = new SnapshotListCache<Snapshot>(ctx.oplog, ctx.now);
  const health = new HealthJobs(ctx, volumes, repositories, tasks, ctx.healthSchedule);
  return {
    repositories,
    exec: new RepositoryExec(ctx, repositories),
    snapshots: new SnapshotService(ctx, repositories, tasks, snapshotLists, index),
    doctor: new DoctorService(ctx, repositories, tasks),
    schedules,
    mirrors,
    notifications,
    tasks,
    volumes,
    users: new UserAccounts(ctx),
    events,
    resticPassword: () => defaultResticPassword(ctx),
    close: () => {
      health.close();
      notifications.close();
      schedules.close();
      mirrors.close();
      retries.close();
      removeWebhooks();
      tasks.close();
      snapshotLists.close();
    },
  };
}

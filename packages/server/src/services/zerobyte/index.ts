// The Zerobyte use-cases, composed once over the shared context.
import { ScheduleWebhooks } from './backup-webhooks.js';
import type { ZbContext } from './context.js';
import { DoctorService } from './doctor.js';
import { MirrorService } from './mirrors.js';
import { NotificationService } from './notifications.js';
import { RepositoryService } from './repositories.js';
import { RetryService } from './retries.js';
import { ScheduleService } from './schedules.js';
import { SnapshotService } from './snapshots.js';
import { TaskCenter } from './tasks.js';
import { DEFAULT_WEBHOOK_SETTINGS } from './webhook-rules.js';

export type { ZbContext, EnginePort } from './context.js';
export { MetaStore } from './meta-store.js';
export type { TaskDto } from './task-dto.js';

export interface ZerobyteServices {
  repositories: RepositoryService;
  snapshots: SnapshotService;
  doctor: DoctorService;
  schedules: ScheduleService;
  mirrors: MirrorService;
  notifications: NotificationService;
  tasks: TaskCenter;
  close(): void;
}

export function createZerobyteServices(ctx: ZbContext): ZerobyteServices {
  const tasks = new TaskCenter(ctx);
  const repositories = new RepositoryService(ctx);
  const schedules = new ScheduleService(ctx, repositories);
  const mirrors = new MirrorService(ctx, repositories, schedules, tasks);
  const retries = new RetryService(ctx, schedules);
  const webhooks = new ScheduleWebhooks(ctx.webhooks ?? DEFAULT_WEBHOOK_SETTINGS, schedules, repositories);
  const removeWebhooks = ctx.engine.useBackupHooks(webhooks);
  const notifications = new NotificationService(ctx, schedules);
  return {
    repositories,
    snapshots: new SnapshotService(ctx, repositories, tasks),
    doctor: new DoctorService(ctx, repositories, tasks),
    schedules,
    mirrors,
    notifications,
    tasks,
    close: () => {
      notifications.close();
      schedules.close();
      mirrors.close();
      retries.close();
      removeWebhooks();
      tasks.close();
    },
  };
}

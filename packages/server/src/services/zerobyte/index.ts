// The Zerobyte use-cases as the REST routes see them; the composition root (compose-zerobyte.ts) builds them.
import type { DoctorService } from './doctor.js';
import type { MirrorService } from './mirrors.js';
import type { NotificationService } from './notifications.js';
import type { RepositoryService } from './repositories.js';
import type { RepositoryExec } from './repository-exec.js';
import type { ScheduleService } from './schedules.js';
import type { SnapshotService } from './snapshots.js';
import type { ServerEvents } from './server-events.js';
import type { TaskCenter } from './tasks.js';
import type { VolumeService } from './volumes.js';
import type { UserAccounts } from './user-accounts.js';

export type { ZbContext, EnginePort } from './context.js';
export type { TaskDto } from './task-dto.js';

export interface ZerobyteServices {
  repositories: RepositoryService;
  /** The dev panel's restic exec (off unless enabled). */
  exec: RepositoryExec;
  snapshots: SnapshotService;
  doctor: DoctorService;
  schedules: ScheduleService;
  mirrors: MirrorService;
  notifications: NotificationService;
  tasks: TaskCenter;
  volumes: VolumeService;
  /** better-auth's sign-up, password and profile endpoints over the config's users. */
  users: UserAccounts;
  /** The feed of GET /api/v1/events. */
  events: ServerEvents;
  /** The instance-wide restic password (repositories without a customPassword): GET …/system/restic-password. */
  resticPassword(): string;
  close(): void;
}

// When Zerobyte's background health jobs run (a type of the shared context, so its own file: no import cycle).

export interface HealthSchedule {
  /** Cron of the volume health check (Zerobyte: every 30 min). */
  volumes: string;
  /** Cron of the auto-remount of errored volumes (Zerobyte: every 5 min). */
  remount: string;
  /** Cron of the repository check (Zerobyte: 12:50 daily). */
  repositories: string;
}

export const DEFAULT_HEALTH_SCHEDULE: HealthSchedule = {
  volumes: '*/30 * * * *',
  remount: '*/5 * * * *',
  repositories: '50 12 * * *',
};

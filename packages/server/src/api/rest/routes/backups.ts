// /api/v1/backups (Zerobyte §3.5): backup schedules over config plans, run, forget, mirrors, notifications.
import { z } from 'zod';
import type { ZerobyteServices } from '../../../services/zerobyte/index.js';
import { route, type AnyRoute } from '../route.js';
import { CompressionMode, ShortIdParams, Success, TaskStarted } from '../schemas/common.js';

const tag = 'Backup schedules';
const strings = z.array(z.string()).nullable().optional();
const Webhook = z.object({
  url: z.url(),
  headers: z.array(z.string()).optional(),
  body: z.string().optional(),
  insecureTls: z.boolean().optional(),
});
const Retention = z.object({
  keepLast: z.number().int().min(0).optional(),
  keepHourly: z.number().int().min(0).optional(),
  keepDaily: z.number().int().min(0).optional(),
  keepWeekly: z.number().int().min(0).optional(),
  keepMonthly: z.number().int().min(0).optional(),
  keepYearly: z.number().int().min(0).optional(),
  keepWithinDuration: z
    .string()
    .regex(/^(\d+[yYmMwdDhH])+$/, 'must look like 1y2m3d4h')
    .optional(),
});

const fields = {
  name: z.string().trim().min(1).max(128),
  volumeId: z.union([z.string(), z.number()]).nullable().optional(),
  repositoryId: z.string().min(1),
  enabled: z.boolean().default(true),
  cronExpression: z.string(),
  retentionPolicy: Retention.nullable().optional(),
  excludePatterns: strings,
  excludeIfPresent: strings,
  includePaths: z.array(z.string().startsWith('/', 'must be an absolute path')).nullable().optional(),
  includePatterns: strings,
  oneFileSystem: z.boolean().optional(),
  customResticParams: strings,
  compressionMode: CompressionMode.nullable().optional(),
  backupWebhooks: z.object({ pre: Webhook.nullable(), post: Webhook.nullable() }).nullable().optional(),
  maxRetries: z.number().int().min(0).max(32).optional(),
  retryDelay: z.number().int().min(1).max(1440).optional(),
  tags: z.array(z.string()).optional(),
};
const CreateBody = z.object(fields);
const UpdateBody = z.object({ ...fields, name: fields.name.optional(), enabled: z.boolean().optional() });

const Schedule = z
  .object({
    id: z.number(),
    shortId: z.string(),
    name: z.string(),
    repositoryId: z.string(),
    enabled: z.boolean(),
    cronExpression: z.string(),
    lastBackupAt: z.number().nullable(),
    nextBackupAt: z.number().nullable(),
    lastBackupStatus: z.enum(['success', 'error', 'in_progress', 'warning']).nullable(),
    createdAt: z.number(),
    updatedAt: z.number(),
  })
  .loose();

const MirrorParams = ShortIdParams.extend({ mirrorShortId: z.string().min(1) });
const AssignmentIn = z.object({
  destinationId: z.coerce.number().int().positive(),
  notifyOnStart: z.boolean().default(false),
  notifyOnSuccess: z.boolean().default(false),
  notifyOnWarning: z.boolean().default(true),
  notifyOnFailure: z.boolean().default(true),
});

function clean<T extends Record<string, unknown>>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([k, v]) => v !== undefined && k !== 'tags')) as T;
}

export function backupRoutes(s: ZerobyteServices): AnyRoute[] {
  return [
    route({
      method: 'GET',
      url: '/backups',
      operationId: 'listBackupSchedules',
      summary: 'List backup schedules',
      tag,
      responses: { 200: { description: 'Schedules', schema: z.array(Schedule) } },
      handler: () => s.schedules.list(),
    }),
    route({
      method: 'POST',
      url: '/backups/reorder',
      operationId: 'reorderBackupSchedules',
      summary: 'Set the order of the schedule list',
      tag,
      body: z.object({ scheduleShortIds: z.array(z.string().min(1).max(64)) }),
      responses: { 200: { description: 'Reordered', schema: Success } },
      handler: ({ body }) => {
        s.schedules.reorder(body.scheduleShortIds);
        return { success: true };
      },
    }),
    route({
      method: 'POST',
      url: '/backups',
      operationId: 'createBackupSchedule',
      summary: 'Create a backup schedule (a plan in the config)',
      tag,
      body: CreateBody,
      responses: { 201: { description: 'Created', schema: Schedule } },
      handler: ({ body }) => s.schedules.create(clean(body)),
    }),
    route({
      method: 'GET',
      url: '/backups/:shortId',
      operationId: 'getBackupSchedule',
      summary: 'Get a backup schedule',
      tag,
      params: ShortIdParams,
      responses: { 200: { description: 'Schedule', schema: Schedule } },
      handler: ({ params }) => s.schedules.get(params.shortId),
    }),
    route({
      method: 'PATCH',
      url: '/backups/:shortId',
      operationId: 'updateBackupSchedule',
      summary: 'Update a backup schedule',
      tag,
      params: ShortIdParams,
      body: UpdateBody,
      responses: { 200: { description: 'Updated', schema: Schedule } },
      handler: ({ params, body }) => s.schedules.update(params.shortId, clean(body)),
    }),
    route({
      method: 'DELETE',
      url: '/backups/:shortId',
      operationId: 'deleteBackupSchedule',
      summary: 'Delete a backup schedule (snapshots are kept)',
      tag,
      params: ShortIdParams,
      responses: { 200: { description: 'Deleted', schema: Success } },
      handler: async ({ params }) => {
        await s.schedules.delete(params.shortId);
        return { success: true };
      },
    }),
    route({
      method: 'POST',
      url: '/backups/:shortId/run',
      operationId: 'runBackupSchedule',
      summary: 'Run a backup now',
      tag,
      params: ShortIdParams,
      responses: { 202: { description: 'Started', schema: TaskStarted } },
      handler: ({ params }) => s.schedules.run(params.shortId),
    }),
    route({
      method: 'POST',
      url: '/backups/:shortId/forget',
      operationId: 'forgetBackupSchedule',
      summary: 'Apply the retention policy now',
      tag,
      params: ShortIdParams,
      responses: { 202: { description: 'Started', schema: TaskStarted } },
      handler: ({ params }) => s.schedules.forget(params.shortId),
    }),
    route({
      method: 'GET',
      url: '/backups/:shortId/mirrors',
      operationId: 'listMirrors',
      summary: 'Mirror repositories of a schedule',
      tag,
      params: ShortIdParams,
      responses: { 200: { description: 'Mirrors', schema: z.array(z.object({}).loose()) } },
      handler: ({ params }) => s.schedules.mirrors(params.shortId),
    }),
    route({
      method: 'PUT',
      url: '/backups/:shortId/mirrors',
      operationId: 'setMirrors',
      summary: 'Replace the mirror repositories of a schedule',
      tag,
      params: ShortIdParams,
      body: z.object({
        mirrors: z.array(z.object({ repositoryId: z.string().min(1), enabled: z.boolean() })),
      }),
      responses: { 200: { description: 'Mirrors', schema: z.array(z.object({}).loose()) } },
      handler: ({ params, body }) => s.schedules.setMirrors(params.shortId, body.mirrors),
    }),
    route({
      method: 'GET',
      url: '/backups/:shortId/mirrors/compatibility',
      operationId: 'mirrorCompatibility',
      summary: 'Which repositories can be mirrors',
      tag,
      params: ShortIdParams,
      responses: { 200: { description: 'Compatibility', schema: z.array(z.object({}).loose()) } },
      handler: ({ params }) => s.mirrors.compatibility(params.shortId),
    }),
    route({
      method: 'GET',
      url: '/backups/:shortId/mirrors/:mirrorShortId/status',
      operationId: 'mirrorStatus',
      summary: 'Snapshots missing in a mirror',
      tag,
      params: MirrorParams,
      responses: { 200: { description: 'Status', schema: z.object({}).loose() } },
      handler: ({ params }) => s.mirrors.status(params.shortId, params.mirrorShortId),
    }),
    route({
      method: 'POST',
      url: '/backups/:shortId/mirrors/:mirrorShortId/sync',
      operationId: 'syncMirror',
      summary: 'Copy snapshots into a mirror now (restic copy)',
      tag,
      params: MirrorParams,
      body: z.object({ snapshotIds: z.array(z.string().regex(/^[0-9a-f]{4,64}$/i)).optional() }).optional(),
      responses: { 202: { description: 'Started', schema: TaskStarted } },
      handler: ({ params, body }) => s.mirrors.sync(params.shortId, params.mirrorShortId, body?.snapshotIds),
    }),
    route({
      method: 'GET',
      url: '/backups/:shortId/notifications',
      operationId: 'listScheduleNotifications',
      summary: 'Notification assignments of a schedule',
      tag,
      params: ShortIdParams,
      responses: { 200: { description: 'Assignments', schema: z.array(z.object({}).loose()) } },
      handler: ({ params }) => s.notifications.assignments(params.shortId),
    }),
    route({
      method: 'PUT',
      url: '/backups/:shortId/notifications',
      operationId: 'setScheduleNotifications',
      summary: 'Replace the notification assignments of a schedule (hooks on the plan)',
      tag,
      params: ShortIdParams,
      body: z.object({ assignments: z.array(AssignmentIn) }),
      responses: { 200: { description: 'Assignments', schema: z.array(z.object({}).loose()) } },
      handler: ({ params, body }) => s.notifications.setAssignments(params.shortId, body.assignments),
    }),
  ];
}

// /api/v1/tasks (Zerobyte §3.8, §6): active, history, get, cancel, and Server-Sent Events.
import { z } from 'zod';
import type { TaskDto, ZerobyteServices } from '../../../services/zerobyte/index.js';
import { route, type AnyRoute } from '../route.js';
import type { SseOpener } from '../sse-stream.js';

const tag = 'Tasks';
const Filter = z.object({
  kind: z.string().optional(),
  resourceType: z.enum(['backup_schedule', 'repository']).optional(),
  resourceId: z.string().optional(),
  operationKey: z.string().optional(),
});
const TaskSchema = z.object({
  id: z.string(),
  kind: z.string(),
  status: z.enum(['queued', 'running', 'cancelling', 'cancelled', 'succeeded', 'failed', 'stale']),
  resourceType: z.enum(['backup_schedule', 'repository']),
  resourceId: z.string(),
  operationKey: z.string(),
  targetAgentId: z.null(),
  input: z.record(z.string(), z.unknown()),
  progress: z.record(z.string(), z.unknown()).nullable(),
  result: z.record(z.string(), z.unknown()).nullable(),
  error: z.string().nullable(),
  cancellationRequested: z.boolean(),
  createdAt: z.number(),
  startedAt: z.number().nullable(),
  updatedAt: z.number(),
  finishedAt: z.number().nullable(),
});
const TaskParams = z.object({ taskId: z.string().min(1).max(64) });

const matches = (t: TaskDto, f: z.infer<typeof Filter>) =>
  (Object.entries(f) as [keyof TaskDto, unknown][]).every(([k, v]) => v === undefined || t[k] === v);

export function taskRoutes(s: ZerobyteServices, sse: SseOpener): AnyRoute[] {
  return [
    route({
      method: 'GET',
      url: '/tasks',
      operationId: 'listActiveTasks',
      summary: 'Active tasks',
      tag,
      query: Filter,
      responses: { 200: { description: 'Tasks', schema: z.array(TaskSchema) } },
      handler: ({ query }) => s.tasks.active(query),
    }),
    route({
      method: 'GET',
      url: '/tasks/events',
      operationId: 'streamTaskEvents',
      summary: 'Server-Sent Events: tasks:snapshot, task:changed, heartbeat',
      tag,
      query: Filter,
      responses: { 200: { description: 'text/event-stream', contentType: 'text/event-stream' } },
      handler: ({ reply, query }) =>
        sse(reply, [{ event: 'tasks:snapshot', data: s.tasks.active(query) }], (send) =>
          s.tasks.onChange((t) => {
            if (matches(t, query)) send('task:changed', t);
          }),
        ),
    }),
    route({
      method: 'GET',
      url: '/tasks/history',
      operationId: 'listTaskHistory',
      summary: 'Finished tasks, newest first',
      tag,
      query: z.object({
        kind: z.string().optional(),
        outcome: z.enum(['success', 'warning', 'error', 'cancelled', 'stale', 'running']).optional(),
        page: z.coerce.number().int().min(1).default(1),
        pageSize: z.coerce.number().int().min(1).max(200).default(25),
      }),
      responses: { 200: { description: 'History page', schema: z.object({}).loose() } },
      handler: ({ query }) => s.tasks.history(query, query.page, query.pageSize),
    }),
    route({
      method: 'GET',
      url: '/tasks/:taskId',
      operationId: 'getTask',
      summary: 'One task',
      tag,
      params: TaskParams,
      responses: { 200: { description: 'Task', schema: TaskSchema } },
      handler: ({ params }) => s.tasks.get(params.taskId),
    }),
    route({
      method: 'GET',
      url: '/tasks/:taskId/events',
      operationId: 'streamTask',
      summary: 'Server-Sent Events of one task',
      tag,
      params: TaskParams,
      responses: { 200: { description: 'text/event-stream', contentType: 'text/event-stream' } },
      handler: ({ reply, params }) => {
        const t = s.tasks.get(params.taskId);
        return sse(reply, [{ event: 'task:changed', data: t }], (send) =>
          s.tasks.onChange((x) => {
            if (x.id === t.id) send('task:changed', x);
          }),
        );
      },
    }),
    route({
      method: 'POST',
      url: '/tasks/:taskId/cancel',
      operationId: 'cancelTask',
      summary: 'Cancel a task',
      tag,
      params: TaskParams,
      responses: {
        202: { description: 'Cancelling', schema: z.object({ status: z.literal('cancelling') }) },
      },
      handler: ({ params }) => s.tasks.cancel(params.taskId),
    }),
  ];
}

// /api/v1/notifications/destinations (Zerobyte §3.6), materialised as hooks on the assigned plans.
import { z } from 'zod';
import type { ZerobyteServices } from '../../../services/zerobyte/index.js';
import { route, type AnyRoute } from '../route.js';
import { Message, Success } from '../schemas/common.js';
import { NotificationConfig } from '../../../services/zerobyte/notification-config.js';

const tag = 'Notifications';
const IdParams = z.object({ id: z.coerce.number().int().positive() });
const Destination = z.object({
  id: z.number(),
  name: z.string(),
  enabled: z.boolean(),
  status: z.enum(['healthy', 'error', 'unknown']),
  lastChecked: z.number().nullable(),
  lastError: z.string().nullable(),
  type: z.string(),
  config: z.record(z.string(), z.unknown()),
  createdAt: z.number(),
  updatedAt: z.number(),
});

export function notificationRoutes(s: ZerobyteServices): AnyRoute[] {
  const base = '/notifications/destinations';
  return [
    route({
      method: 'GET',
      url: base,
      operationId: 'listNotificationDestinations',
      summary: 'List notification destinations',
      tag,
      responses: { 200: { description: 'Destinations', schema: z.array(Destination) } },
      handler: () => s.notifications.list(),
    }),
    route({
      method: 'POST',
      url: base,
      operationId: 'createNotificationDestination',
      summary: 'Create a notification destination',
      tag,
      body: z.object({ name: z.string().trim().min(1).max(128), config: NotificationConfig }),
      responses: { 201: { description: 'Created', schema: Destination } },
      handler: ({ body }) => s.notifications.create(body),
    }),
    route({
      method: 'GET',
      url: `${base}/:id`,
      operationId: 'getNotificationDestination',
      summary: 'Get a notification destination',
      tag,
      params: IdParams,
      responses: { 200: { description: 'Destination', schema: Destination } },
      handler: ({ params }) => s.notifications.get(params.id),
    }),
    route({
      method: 'PATCH',
      url: `${base}/:id`,
      operationId: 'updateNotificationDestination',
      summary: 'Update a notification destination (partial)',
      tag,
      params: IdParams,
      body: z
        .object({
          name: z.string().trim().min(1).max(128).optional(),
          enabled: z.boolean().optional(),
          config: z.record(z.string(), z.unknown()).optional(),
        })
        .strict(),
      responses: { 200: { description: 'Destination', schema: Destination } },
      handler: ({ params, body }) => s.notifications.update(params.id, body),
    }),
    route({
      method: 'DELETE',
      url: `${base}/:id`,
      operationId: 'deleteNotificationDestination',
      summary: 'Delete a notification destination',
      tag,
      params: IdParams,
      responses: { 200: { description: 'Deleted', schema: Message } },
      handler: async ({ params }) => {
        await s.notifications.delete(params.id);
        return { message: 'Notification destination deleted' };
      },
    }),
    route({
      method: 'POST',
      url: `${base}/:id/test`,
      operationId: 'testNotificationDestination',
      summary: 'Send a test notification',
      tag,
      params: IdParams,
      responses: { 200: { description: 'Sent', schema: Success } },
      handler: ({ params }) => s.notifications.test(params.id),
    }),
  ];
}

// /api/v1/notifications/destinations (Zerobyte §3.6), materialised as hooks on the assigned plans.
import { z } from 'zod';
import type { ZerobyteServices } from '../../../services/zerobyte/index.js';
import { route, type AnyRoute } from '../route.js';
import { Message, Success } from '../schemas/common.js';

const tag = 'Notifications';
const IdParams = z.object({ id: z.coerce.number().int().positive() });
const str = z.string().min(1);
export const NotificationConfig = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('email'),
    smtpHost: str,
    smtpPort: z.coerce.number().int().min(1).max(65535),
    username: z.string().optional(),
    password: z.string().optional(),
    from: str,
    fromName: z.string().optional(),
    to: z.array(str).min(1),
    useTLS: z.boolean().default(true),
  }),
  z.object({
    type: z.literal('slack'),
    webhookUrl: z.url(),
    username: z.string().optional(),
    iconEmoji: z.string().optional(),
  }),
  z.object({
    type: z.literal('discord'),
    webhookUrl: z.url(),
    username: z.string().optional(),
    avatarUrl: z.string().optional(),
    threadId: z.string().optional(),
  }),
  z.object({
    type: z.literal('gotify'),
    serverUrl: z.url(),
    token: str,
    path: z.string().optional(),
    priority: z.number().int().min(0).max(10).default(5),
  }),
  z.object({
    type: z.literal('ntfy'),
    serverUrl: z.url().optional(),
    topic: str,
    priority: z.enum(['max', 'high', 'default', 'low', 'min']).default('default'),
    username: z.string().optional(),
    password: z.string().optional(),
    accessToken: z.string().optional(),
  }),
  z.object({
    type: z.literal('pushover'),
    userKey: str,
    apiToken: str,
    devices: z.string().optional(),
    priority: z.union([z.literal(-1), z.literal(0), z.literal(1)]).default(0),
  }),
  z.object({ type: z.literal('telegram'), botToken: str, chatId: str, threadId: z.string().optional() }),
  z.object({
    type: z.literal('generic'),
    url: z.url(),
    method: z.enum(['GET', 'POST']).default('POST'),
    contentType: z.string().optional(),
    headers: z.array(z.string()).optional(),
    useJson: z.boolean().optional(),
    titleKey: z.string().optional(),
    messageKey: z.string().optional(),
  }),
  z.object({ type: z.literal('custom'), shoutrrrUrl: str }),
]);

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

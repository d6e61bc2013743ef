// A notification destination's config (Zerobyte §5.5): strict, so a field we do not know is a 400 naming it.
import { z } from 'zod';
import { ValidationError } from '../../errors.js';

const str = z.string().min(1);
export const NotificationConfig = z.discriminatedUnion('type', [
  z.strictObject({
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
  z.strictObject({
    type: z.literal('slack'),
    webhookUrl: z.url(),
    username: z.string().optional(),
    iconEmoji: z.string().optional(),
  }),
  z.strictObject({
    type: z.literal('discord'),
    webhookUrl: z.url(),
    username: z.string().optional(),
    avatarUrl: z.string().optional(),
    threadId: z.string().optional(),
  }),
  z.strictObject({
    type: z.literal('gotify'),
    serverUrl: z.url(),
    token: str,
    path: z.string().optional(),
    priority: z.number().int().min(0).max(10).default(5),
  }),
  z.strictObject({
    type: z.literal('ntfy'),
    serverUrl: z.url().optional(),
    topic: str,
    priority: z.enum(['max', 'high', 'default', 'low', 'min']).default('default'),
    username: z.string().optional(),
    password: z.string().optional(),
    accessToken: z.string().optional(),
  }),
  z.strictObject({
    type: z.literal('pushover'),
    userKey: str,
    apiToken: str,
    devices: z.string().optional(),
    priority: z.union([z.literal(-1), z.literal(0), z.literal(1)]).default(0),
  }),
  z.strictObject({
    type: z.literal('telegram'),
    botToken: str,
    chatId: str,
    threadId: z.string().optional(),
  }),
  z.strictObject({
    type: z.literal('generic'),
    url: z.url(),
    method: z.enum(['GET', 'POST']).default('POST'),
    contentType: z.string().optional(),
    headers: z.array(z.string()).optional(),
    useJson: z.boolean().optional(),
    titleKey: z.string().optional(),
    messageKey: z.string().optional(),
  }),
  z.strictObject({ type: z.literal('custom'), shoutrrrUrl: str }),
]);

/** A stored or merged config checked again (a PATCH merges field by field): ValidationError naming each field. */
export function checkNotificationConfig(config: Record<string, unknown>): Record<string, unknown> {
  const r = NotificationConfig.safeParse(config);
  if (r.success) return r.data as Record<string, unknown>;
  throw new ValidationError(
    r.error.issues.map((i) => ({ path: ['config', ...i.path.map(String)].join('.'), message: i.message })),
  );
}

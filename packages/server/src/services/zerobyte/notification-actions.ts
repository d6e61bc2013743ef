// A notification destination's config as a hook action (native actions, shoutrrr URLs for the rest), and the
// masking of its secrets in answers (a masked value sent back keeps the stored one).
import type { MessageInitShape } from '@bufbuild/protobuf';
import { Hook_Webhook_Method, type HookSchema } from '@restora/proto';
import { keepsStored, maskSecret, maskUriPassword, maskUrl } from '../../config/redact-values.js';
import { REDACTED } from '../../config/types.js';
import { ValidationError } from '../../errors.js';

export interface Destination {
  id: number;
  name: string;
  enabled: boolean;
  status: 'healthy' | 'error' | 'unknown';
  lastChecked: number | null;
  lastError: string | null;
  type: string;
  config: Record<string, unknown>;
  createdAt: number;
  updatedAt: number;
}

const TEMPLATE =
  'Restora: {{ .EventName .Event }} of plan {{ .Plan.Id }} on repo {{ .Repo.Id }}{{ if .Error }}: {{ .Error }}{{ end }}';
// destination and volume configs (share passwords, SSH keys) are masked by the same table
const SECRET_KEYS = [
  'password',
  'privateKey',
  'token',
  'botToken',
  'apiToken',
  'accessToken',
  'userKey',
  'webhookUrl',
  'shoutrrrUrl',
];

export const s = (v: unknown) => (typeof v === 'string' ? v : v === undefined || v === null ? '' : String(v));
const enc = encodeURIComponent;

/** The hook action for a destination config (shoutrrr URLs for the types without a native hook). */
export function actionFor(config: Record<string, unknown>): MessageInitShape<typeof HookSchema>['action'] {
  const c = config;
  switch (c.type) {
    case 'slack':
      return { case: 'actionSlack', value: { webhookUrl: s(c.webhookUrl), template: TEMPLATE } };
    case 'discord':
      return { case: 'actionDiscord', value: { webhookUrl: s(c.webhookUrl), template: TEMPLATE } };
    case 'gotify':
      return {
        case: 'actionGotify',
        value: {
          baseUrl: s(c.serverUrl),
          token: s(c.token),
          template: TEMPLATE,
          titleTemplate: 'Restora',
          priority: Number(c.priority ?? 5),
        },
      };
    case 'telegram':
      return {
        case: 'actionTelegram',
        value: { botToken: s(c.botToken), chatId: s(c.chatId), template: TEMPLATE },
      };
    case 'generic':
      return {
        case: 'actionWebhook',
        value: {
          webhookUrl: s(c.url),
          method: c.method === 'GET' ? Hook_Webhook_Method.GET : Hook_Webhook_Method.POST,
          template:
            c.useJson === false
              ? TEMPLATE
              : `{"${s(c.messageKey) || 'message'}": "${TEMPLATE.replace(/"/g, '\\"')}"}`,
        },
      };
    case 'custom':
      return { case: 'actionShoutrrr', value: { shoutrrrUrl: s(c.shoutrrrUrl), template: TEMPLATE } };
    case 'ntfy': {
      const u = new URL(s(c.serverUrl) || 'https://ntfy.sh');
      const auth = c.username ? `${enc(s(c.username))}:${enc(s(c.password))}@` : '';
      const url = `ntfy://${auth}${u.host}/${enc(s(c.topic))}?priority=${enc(s(c.priority) || 'default')}${u.protocol === 'http:' ? '&scheme=http' : ''}`;
      return { case: 'actionShoutrrr', value: { shoutrrrUrl: url, template: TEMPLATE } };
    }
    case 'pushover': {
      const url = `pushover://shoutrrr:${enc(s(c.apiToken))}@${enc(s(c.userKey))}/?priority=${s(c.priority) || '0'}${c.devices ? `&devices=${enc(s(c.devices))}` : ''}`;
      return { case: 'actionShoutrrr', value: { shoutrrrUrl: url, template: TEMPLATE } };
    }
    case 'email': {
      const auth = c.username ? `${enc(s(c.username))}:${enc(s(c.password))}@` : '';
      const to = Array.isArray(c.to) ? c.to.map(s).join(',') : s(c.to);
      const url = `smtp://${auth}${s(c.smtpHost)}:${s(c.smtpPort) || '25'}/?from=${enc(s(c.from))}&to=${enc(to)}&usetls=${c.useTLS ? 'yes' : 'no'}`;
      return { case: 'actionShoutrrr', value: { shoutrrrUrl: url, template: TEMPLATE } };
    }
    default:
      throw new ValidationError([
        { path: 'config.type', message: `unknown notification type ${JSON.stringify(c.type)}` },
      ]);
  }
}

/** A destination field as a client sees it: whole secrets masked, tokens in URLs masked (config/redact-values). */
function maskField(k: string, v: unknown): unknown {
  if (typeof v !== 'string' || v === '') return v;
  if (SECRET_KEYS.includes(k)) return maskSecret(v);
  if (k === 'url') return maskUrl(v);
  return maskUriPassword(v);
}

export const redact = (c: Record<string, unknown>) =>
  Object.fromEntries(Object.entries(c).map(([k, v]) => [k, maskField(k, v)]));

/** A PATCH value that is the masked form of the stored one keeps the stored secret. */
export function keepsStoredField(k: string, v: unknown, stored: unknown): boolean {
  if (typeof v !== 'string' || !v.includes(REDACTED)) return false;
  if (typeof stored === 'string' && keepsStored(v, stored, (x) => maskField(k, x) as string)) return true;
  throw new ValidationError([
    { path: `config.${k}`, message: 'placeholder sent but it does not match the stored value' },
  ]);
}

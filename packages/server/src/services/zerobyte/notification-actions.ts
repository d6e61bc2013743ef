// A notification destination's config as a hook action (native actions, shoutrrr URLs for the rest), and the
// masking of its secrets in answers (a masked value sent back keeps the stored one).
import type { MessageInitShape } from '@bufbuild/protobuf';
import { Hook_Webhook_Method, type HookSchema } from '@restora/proto';
import { keepsStored, maskSecret, maskUriPassword, maskUrl } from '../../config/redact-values.js';
import { REDACTED } from '../../config/types.js';
import { GENERIC_KEYS } from '../../hooks/handlers/shoutrrr.js';
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
// the same text as a JSON string: an error message with quotes or newlines must not break the body
const ARGS = '(.EventName .Event) .Plan.Id .Repo.Id';
const JSON_MESSAGE =
  `{{ if .Error }}{{ .JsonMarshal (printf "Restora: %s of plan %s on repo %s: %s" ${ARGS} .Error) }}` +
  `{{ else }}{{ .JsonMarshal (printf "Restora: %s of plan %s on repo %s" ${ARGS}) }}{{ end }}`;
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

const shoutrrr = (url: string): MessageInitShape<typeof HookSchema>['action'] => ({
  case: 'actionShoutrrr',
  value: { shoutrrrUrl: url, template: TEMPLATE },
});

/** A webhook URL with shoutrrr generic parameters (JSON body, extra `$fields`) added to its own query. */
function genericPlus(target: string, params: [string, string][]): string {
  const u = new URL(target);
  // the target's own parameters that shoutrrr would read as its keys are escaped with "_"
  const own = [...u.searchParams].map(([k, v]): [string, string] => [
    GENERIC_KEYS.includes(k.toLowerCase()) ? `_${k}` : k,
    v,
  ]);
  u.search = '';
  for (const [k, v] of [...own, ...params]) u.searchParams.append(k, v);
  return `generic+${u.toString()}`;
}

/** `$key` fields for the set values only. */
const fields = (c: Record<string, unknown>, map: Record<string, string>): [string, string][] =>
  Object.entries(map).flatMap(([from, to]) =>
    s(c[from]) ? [[`$${to}`, s(c[from])] as [string, string]] : [],
  );

/** "Name: value" lines as shoutrrr `@Name` parameters; a line without a colon is refused, not dropped. */
function headerParams(headers: unknown): [string, string][] {
  if (!Array.isArray(headers)) return [];
  return headers.map((h, i) => {
    const line = s(h);
    const at = line.indexOf(':');
    if (at <= 0)
      throw new ValidationError([{ path: `config.headers[${i}]`, message: 'must be "Name: value"' }]);
    return [`@${line.slice(0, at).trim()}`, line.slice(at + 1).trim()];
  });
}

/** The hook action for a destination config; every field it accepts is carried (native hooks when they can). */
export function actionFor(config: Record<string, unknown>): MessageInitShape<typeof HookSchema>['action'] {
  const c = config;
  switch (c.type) {
    case 'slack': {
      const extras = fields(c, { username: 'username', iconEmoji: 'icon_emoji' });
      if (extras.length)
        return shoutrrr(
          genericPlus(s(c.webhookUrl), [
            ['template', 'json'],
            ['title', ''],
            ['messagekey', 'text'],
            ...extras,
          ]),
        );
      return { case: 'actionSlack', value: { webhookUrl: s(c.webhookUrl), template: TEMPLATE } };
    }
    case 'discord': {
      const extras = fields(c, { username: 'username', avatarUrl: 'avatar_url' });
      const thread: [string, string][] = s(c.threadId) ? [['thread_id', s(c.threadId)]] : [];
      if (extras.length || thread.length)
        return shoutrrr(
          genericPlus(s(c.webhookUrl), [
            ...thread,
            ['template', 'json'],
            ['title', ''],
            ['messagekey', 'content'],
            ...extras,
          ]),
        );
      return { case: 'actionDiscord', value: { webhookUrl: s(c.webhookUrl), template: TEMPLATE } };
    }
    case 'gotify': {
      const sub = s(c.path).replace(/^\/+|\/+$/g, '');
      return {
        case: 'actionGotify',
        value: {
          baseUrl: sub ? `${s(c.serverUrl).replace(/\/+$/, '')}/${sub}` : s(c.serverUrl),
          token: s(c.token),
          template: TEMPLATE,
          titleTemplate: 'Restora',
          priority: Number(c.priority ?? 5),
        },
      };
    }
    case 'telegram':
      if (s(c.threadId))
        return shoutrrr(
          `telegram://${s(c.botToken)}@telegram?chats=${enc(s(c.chatId))}:${enc(s(c.threadId))}`,
        );
      return {
        case: 'actionTelegram',
        value: { botToken: s(c.botToken), chatId: s(c.chatId), template: TEMPLATE },
      };
    case 'generic': {
      const json = c.useJson !== false;
      if (!json)
        for (const k of ['titleKey', 'messageKey'])
          if (s(c[k]))
            throw new ValidationError([{ path: `config.${k}`, message: 'only applies with useJson: true' }]);
      const method = c.method === 'GET' ? 'GET' : 'POST';
      // headers and a content type need shoutrrr's generic service; without them the native webhook hook
      // stays readable (and renamable) in Backrest's config view
      if (s(c.contentType) || (Array.isArray(c.headers) && c.headers.length)) {
        const params: [string, string][] = [
          ['method', method],
          ...(json ? [['template', 'json'] as [string, string]] : []),
          ...(s(c.titleKey) ? [['titlekey', s(c.titleKey)] as [string, string]] : []),
          ...(s(c.messageKey) ? [['messagekey', s(c.messageKey)] as [string, string]] : []),
          ...(s(c.contentType) ? [['contenttype', s(c.contentType)] as [string, string]] : []),
          ...headerParams(c.headers),
        ];
        return shoutrrr(genericPlus(s(c.url), params));
      }
      const title = s(c.titleKey)
        ? `${JSON.stringify(s(c.titleKey))}: "Restora {{ .EventName .Event }}", `
        : '';
      return {
        case: 'actionWebhook',
        value: {
          webhookUrl: s(c.url),
          method: method === 'GET' ? Hook_Webhook_Method.GET : Hook_Webhook_Method.POST,
          template: json
            ? `{${title}${JSON.stringify(s(c.messageKey) || 'message')}: ${JSON_MESSAGE}}`
            : TEMPLATE,
        },
      };
    }
    case 'custom':
      return shoutrrr(s(c.shoutrrrUrl));
    case 'ntfy': {
      const u = new URL(s(c.serverUrl) || 'https://ntfy.sh');
      // Zerobyte: an access token wins over user/password and goes as the password alone
      const auth = s(c.accessToken)
        ? `:${enc(s(c.accessToken))}@`
        : c.username
          ? `${enc(s(c.username))}:${enc(s(c.password))}@`
          : '';
      return shoutrrr(
        `ntfy://${auth}${u.host}/${enc(s(c.topic))}?priority=${enc(s(c.priority) || 'default')}${u.protocol === 'http:' ? '&scheme=http' : ''}`,
      );
    }
    case 'pushover':
      return shoutrrr(
        `pushover://shoutrrr:${enc(s(c.apiToken))}@${enc(s(c.userKey))}/?priority=${s(c.priority) || '0'}${c.devices ? `&devices=${enc(s(c.devices))}` : ''}`,
      );
    case 'email': {
      const auth = c.username ? `${enc(s(c.username))}:${enc(s(c.password))}@` : '';
      const to = Array.isArray(c.to) ? c.to.map(s).join(',') : s(c.to);
      const q = new URLSearchParams({ from: s(c.from) });
      if (s(c.fromName)) q.set('fromname', s(c.fromName));
      q.set('to', to);
      q.set('starttls', c.useTLS === false ? 'no' : 'yes');
      return shoutrrr(`smtp://${auth}${s(c.smtpHost)}:${s(c.smtpPort) || '25'}/?${q.toString()}`);
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

/** A PATCHed config: each field replaces the stored one, except masked secrets sent back unchanged. */
export function mergeMasked(
  stored: Record<string, unknown>,
  patch: Record<string, unknown>,
): Record<string, unknown> {
  const out = { ...stored };
  for (const [k, v] of Object.entries(patch)) if (!keepsStoredField(k, v, stored[k])) out[k] = v;
  return out;
}

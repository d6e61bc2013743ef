// Zerobyte's rules for a schedule's backup webhooks (§5.5): http(s) only, origin in WEBHOOK_ALLOWED_ORIGINS,
// "Key: Value" headers, bounded sizes. Checked when a schedule is saved and again before each call.
import type { ValidationIssue } from '../../errors.js';

export interface BackupWebhook {
  url: string;
  headers?: string[];
  body?: string;
  insecureTls?: boolean;
}

export interface BackupWebhooks {
  pre: BackupWebhook | null;
  post: BackupWebhook | null;
}

export interface WebhookSettings {
  /** Origins (`scheme://host[:port]`) webhooks may call; empty refuses every webhook, like Zerobyte. */
  allowedOrigins: readonly string[];
  /** Per-call timeout (WEBHOOK_TIMEOUT). */
  timeoutMs: number;
}

export const DEFAULT_WEBHOOK_TIMEOUT_MS = 60_000;
export const DEFAULT_WEBHOOK_SETTINGS: WebhookSettings = {
  allowedOrigins: [],
  timeoutMs: DEFAULT_WEBHOOK_TIMEOUT_MS,
};

// Zerobyte's limits: a webhook is a signal, not a data transfer.
const MAX_BODY_BYTES = 64 * 1024;
const MAX_HEADERS = 32;
const MAX_HEADER_BYTES = 8 * 1024;
const HEADER_NAME = /^[A-Za-z0-9-]+$/;

/** The origin of an http(s) URL; null for anything else. */
export function httpOrigin(url: string): string | null {
  try {
    const u = new URL(url);
    return u.protocol === 'http:' || u.protocol === 'https:' ? u.origin : null;
  } catch {
    return null;
  }
}

/** A comma list of origins; entries may carry a path or a trailing slash (`https://x/hook` → `https://x`). */
export function parseAllowedOrigins(list: string): { origins: string[]; bad: string[] } {
  const entries = list
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  const origins = entries.map(httpOrigin);
  return {
    origins: [...new Set(origins.filter((o): o is string => o !== null))],
    bad: entries.filter((_, i) => origins[i] === null),
  };
}

/** "Key: Value" lines as headers: split at the first colon, both sides trimmed. */
export function headerRecord(lines: readonly string[] = []): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of lines) {
    const i = line.indexOf(':');
    if (i > 0) out[line.slice(0, i).trim()] = line.slice(i + 1).trim();
  }
  return out;
}

/** Every problem of one webhook, each on its field (`<field>.url`, ...); header values are never quoted. */
export function webhookIssues(
  hook: BackupWebhook,
  field: string,
  settings: WebhookSettings,
): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  const origin = httpOrigin(hook.url);
  if (origin === null) issues.push({ path: `${field}.url`, message: 'must be an http:// or https:// URL' });
  else if (!settings.allowedOrigins.includes(origin))
    issues.push({
      path: `${field}.url`,
      message: `origin ${origin} is not allowed: add it to WEBHOOK_ALLOWED_ORIGINS`,
    });
  const lines = hook.headers ?? [];
  if (lines.length > MAX_HEADERS)
    issues.push({ path: `${field}.headers`, message: `at most ${MAX_HEADERS} headers` });
  lines.forEach((line, i) => {
    const colon = line.indexOf(':');
    const name = colon > 0 ? line.slice(0, colon).trim() : '';
    if (!HEADER_NAME.test(name) || !line.slice(colon + 1).trim())
      issues.push({
        path: `${field}.headers[${i}]`,
        message: 'must be "Key: Value" with a name of letters, digits and dashes and a non-empty value',
      });
  });
  const headerBytes = lines.reduce((n, l) => n + Buffer.byteLength(l), 0);
  if (headerBytes > MAX_HEADER_BYTES)
    issues.push({ path: `${field}.headers`, message: `at most ${MAX_HEADER_BYTES} bytes in all` });
  if (hook.body !== undefined && Buffer.byteLength(hook.body) > MAX_BODY_BYTES)
    issues.push({ path: `${field}.body`, message: `at most ${MAX_BODY_BYTES} bytes` });
  return issues;
}

/** Problems of a schedule's `backupWebhooks` (null or absent: none). */
export function backupWebhooksIssues(
  hooks: BackupWebhooks | null | undefined,
  settings: WebhookSettings,
): ValidationIssue[] {
  if (!hooks) return [];
  return (['pre', 'post'] as const).flatMap((phase) => {
    const hook = hooks[phase];
    return hook ? webhookIssues(hook, `backupWebhooks.${phase}`, settings) : [];
  });
}

// `restora serve` options: flags and RESTORA_* env parsed once, from one schema, naming every bad value.
import net from 'node:net';
import path from 'node:path';
import { z } from 'zod';
import { resolvePaths } from './config/paths.js';
import { takeKeySource } from './secrets/key.js';
import type { ServerOptions } from './app.js';
import { DEFAULT_WEBHOOK_TIMEOUT_MS, parseAllowedOrigins } from './services/zerobyte/webhook-rules.js';

export { serveCommandOptions } from './serve-flags.js';

/** Flag values as commander gives them (camelCase keys). */
export interface ServeFlags {
  bindAddress?: string;
  configFile?: string;
  dataDir?: string;
  resticCmd?: string;
  lockedDown?: boolean;
  disablePathAutocomplete?: boolean;
  disableRunCommand?: boolean;
  disableCommandHooks?: boolean;
  logLevel?: string;
  logFormat?: string;
  webDir?: string;
  webhookAllowedOrigins?: string;
  webhookTimeout?: string;
  secretKeyFile?: string;
  trustedProxies?: string;
  enableDevPanel?: boolean;
}

export class ServeOptionsError extends Error {}

const bool = z
  .union([z.boolean(), z.string()])
  .optional()
  .transform((v, ctx) => {
    if (v === undefined || typeof v === 'boolean') return v ?? false;
    if (/^(1|true|yes|on)$/i.test(v)) return true;
    if (/^(0|false|no|off|)$/i.test(v)) return false;
    ctx.addIssue({ code: 'custom', message: `must be true or false, got "${v}"` });
    return z.NEVER;
  });

const bind = z.string().transform((v, ctx) => {
  const m = /^(?:(\[[^\]]+\]|[^:]*):)?(\d{1,5})$/.exec(v.trim());
  const port = m ? Number(m[2]) : NaN;
  if (!m || port > 65535) {
    ctx.addIssue({ code: 'custom', message: `must be host:port or port (0-65535), got "${v}"` });
    return z.NEVER;
  }
  const host = (m[1] ?? '').replace(/^\[|\]$/g, '');
  return { host: host || '0.0.0.0', port };
});

const nonEmpty = z.string().trim().min(1, 'must not be empty').optional();

// Zerobyte's variable names (no RESTORA_ prefix): its users' compose files keep working.
const origins = z
  .string()
  .optional()
  .transform((v, ctx) => {
    const { origins: list, bad } = parseAllowedOrigins(v ?? '');
    if (bad.length === 0) return list;
    ctx.addIssue({
      code: 'custom',
      message: `not an http(s) origin: ${bad.map((b) => `"${b}"`).join(', ')}`,
    });
    return z.NEVER;
  });

const seconds = z
  .union([z.string(), z.number()])
  .optional()
  .transform((v, ctx) => {
    if (v === undefined || v === '') return DEFAULT_WEBHOOK_TIMEOUT_MS / 1000;
    const n = Number(v);
    if (Number.isFinite(n) && n > 0) return n;
    ctx.addIssue({ code: 'custom', message: `must be a positive number of seconds, got "${v}"` });
    return z.NEVER;
  });

/** IPv4/IPv6 addresses or CIDRs (what Fastify's trustProxy takes); anything else is named. */
const proxies = z
  .string()
  .optional()
  .transform((v, ctx) => {
    const list = (v ?? '')
      .split(',')
      .map((p) => p.trim())
      .filter(Boolean);
    const bad = list.filter((p) => {
      const [addr = '', bits, extra] = p.split('/');
      const max = net.isIPv4(addr) ? 32 : net.isIPv6(addr) ? 128 : -1;
      return (
        max < 0 || extra !== undefined || (bits !== undefined && !(/^\d+$/.test(bits) && Number(bits) <= max))
      );
    });
    if (bad.length === 0) return list;
    ctx.addIssue({
      code: 'custom',
      message: `not an IP address or CIDR: ${bad.map((b) => `"${b}"`).join(', ')}`,
    });
    return z.NEVER;
  });

const schema = z.object({
  bindAddress: bind,
  configFile: nonEmpty,
  dataDir: nonEmpty,
  resticCmd: nonEmpty,
  lockedDown: bool,
  disablePathAutocomplete: bool,
  disableRunCommand: bool,
  disableCommandHooks: bool,
  webDir: nonEmpty,
  logLevel: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']),
  logFormat: z.enum(['json', 'pretty']).optional(),
  webhookAllowedOrigins: origins,
  webhookTimeout: seconds,
  secretKeyFile: nonEmpty,
  trustedProxies: proxies,
  enableDevPanel: bool,
});

const ENV: Record<keyof z.input<typeof schema>, string> = {
  bindAddress: 'RESTORA_PORT',
  configFile: 'RESTORA_CONFIG',
  dataDir: 'RESTORA_DATA',
  resticCmd: 'RESTORA_RESTIC_COMMAND',
  lockedDown: 'RESTORA_LOCKED_DOWN',
  disablePathAutocomplete: 'RESTORA_DISABLE_PATH_AUTOCOMPLETE',
  disableRunCommand: 'RESTORA_DISABLE_RUN_COMMAND',
  disableCommandHooks: 'RESTORA_DISABLE_COMMAND_HOOKS',
  webDir: 'RESTORA_WEB_DIR',
  logLevel: 'RESTORA_LOG_LEVEL',
  logFormat: 'RESTORA_LOG_FORMAT',
  webhookAllowedOrigins: 'WEBHOOK_ALLOWED_ORIGINS',
  webhookTimeout: 'WEBHOOK_TIMEOUT',
  secretKeyFile: 'RESTORA_SECRET_KEY_FILE',
  trustedProxies: 'RESTORA_TRUSTED_PROXIES',
  enableDevPanel: 'ENABLE_DEV_PANEL',
};

const flagName = (key: string) => `--${key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;

/** Flags win over env; throws ServeOptionsError listing every bad value with its flag and variable. */
export function parseServeOptions(flags: ServeFlags, env: NodeJS.ProcessEnv = process.env): ServerOptions {
  const raw: Record<string, unknown> = {};
  for (const [key, envName] of Object.entries(ENV)) {
    raw[key] = (flags as Record<string, unknown>)[key] ?? env[envName];
  }
  raw.bindAddress ??= '127.0.0.1:9898';
  raw.logLevel ??= 'info';
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => {
      const key = String(i.path[0]);
      return `${flagName(key)} (or ${ENV[key as keyof typeof ENV]}): ${i.message}`;
    });
    throw new ServeOptionsError(`invalid options:\n  ${lines.join('\n  ')}`);
  }
  const v = parsed.data;
  if (v.enableDevPanel && v.lockedDown)
    throw new ServeOptionsError(
      'invalid options:\n  --enable-dev-panel (or ENABLE_DEV_PANEL): a locked-down install runs no restic commands of the user',
    );
  const paths = resolvePaths({ configFile: v.configFile, dataDir: v.dataDir, env });
  return {
    host: v.bindAddress.host,
    port: v.bindAddress.port,
    configFile: paths.configFile,
    dataDir: paths.dataDir,
    ...(v.resticCmd ? { resticCommand: v.resticCmd } : {}),
    logLevel: v.logLevel,
    ...(v.logFormat ? { logFormat: v.logFormat } : {}),
    ...(v.webDir ? { webDir: path.resolve(v.webDir) } : {}),
    features: {
      pathAutocomplete: !(v.lockedDown || v.disablePathAutocomplete),
      runCommand: !(v.lockedDown || v.disableRunCommand),
      commandHooks: !(v.lockedDown || v.disableCommandHooks),
      repoPrograms: !v.lockedDown,
    },
    webhooks: {
      allowedOrigins: v.webhookAllowedOrigins,
      timeoutMs: Math.round(v.webhookTimeout * 1000),
    },
    ...(v.enableDevPanel ? { devPanel: true } : {}),
    // RESTORA_SECRET_KEY is taken out of `env` here so restic and hooks never inherit it.
    ...(v.trustedProxies.length ? { trustedProxies: v.trustedProxies } : {}),
    secretKey: takeKeySource(env, v.secretKeyFile && path.resolve(v.secretKeyFile)),
  };
}

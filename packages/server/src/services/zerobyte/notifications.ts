// Notification destinations (sidecar rows) and their schedule assignments, materialised as hooks on the plans.
import { create, toJsonString, type MessageInitShape } from '@bufbuild/protobuf';
import { HookSchema, Hook_Condition, Hook_Webhook_Method, type Hook } from '@restora/proto';
import { keepsStored, maskSecret, maskUriPassword, maskUrl } from '../../config/redact-values.js';
import { REDACTED } from '../../config/types.js';
import { NotFoundError, UnavailableError, ValidationError } from '../../errors.js';
import { runHookAction } from '../../hooks/handlers/index.js';
import { makeHookVars } from '../../hooks/vars.js';
import type { ZbContext } from './context.js';
import type { ScheduleService } from './schedules.js';

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

export interface Assignment {
  destinationId: number;
  notifyOnStart: boolean;
  notifyOnSuccess: boolean;
  notifyOnWarning: boolean;
  notifyOnFailure: boolean;
  createdAt?: number;
}

const TEMPLATE =
  'Restora: {{ .EventName .Event }} of plan {{ .Plan.Id }} on repo {{ .Repo.Id }}{{ if .Error }}: {{ .Error }}{{ end }}';
const SECRET_KEYS = [
  'password',
  'token',
  'botToken',
  'apiToken',
  'accessToken',
  'userKey',
  'webhookUrl',
  'shoutrrrUrl',
];

const s = (v: unknown) => (typeof v === 'string' ? v : v === undefined || v === null ? '' : String(v));
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

function hookFor(dest: Destination, a: Assignment): Hook | undefined {
  const conditions: Hook_Condition[] = [];
  if (a.notifyOnStart) conditions.push(Hook_Condition.SNAPSHOT_START);
  if (a.notifyOnSuccess) conditions.push(Hook_Condition.SNAPSHOT_SUCCESS);
  if (a.notifyOnWarning) conditions.push(Hook_Condition.SNAPSHOT_WARNING);
  if (a.notifyOnFailure) conditions.push(Hook_Condition.SNAPSHOT_ERROR);
  if (!dest.enabled || conditions.length === 0) return undefined;
  return create(HookSchema, { conditions, action: actionFor(dest.config) });
}

/** A destination field as a client sees it: whole secrets masked, tokens in URLs masked (config/redact-values). */
function maskField(k: string, v: unknown): unknown {
  if (typeof v !== 'string' || v === '') return v;
  if (SECRET_KEYS.includes(k)) return maskSecret(v);
  if (k === 'url') return maskUrl(v);
  return maskUriPassword(v);
}

const redact = (c: Record<string, unknown>) =>
  Object.fromEntries(Object.entries(c).map(([k, v]) => [k, maskField(k, v)]));

/** A PATCH value that is the masked form of the stored one keeps the stored secret. */
function keepsStoredField(k: string, v: unknown, stored: unknown): boolean {
  if (typeof v !== 'string' || !v.includes(REDACTED)) return false;
  if (typeof stored === 'string' && keepsStored(v, stored, (x) => maskField(k, x) as string)) return true;
  throw new ValidationError([
    { path: `config.${k}`, message: 'placeholder sent but it does not match the stored value' },
  ]);
}

export class NotificationService {
  constructor(
    private readonly ctx: ZbContext,
    private readonly schedules: ScheduleService,
  ) {}

  private raw(id: number): Destination {
    const d = this.ctx.meta.get<Destination>('destination', String(id));
    if (!d) throw new NotFoundError('Notification destination not found', 'destination', String(id));
    return d;
  }

  private dto(d: Destination): Destination {
    return { ...d, config: redact(d.config) };
  }

  list(): Destination[] {
    return this.ctx.meta
      .list<Destination>('destination')
      .map((r) => this.dto(r.value))
      .sort((a, b) => a.id - b.id);
  }

  get(id: number): Destination {
    return this.dto(this.raw(id));
  }

  create(input: { name: string; config: Record<string, unknown> }): Destination {
    actionFor(input.config);
    const now = this.ctx.now();
    const d: Destination = {
      id: this.ctx.meta.nextId('destination'),
      name: input.name,
      enabled: true,
      status: 'unknown',
      lastChecked: null,
      lastError: null,
      type: s(input.config.type),
      config: input.config,
      createdAt: now,
      updatedAt: now,
    };
    this.ctx.meta.put('destination', String(d.id), d);
    return this.dto(d);
  }

  async update(id: number, patch: { name?: string; enabled?: boolean; config?: Record<string, unknown> }) {
    const d = this.raw(id);
    let config = d.config;
    if (patch.config) {
      if (patch.config.type !== undefined && patch.config.type !== d.type)
        throw new ValidationError([{ path: 'config.type', message: 'notification type cannot be changed' }]);
      config = { ...d.config };
      for (const [k, v] of Object.entries(patch.config))
        if (!keepsStoredField(k, v, d.config[k])) config[k] = v;
      actionFor(config);
    }
    const next: Destination = {
      ...d,
      ...(patch.name !== undefined ? { name: patch.name } : {}),
      ...(patch.enabled !== undefined ? { enabled: patch.enabled } : {}),
      config,
      updatedAt: this.ctx.now(),
    };
    this.ctx.meta.put('destination', String(id), next);
    await this.syncAllHooks();
    return this.dto(next);
  }

  async delete(id: number): Promise<void> {
    this.raw(id);
    this.ctx.meta.delete('destination', String(id));
    for (const r of this.ctx.meta.list<Assignment[]>('assignment'))
      this.ctx.meta.put(
        'assignment',
        r.key,
        r.value.filter((a) => a.destinationId !== id),
      );
    await this.syncAllHooks();
  }

  /** Sends a test message through the destination's hook action. */
  async test(id: number): Promise<{ success: boolean }> {
    const d = this.raw(id);
    const hook = create(HookSchema, {
      conditions: [Hook_Condition.SNAPSHOT_SUCCESS],
      action: actionFor(d.config),
    });
    const vars = makeHookVars({
      task: 'test notification',
      event: Hook_Condition.SNAPSHOT_SUCCESS,
      plan: { Id: 'test' },
      repo: { Id: 'test' },
      curTime: new Date(this.ctx.now()),
    });
    try {
      await runHookAction(hook, vars, Hook_Condition.SNAPSHOT_SUCCESS, {
        signal: AbortSignal.timeout(30_000),
        log: () => {},
      });
      this.ctx.meta.put('destination', String(id), {
        ...d,
        status: 'healthy',
        lastChecked: this.ctx.now(),
        lastError: null,
      });
      return { success: true };
    } catch (err) {
      const message = (err as Error).message;
      this.ctx.meta.put('destination', String(id), {
        ...d,
        status: 'error',
        lastChecked: this.ctx.now(),
        lastError: message,
      });
      throw new UnavailableError(`Failed to send test notification: ${message}`);
    }
  }

  assignments(scheduleRef: string) {
    const plan = this.schedules.resolve(scheduleRef);
    const scheduleId = this.schedules.toDto(plan, false).id;
    return (this.ctx.meta.get<Assignment[]>('assignment', plan.id) ?? []).flatMap((a) => {
      const d = this.ctx.meta.get<Destination>('destination', String(a.destinationId));
      return d ? [{ scheduleId, ...a, createdAt: a.createdAt ?? 0, destination: this.dto(d) }] : [];
    });
  }

  async setAssignments(scheduleRef: string, list: Assignment[]) {
    const plan = this.schedules.resolve(scheduleRef);
    list.forEach((a, i) => {
      if (!this.ctx.meta.get('destination', String(a.destinationId)))
        throw new NotFoundError(
          `assignments[${i}].destinationId: notification destination ${a.destinationId} not found`,
        );
    });
    const now = this.ctx.now();
    this.ctx.meta.put(
      'assignment',
      plan.id,
      list.map((a) => ({ ...a, createdAt: now })),
    );
    await this.syncAllHooks();
    return this.assignments(scheduleRef);
  }

  /** Rewrites the generated hooks of every plan; hooks added by other means are left alone. */
  private async syncAllHooks(): Promise<void> {
    const generated = new Map<string, Hook[]>();
    for (const plan of this.ctx.config.get().plans) {
      const hooks = (this.ctx.meta.get<Assignment[]>('assignment', plan.id) ?? []).flatMap((a) => {
        const d = this.ctx.meta.get<Destination>('destination', String(a.destinationId));
        const h = d ? hookFor(d, a) : undefined;
        return h ? [h] : [];
      });
      generated.set(plan.id, hooks);
    }
    await this.ctx.config.update((draft) => {
      for (const plan of draft.plans) {
        const previous = new Set(this.ctx.meta.get<string[]>('plan-hooks', plan.id) ?? []);
        const mine = generated.get(plan.id) ?? [];
        plan.hooks = [...plan.hooks.filter((h) => !previous.has(toJsonString(HookSchema, h))), ...mine];
      }
    });
    for (const [planId, hooks] of generated)
      this.ctx.meta.put(
        'plan-hooks',
        planId,
        hooks.map((h) => toJsonString(HookSchema, h)),
      );
  }
}

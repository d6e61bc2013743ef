// Notification destinations (sidecar rows) and their schedule assignments, materialised as hooks on the plans.
// An assignment that fires lives in config.json only (its hook, with a marker); the sidecar row per plan adds
// the ones that cannot fire (destination disabled, no event), staged so it commits with the hooks' config write.
import { create, toJsonString } from '@bufbuild/protobuf';
import { HookSchema, Hook_Condition, type Config, type Hook, type Plan } from '@restora/proto';
import { NotFoundError, UnavailableError, ValidationError } from '../../errors.js';
import { runHookAction } from '../../hooks/handlers/index.js';
import { makeHookVars } from '../../hooks/vars.js';
import type { ZbContext } from './context.js';
import { assignmentsFp, fires, hookedOf, hookFor, isGenerated, type Assignment } from './hook-marker.js';
import { actionFor, mergeMasked, redact, s, type Destination } from './notification-actions.js';
import { checkNotificationConfig } from './notification-config.js';
import { renamedPlans, type ScheduleService } from './schedules.js';
import type { ServerEvents } from './server-events.js';
import { asStaged, resolveStaged, type Staged } from './staged-rows.js';

export type { Assignment } from './hook-marker.js';
export { actionFor, type Destination } from './notification-actions.js';

export class NotificationService {
  /** Plans whose assignment row is staged and whose hooks are still on their way to config.json. */
  private readonly inFlight = new Set<string>();
  private readonly unsubscribe: () => void;
  /** Settles once the start-up reconcile (legacy rows, hooks of edits a crash cut short) is written. */
  readonly ready: Promise<void>;

  constructor(
    private readonly ctx: ZbContext,
    private readonly schedules: ScheduleService,
    private readonly events?: ServerEvents,
  ) {
    this.ready = this.migrateLegacy()
      .then(() => this.reconcile(ctx.config.get()))
      .catch(() => undefined); // retried at the next config change or start
    this.unsubscribe = ctx.config.subscribe((next, prev) => {
      void this.reconcile(next, prev).catch(() => undefined);
    });
  }

  close(): void {
    this.unsubscribe();
  }

  private destination(id: number): Destination | undefined {
    return this.ctx.meta.get<Destination>('destination', String(id));
  }

  private raw(id: number): Destination {
    const d = this.destination(id);
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

  /** One sidecar write: a new destination has no hook yet. */
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

  /** The destination row commits the edit; its hooks follow (and are rebuilt at start after a crash). */
  async update(id: number, patch: { name?: string; enabled?: boolean; config?: Record<string, unknown> }) {
    const d = this.raw(id);
    let config = d.config;
    if (patch.config) {
      if (patch.config.type !== undefined && patch.config.type !== d.type)
        throw new ValidationError([{ path: 'config.type', message: 'notification type cannot be changed' }]);
      config = checkNotificationConfig(mergeMasked(d.config, patch.config));
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
    try {
      await this.syncHooks();
    } catch (e) {
      // hooks the config refuses (validation): the edit is undone rather than left apart from them
      this.ctx.meta.put('destination', String(id), d);
      throw e;
    }
    return this.dto(next);
  }

  /** Deleting the row commits; hooks naming a missing destination are dropped (here, or at the next start). */
  async delete(id: number): Promise<void> {
    this.raw(id);
    this.ctx.meta.delete('destination', String(id));
    await this.syncHooks();
    this.reconcileRows(this.ctx.config.get());
  }

  /** A destination's status changed (GET /api/v1/events). */
  private changed(d: Destination, status: Destination['status']): void {
    this.events?.emit('notification:updated', { notificationId: d.id, notificationName: d.name, status });
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
      this.changed(d, 'healthy');
      return { success: true };
    } catch (err) {
      const message = (err as Error).message;
      this.ctx.meta.put('destination', String(id), {
        ...d,
        status: 'error',
        lastChecked: this.ctx.now(),
        lastError: message,
      });
      this.changed(d, 'error');
      throw new UnavailableError(`Failed to send test notification: ${message}`);
    }
  }

  private rowOf(planId: string): Staged<Assignment[]> | undefined {
    const row = this.ctx.meta.get<unknown>('assignment', planId);
    return row === undefined || Array.isArray(row) ? undefined : asStaged<Assignment[]>(row);
  }

  /**
   * A plan's assignments as the config shows them: the staged row when the plan's hooks match it (or the value it
   * replaced), else the hooks themselves plus the row's assignments that have no hook.
   */
  private truth(plan: Plan): Assignment[] {
    const hooked = hookedOf(plan);
    const row = this.rowOf(plan.id);
    let list = hooked;
    if (row) {
      const r = resolveStaged(row, assignmentsFp(hooked));
      if (r.state !== 'foreign') list = r.value;
      else {
        const have = new Set(hooked.map((a) => a.destinationId));
        const silent = r.value.filter(
          (a) => !have.has(a.destinationId) && !fires(this.destination(a.destinationId), a),
        );
        list = [...hooked, ...silent];
      }
    }
    return list.filter((a) => this.destination(a.destinationId) !== undefined);
  }

  assignments(scheduleRef: string) {
    const plan = this.schedules.resolve(scheduleRef);
    const scheduleId = this.schedules.toDto(plan, false).id;
    return this.truth(plan).map((a) => ({
      scheduleId,
      ...a,
      createdAt: a.createdAt ?? 0,
      destination: this.dto(this.destination(a.destinationId)!),
    }));
  }

  /**
   * The row is staged (new list, and the one it replaces with the hooks that go with it), then the hooks are
   * written: the config write commits both.
   */
  async setAssignments(scheduleRef: string, list: Assignment[]) {
    const plan = this.schedules.resolve(scheduleRef);
    list.forEach((a, i) => {
      if (!this.destination(a.destinationId))
        throw new NotFoundError(
          `assignments[${i}].destinationId: notification destination ${a.destinationId} not found`,
        );
    });
    const now = this.ctx.now();
    const next = list.map((a) => ({ ...a, createdAt: now }));
    const firing = next.filter((a) => fires(this.destination(a.destinationId), a));
    const fp = assignmentsFp(firing);
    const before = this.truth(plan);
    this.inFlight.add(plan.id);
    try {
      this.ctx.meta.put('assignment', plan.id, {
        value: next,
        fp,
        prev: { value: before, fp: assignmentsFp(hookedOf(plan)) },
      } satisfies Staged<Assignment[]>);
      await this.syncHooks(new Map([[plan.id, next]]));
    } catch (e) {
      this.ctx.meta.put('assignment', plan.id, { value: before, fp: assignmentsFp(hookedOf(plan)) });
      throw e;
    } finally {
      this.inFlight.delete(plan.id);
    }
    this.ctx.meta.put('assignment', plan.id, { value: next, fp } satisfies Staged<Assignment[]>);
    return this.assignments(scheduleRef);
  }

  /** A plan's hooks with the generated ones rebuilt from its assignments; undefined when nothing changes. */
  private rebuilt(plan: Plan, list: Assignment[] | undefined, strip?: Set<string>): Hook[] | undefined {
    if (list === undefined && this.inFlight.has(plan.id)) return undefined; // its own write is on its way
    const own = plan.hooks.filter((h) => !isGenerated(h) && !strip?.has(toJsonString(HookSchema, h)));
    const mine = (list ?? this.truth(plan)).flatMap((a) => {
      const d = this.destination(a.destinationId);
      return d && fires(d, a) ? [hookFor(d, a)] : [];
    });
    const hooks = [...own, ...mine];
    const same = (hs: Hook[]) => JSON.stringify(hs.map((h) => toJsonString(HookSchema, h)));
    return same(hooks) === same(plan.hooks) ? undefined : hooks;
  }

  /** Rewrites the generated hooks of every plan (one config write, skipped when none changes); others stay. */
  private async syncHooks(
    lists: Map<string, Assignment[]> = new Map(),
    strip: Map<string, Set<string>> = new Map(),
  ): Promise<void> {
    const dirty = (c: Config) =>
      c.plans.some((p) => this.rebuilt(p, lists.get(p.id), strip.get(p.id)) !== undefined);
    if (!dirty(this.ctx.config.get())) return;
    await this.ctx.config.update((draft) => {
      for (const plan of draft.plans) {
        const hooks = this.rebuilt(plan, lists.get(plan.id), strip.get(plan.id));
        if (hooks) plan.hooks = hooks;
      }
    });
  }

  /** Rows of deleted plans go; settled rows are rewritten to what the config shows (drops `prev`). */
  private reconcileRows(config: Config, prev?: Config): void {
    const plans = new Map(config.plans.map((p) => [p.id, p]));
    if (prev)
      for (const [from, to] of renamedPlans(config, prev)) {
        const row = this.ctx.meta.get<unknown>('assignment', from);
        if (row === undefined || this.inFlight.has(from)) continue;
        this.ctx.meta.put('assignment', to, row);
        this.ctx.meta.delete('assignment', from);
      }
    for (const { key, value } of this.ctx.meta.list<unknown>('assignment')) {
      if (this.inFlight.has(key) || Array.isArray(value)) continue;
      const plan = plans.get(key);
      if (!plan) {
        this.ctx.meta.delete('assignment', key);
        continue;
      }
      const row = asStaged<Assignment[]>(value);
      const settled: Staged<Assignment[]> = { value: this.truth(plan), fp: assignmentsFp(hookedOf(plan)) };
      if (JSON.stringify(settled) !== JSON.stringify(row)) this.ctx.meta.put('assignment', key, settled);
    }
  }

  /** At start and after every config change (SetConfig included): rows follow the config, hooks follow the rows. */
  private async reconcile(config: Config, prev?: Config): Promise<void> {
    this.reconcileRows(config, prev);
    await this.syncHooks();
  }

  /**
   * Older versions kept a plan's assignments as a bare list and recognised their hooks by exact JSON text
   * (`plan-hooks` rows): those hooks are replaced by marked ones once, then the old rows go.
   */
  private async migrateLegacy(): Promise<void> {
    const lists = new Map<string, Assignment[]>();
    for (const { key, value } of this.ctx.meta.list<unknown>('assignment'))
      if (Array.isArray(value)) lists.set(key, value as Assignment[]);
    const strip = new Map(
      this.ctx.meta.list<string[]>('plan-hooks').map((r) => [r.key, new Set(r.value)] as const),
    );
    if (lists.size === 0 && strip.size === 0) return;
    await this.syncHooks(lists, strip);
    const config = this.ctx.config.get();
    for (const [planId, list] of lists) {
      const plan = config.plans.find((p) => p.id === planId);
      if (!plan) this.ctx.meta.delete('assignment', planId);
      else this.ctx.meta.put('assignment', planId, { value: list, fp: assignmentsFp(hookedOf(plan)) });
    }
    for (const planId of strip.keys()) this.ctx.meta.delete('plan-hooks', planId);
  }
}

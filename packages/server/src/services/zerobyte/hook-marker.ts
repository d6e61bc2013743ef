// The stable marker of a hook generated for a notification assignment: a Go template comment at the start of its
// template (renders to nothing, in Backrest too) naming the destination, the events and when it was assigned.
// Generated hooks are recognised by it, whatever else an edit through Backrest's API changed; below, building them
// from assignments and reading assignments back from a plan's hooks.
import { create } from '@bufbuild/protobuf';
import { HookSchema, Hook_Condition, type Hook, type Plan } from '@restora/proto';
import { actionFor, type Destination } from './notification-actions.js';
import { fingerprint } from './staged-rows.js';

export interface Assignment {
  destinationId: number;
  notifyOnStart: boolean;
  notifyOnSuccess: boolean;
  notifyOnWarning: boolean;
  notifyOnFailure: boolean;
  createdAt?: number;
}

const EVENTS = [
  ['start', 'notifyOnStart'],
  ['success', 'notifyOnSuccess'],
  ['warning', 'notifyOnWarning'],
  ['failure', 'notifyOnFailure'],
] as const;

const MARKER = /^\{\{\/\* zerobyte-notification destination=(\d+) on=([a-z,]*) since=(\d+) \*\/\}\}/;

export function markerOf(a: Assignment): string {
  const on = EVENTS.filter(([, k]) => a[k]).map(([e]) => e);
  return `{{/* zerobyte-notification destination=${a.destinationId} on=${on.join(',')} since=${a.createdAt ?? 0} */}}`;
}

/** The template field of a hook's action, when it has one. */
function templateOf(hook: Hook): string | undefined {
  const v = hook.action.value as { template?: unknown } | undefined;
  return typeof v?.template === 'string' ? v.template : undefined;
}

/** The assignment a generated hook was made for; undefined for hooks made by other means. */
export function parseMarker(hook: Hook): Assignment | undefined {
  const m = MARKER.exec(templateOf(hook) ?? '');
  if (!m) return undefined;
  const on = new Set((m[2] ?? '').split(','));
  const a: Assignment = {
    destinationId: Number(m[1]),
    notifyOnStart: false,
    notifyOnSuccess: false,
    notifyOnWarning: false,
    notifyOnFailure: false,
    createdAt: Number(m[3]),
  };
  for (const [e, k] of EVENTS) a[k] = on.has(e);
  return a;
}

export const isGenerated = (hook: Hook): boolean => parseMarker(hook) !== undefined;

const CONDITIONS = [
  [Hook_Condition.SNAPSHOT_START, 'notifyOnStart'],
  [Hook_Condition.SNAPSHOT_SUCCESS, 'notifyOnSuccess'],
  [Hook_Condition.SNAPSHOT_WARNING, 'notifyOnWarning'],
  [Hook_Condition.SNAPSHOT_ERROR, 'notifyOnFailure'],
] as const;

/** Whether an assignment has a hook: its destination is enabled and it names an event. */
export const fires = (dest: Destination | undefined, a: Assignment) =>
  !!dest?.enabled && CONDITIONS.some(([, k]) => a[k]);

/** The hook of an assignment, its template starting with the marker that names it. */
export function hookFor(dest: Destination, a: Assignment): Hook {
  const action = actionFor(dest.config)!;
  const value = action.value as { template?: string };
  value.template = `${markerOf(a)}${value.template ?? ''}`;
  return create(HookSchema, { conditions: CONDITIONS.filter(([, k]) => a[k]).map(([c]) => c), action });
}

/** The assignments a plan's generated hooks stand for (events as the hook's conditions say, Backrest edits included). */
export function hookedOf(plan: Plan): Assignment[] {
  return plan.hooks.flatMap((h) => {
    const m = parseMarker(h);
    if (!m) return [];
    const on = new Set(h.conditions);
    for (const [c, k] of CONDITIONS) m[k] = on.has(c);
    return [m];
  });
}

export const assignmentsFp = (list: readonly Assignment[]) =>
  fingerprint(
    JSON.stringify(
      [...list]
        .sort((a, b) => a.destinationId - b.destinationId)
        .map((a) => [a.destinationId, ...CONDITIONS.map(([, k]) => a[k]), a.createdAt ?? 0]),
    ),
  );

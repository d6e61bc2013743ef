// The stable marker of a hook generated for a notification assignment: a Go template comment at the start of its
// template (renders to nothing, in Backrest too) naming the destination, the events and when it was assigned.
// Generated hooks are recognised by it, whatever else an edit through Backrest's API changed.
import type { Hook } from '@restora/proto';

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

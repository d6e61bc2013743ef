import { useSyncExternalStore } from 'react';

// A tiny hash router: #/path/segments?query. The hash keeps deep links working under any sub-path.
export type Route = { path: string[]; query: URLSearchParams };

function parse(hash: string): Route {
  const raw = hash.replace(/^#\/?/, '');
  const [p = '', q = ''] = raw.split('?', 2);
  return { path: p.split('/').filter(Boolean).map(decodeURIComponent), query: new URLSearchParams(q) };
}

let current = parse(window.location.hash);
const listeners = new Set<() => void>();
window.addEventListener('hashchange', () => {
  current = parse(window.location.hash);
  for (const l of listeners) l();
});

export function useRoute(): Route {
  return useSyncExternalStore(
    (l) => {
      listeners.add(l);
      return () => listeners.delete(l);
    },
    () => current,
  );
}

/** Builds an href such as `#/plans/my%20plan`. */
export function href(segments: string[], query?: Record<string, string>): string {
  const q = query ? new URLSearchParams(query).toString() : '';
  return `#/${segments.map(encodeURIComponent).join('/')}${q ? `?${q}` : ''}`;
}

export function navigate(segments: string[], query?: Record<string, string>): void {
  window.location.hash = href(segments, query).slice(1);
}

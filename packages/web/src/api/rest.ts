import { authStore } from './auth-store.js';
import { apiBaseUrl } from './transport.js';

/** Calls Restora's Zerobyte-compatible REST API (/api/v1) with the session token; throws the server's message. */
export async function rest<T = unknown>(
  path: string,
  /** reverifies: the call re-checks the password, so a 401 means a wrong password, not a lost session. */
  init: { method?: string; body?: unknown; reverifies?: boolean } = {},
): Promise<T> {
  const token = authStore.get().token;
  const res = await fetch(`${apiBaseUrl()}/api/v1${path}`, {
    method: init.method ?? 'GET',
    headers: {
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...(init.body !== undefined ? { 'content-type': 'application/json' } : {}),
    },
    body: init.body !== undefined ? JSON.stringify(init.body) : undefined,
  });
  if (res.status === 401 && !init.reverifies) authStore.requireLogin();
  const text = await res.text();
  const data: unknown = text ? JSON.parse(text) : undefined;
  if (!res.ok) {
    const m = data && typeof data === 'object' && 'message' in data ? String(data.message) : res.statusText;
    throw new Error(m || `HTTP ${res.status}`);
  }
  return data as T;
}

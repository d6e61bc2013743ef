import { useSyncExternalStore } from 'react';

// Same key as Backrest's UI so an existing session carries over.
const TOKEN_KEY = 'backrest-ui-authToken';

type AuthState = { token: string | null; needsLogin: boolean };

let state: AuthState = { token: readToken(), needsLogin: false };
const listeners = new Set<() => void>();

function readToken(): string | null {
  try {
    return localStorage.getItem(TOKEN_KEY);
  } catch {
    return null;
  }
}

function emit(next: AuthState): void {
  state = next;
  for (const l of listeners) l();
}

export const authStore = {
  get: (): AuthState => state,
  subscribe(l: () => void): () => void {
    listeners.add(l);
    return () => listeners.delete(l);
  },
  setToken(token: string): void {
    localStorage.setItem(TOKEN_KEY, token);
    emit({ token, needsLogin: false });
  },
  /** Called on any 401: the token is gone or expired, show the login view. */
  requireLogin(): void {
    if (state.needsLogin) return;
    localStorage.removeItem(TOKEN_KEY);
    emit({ token: null, needsLogin: true });
  },
  logout(): void {
    localStorage.removeItem(TOKEN_KEY);
    emit({ token: null, needsLogin: true });
  },
  clearNeedsLogin(): void {
    emit({ ...state, needsLogin: false });
  },
};

export function useAuth(): AuthState {
  return useSyncExternalStore(authStore.subscribe, authStore.get);
}

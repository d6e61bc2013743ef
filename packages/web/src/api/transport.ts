import { Code, ConnectError, createClient } from '@connectrpc/connect';
import type { Client, Interceptor, Transport } from '@connectrpc/connect';
import { createConnectTransport } from '@connectrpc/connect-web';
import { Authentication, Backrest, SnapshotIndex } from '@restora/proto';
import { authStore } from './auth-store.js';

/** Base URL of the API: the directory the page is served from, so a sub-path deployment works. */
export function apiBaseUrl(): string {
  return new URL('.', window.location.href).href.replace(/\/$/, '');
}

const authInterceptor: Interceptor = (next) => async (req) => {
  const token = authStore.get().token;
  if (token) req.header.set('Authorization', `Bearer ${token}`);
  try {
    return await next(req);
  } catch (err) {
    if (ConnectError.from(err).code === Code.Unauthenticated) authStore.requireLogin();
    throw err;
  }
};

/** Connect JSON over fetch: readable in devtools, and what curl users see too. */
export function createHttpTransport(): Transport {
  return createConnectTransport({
    baseUrl: apiBaseUrl(),
    useBinaryFormat: false,
    interceptors: [authInterceptor],
  });
}

export type BackrestClient = Client<typeof Backrest>;
export type AuthClient = Client<typeof Authentication>;
export type Clients = {
  backrest: BackrestClient;
  auth: AuthClient;
  snapshotIndex: Client<typeof SnapshotIndex>;
};

export function createClients(transport: Transport): Clients {
  return {
    backrest: createClient(Backrest, transport),
    auth: createClient(Authentication, transport),
    snapshotIndex: createClient(SnapshotIndex, transport),
  };
}

// A Zerobyte REST client of one running server (in-process harness or a child process), signed in as the harness user.
import { expect } from 'vitest';
import { PASSWORD, USER } from '../../src/api/rest/testing/harness.js';

export interface RestClient {
  /** Any answer, parsed when it is JSON; `p` is the full path (`/api/v1/...`). */
  call(method: string, p: string, json?: unknown): Promise<{ status: number; text: string; body: unknown }>;
  /** A GET that must answer 200; its JSON body. */
  get<T>(p: string): Promise<T>;
}

export async function restClient(url: string): Promise<RestClient> {
  const login = await fetch(`${url}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: USER, password: PASSWORD }),
  });
  expect(login.status, await login.clone().text()).toBe(200);
  const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
  const call: RestClient['call'] = async (method, p, json) => {
    const r = await fetch(`${url}${p}`, {
      method,
      headers: { cookie, ...(json !== undefined ? { 'content-type': 'application/json' } : {}) },
      ...(json !== undefined ? { body: JSON.stringify(json) } : {}),
    });
    const text = await r.text();
    return { status: r.status, text, body: (text ? JSON.parse(text) : null) as unknown };
  };
  return {
    call,
    async get<T>(p: string) {
      const r = await call('GET', p);
      expect(r.status, `${p}: ${r.text}`).toBe(200);
      return r.body as T;
    },
  };
}

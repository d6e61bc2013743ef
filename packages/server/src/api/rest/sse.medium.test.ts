// SSE framing and heartbeats over real HTTP, with registerRestApi on a bare Fastify and a memory config/oplog.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { create } from '@bufbuild/protobuf';
import { AuthSchema, ConfigSchema } from '@restora/proto';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMemoryConfigStore } from '../../config/config-store.js';
import { composeEngine } from '../../compose-engine.js';
import type { Engine } from '../../engine.js';
import { MemoryOpLog } from '../../oplog/memory-store.js';
import { Authenticator } from '../../auth/authenticator.js';
import { backrestFace, zerobyteFace } from '../../auth/faces.js';
import { LoginThrottle } from '../../auth/login-throttle.js';
import { installRouteGuard } from '../../auth/route-guard.js';
import type { ConfigStore } from '../../config/types.js';
import { composeZerobyte, openRestStores, type RestStores } from '../../compose-zerobyte.js';
import type { ZerobyteServices } from '../../services/zerobyte/index.js';
import { registerRestApi } from './index.js';

const authenticator = (config: ConfigStore, stores: RestStores) =>
  new Authenticator({
    config: () => config.get(),
    jwtSecret: new Uint8Array(32),
    throttle: new LoginThrottle(),
    sessions: stores.sessions,
    apiKeys: stores.apiKeys,
  });

describe('task events stream', () => {
  let app: FastifyInstance;
  let url: string;
  let dir: string;
  let engine: Engine;
  let stores: RestStores;
  let services: ZerobyteServices;
  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'restora-sse-'));
    const config = createMemoryConfigStore(
      create(ConfigSchema, { version: 6, instance: 'sse', auth: create(AuthSchema, { disabled: true }) }),
    );
    const oplog = new MemoryOpLog();
    engine = composeEngine({ config, oplog, gcDelayMs: false, log: () => {} });
    app = Fastify();
    stores = openRestStores(dir);
    services = composeZerobyte({
      config,
      oplog,
      engine,
      meta: stores.meta,
      dataDir: dir,
      restic: {},
      now: Date.now,
    });
    installRouteGuard(app, {
      backrest: backrestFace(authenticator(config, stores)),
      zerobyte: zerobyteFace(authenticator(config, stores)),
    });
    await registerRestApi(app, {
      config,
      services,
      sessions: stores.sessions,
      apiKeys: stores.apiKeys,
      heartbeatMs: 50,
      checkPassword: async () => ({ ok: false, reason: 'no passwords in this test' }),
    });
    await app.listen({ host: '127.0.0.1', port: 0 });
    const a = app.server.address();
    url = `http://127.0.0.1:${typeof a === 'object' && a ? a.port : 0}`;
  });
  afterAll(async () => {
    await app.close();
    services.close();
    stores.meta.close();
    await engine.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('sends connected, tasks:snapshot, then heartbeats; auth disabled in the config means no credentials', async () => {
    const ctrl = new AbortController();
    const res = await fetch(`${url}/api/v1/tasks/events?kind=backup`, { signal: ctrl.signal });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/event-stream');
    const reader = res.body!.getReader();
    let text = '';
    while ((text.match(/event: heartbeat/g) ?? []).length < 2) {
      const { value, done } = await reader.read();
      if (done) break;
      text += new TextDecoder().decode(value);
    }
    await reader.cancel();
    const frames = text.split('\n\n').filter(Boolean);
    expect(frames[0]).toMatch(/^event: connected\ndata: \{"type":"connected","timestamp":\d+\}$/);
    expect(frames[1]).toBe('event: tasks:snapshot\ndata: []');
    expect(frames[2]).toMatch(/^event: heartbeat\ndata: \{"timestamp":\d+\}$/);
  });

  it('closes open streams when the server shuts down', async () => {
    const res = await fetch(`${url}/api/v1/tasks/events`);
    const reader = res.body!.getReader();
    await reader.read();
    const t0 = Date.now();
    const closing = app.close();
    for (;;) {
      const { done } = await reader.read();
      if (done) break;
    }
    await closing;
    // bounded by the HTTP keep-alive of idle client sockets, not by the stream
    expect(Date.now() - t0).toBeLessThan(10_000);
  });
});

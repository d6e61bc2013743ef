import { create } from '@bufbuild/protobuf';
import { ConfigSchema, RepoSchema } from '@restora/proto';
import { describe, expect, it } from 'vitest';
import { createMemoryConfigStore } from '../../config/config-store.js';
import { MemoryOpLog } from '../../oplog/memory-store.js';
import type { ZbContext } from './context.js';
import { DoctorService } from './doctor.js';
import { MetaStore } from './meta-store.js';
import { RepositoryService } from './repositories.js';
import { INTERRUPTED_MESSAGE } from './task-dto.js';
import { TaskCenter } from './tasks.js';

describe('DoctorService at start', () => {
  it("ends a doctor that a crash cut short: the repository is no longer marked 'doctor'", () => {
    const repos = ['crashed', 'healthy'].map((id) =>
      create(RepoSchema, {
        id,
        uri: `/srv/${id}`,
        guid: (id === 'crashed' ? 'c' : 'd').repeat(64),
        password: 'pw',
      }),
    );
    const ctx = {
      config: createMemoryConfigStore(create(ConfigSchema, { version: 6, instance: 'host', repos })),
      oplog: new MemoryOpLog(),
      meta: new MetaStore(':memory:'),
      engine: { scheduler: {} } as unknown as ZbContext['engine'],
      dataDir: '/nonexistent',
      restic: {},
      now: Date.now,
    } satisfies ZbContext;
    const service = new RepositoryService(ctx);
    service.patchMeta('crashed', { status: 'doctor' });
    service.patchMeta('healthy', { status: 'healthy' });
    new DoctorService(ctx, service, new TaskCenter(ctx));
    expect(service.get('crashed')).toMatchObject({ status: 'cancelled', lastError: INTERRUPTED_MESSAGE });
    expect(service.get('healthy')).toMatchObject({ status: 'healthy', lastError: null });
  });
});

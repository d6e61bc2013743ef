import { OperationStatus } from '@restora/proto';
import type { Operation } from '@restora/proto';
import { createMemoryConfigStore, parseConfigJson } from '../../config/index.js';
import { composeEngine } from '../../compose-engine.js';
import type { EngineOptions } from '../../engine.js';
import { MemoryOpLog } from '../../oplog/index.js';
import { FakeClock } from '../../scheduler/fake-clock.js';
import { FakeRestic } from './fake-restic.js';
import { MemoryLogStore } from './memory-logs.js';

export const GUID = (c: string) => c.repeat(64);

/** Engine over a memory config/oplog/log store, a fake clock and one FakeRestic per repo. */
export function engineFixture(configJson: Record<string, unknown>, extra: Partial<EngineOptions> = {}) {
  const clock = new FakeClock(Date.parse('2026-06-01T10:00:00Z'));
  const config = createMemoryConfigStore(
    parseConfigJson(
      JSON.stringify({ version: 6, instance: 'test-host', auth: { disabled: true }, ...configJson }),
    ),
  );
  const oplog = new MemoryOpLog();
  const logs = new MemoryLogStore();
  const restics = new Map<string, FakeRestic>();
  const resticOf = (repoId: string) => {
    let r = restics.get(repoId);
    if (!r) restics.set(repoId, (r = new FakeRestic(() => clock.now())));
    return r;
  };
  const engine = composeEngine({
    config,
    oplog,
    logs,
    clock,
    resticFor: (repo) => resticOf(repo.id),
    gcDelayMs: false,
    timeZone: 'UTC',
    log: () => {},
    ...extra,
  });
  const ops = (kind?: Operation['op']['case']) => oplog.query({}).filter((o) => !kind || o.op.case === kind);
  const statusName = (op: Operation | undefined) => (op ? OperationStatus[op.status] : 'none');
  return { clock, config, oplog, logs, engine, resticOf, ops, statusName };
}

export const tick = async (n = 5) => {
  for (let i = 0; i < n; i++) await new Promise<void>((r) => setImmediate(r));
};

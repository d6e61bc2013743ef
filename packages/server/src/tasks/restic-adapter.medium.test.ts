import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { OperationStatus } from '@restora/proto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMemoryConfigStore, parseConfigJson } from '../config/index.js';
import { composeEngine } from '../compose-engine.js';
import type { Engine } from '../engine.js';
import { SqliteOpLog } from '../oplog/index.js';
import { MemoryLogStore } from './testing/memory-logs.js';

// A fake restic: prints a status line every 100 ms for ~2 s, exits 130 on SIGINT, records its niceness.
const SCRIPT = `#!/bin/sh
log="$FAKE_DIR/calls"
echo "$*" >> "$log"
case "$*" in
  *version*) echo "restic 0.14.0 compiled with go1.19.8 on linux/amd64"; exit 0 ;;
  *unlock*) exit 0 ;;
  *"cat config"*) echo '{"version":2,"id":"${'e'.repeat(64)}","chunker_polynomial":"1"}'; exit 0 ;;
  *snapshots*) echo '[]'; exit 0 ;;
  *backup*)
    awk '{print $19}' /proc/$$/stat > "$FAKE_DIR/nice"
    trap 'echo "signal interrupt received, cleaning up" >&2; exit 130' INT
    i=0
    while [ $i -lt 20 ]; do
      echo "{\\"message_type\\":\\"status\\",\\"percent_done\\":0.$i,\\"total_files\\":20,\\"files_done\\":$i}"
      i=$((i+1))
      sleep 0.1
    done
    echo '{"message_type":"summary","files_new":1,"files_changed":0,"files_unmodified":0,"dirs_new":1,"dirs_changed":0,"dirs_unmodified":0,"data_blobs":1,"tree_blobs":1,"data_added":10,"total_files_processed":1,"total_bytes_processed":5,"total_duration":2,"snapshot_id":"${'c'.repeat(64)}"}'
    exit 0 ;;
esac
echo "unexpected: $*" >&2
exit 1
`;

describe('engine over SQLite with a fake restic script', () => {
  let dir: string;
  let oplog: SqliteOpLog;
  let engine: Engine;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'restora-fake-restic-'));
    const bin = join(dir, 'restic');
    writeFileSync(bin, SCRIPT);
    chmodSync(bin, 0o755);
    process.env.FAKE_DIR = dir;
    const config = createMemoryConfigStore(
      parseConfigJson(
        JSON.stringify({
          version: 6,
          instance: 'medium',
          auth: { disabled: true },
          repos: [
            {
              id: 'r',
              uri: join(dir, 'repo'),
              password: 'pw',
              guid: 'e'.repeat(64),
              commandPrefix: { cpuNice: 'CPU_LOW' },
            },
          ],
          plans: [{ id: 'p', repo: 'r', paths: [dir] }],
        }),
      ),
    );
    oplog = SqliteOpLog.open({ file: join(dir, 'oplog.sqlite') });
    engine = composeEngine({
      config,
      oplog,
      logs: new MemoryLogStore(),
      restic: { binaryPath: bin, scratchDir: join(dir, 'scratch'), cancelGraceMs: 2000 },
      gcDelayMs: false,
      log: () => {},
    });
    await engine.start();
  });

  afterAll(async () => {
    await engine.stop();
    oplog.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('writes backup progress at most once per second and applies the nice prefix', async () => {
    const writes: number[] = [];
    const unsub = oplog.subscribe((e) => {
      if (e.type !== 'updated') return;
      for (const op of e.operations) {
        if (op.op.case !== 'operationBackup' || op.status !== OperationStatus.STATUS_INPROGRESS) continue;
        // progress writes only (the start write and the final summary are not throttled)
        if (op.op.value.lastStatus?.entry.case === 'status') writes.push(Date.now());
      }
    });
    const op = await engine.backup('p');
    unsub();
    expect(OperationStatus[op.status]).toBe('STATUS_SUCCESS');
    expect(op.snapshotId).toBe('c'.repeat(64));
    // 20 status lines over ~2 s: at most one progress write per second
    expect(writes.length).toBeGreaterThanOrEqual(1);
    expect(writes.length, JSON.stringify(writes.map((w) => w - writes[0]!))).toBeLessThanOrEqual(3);
    for (let i = 1; i < writes.length; i++) expect(writes[i]! - writes[i - 1]!).toBeGreaterThanOrEqual(900);
    expect(readFileSync(join(dir, 'nice'), 'utf8').trim()).toBe('10');
    const calls = readFileSync(join(dir, 'calls'), 'utf8');
    expect(calls).toMatch(/backup --json --exclude-caches --tag plan:p --tag created-by:medium/);
  });

  it('cancel interrupts restic with SIGINT and ends USER_CANCELLED', async () => {
    const run = engine.runBackup('p');
    const id = run.op!.id;
    const t0 = Date.now();
    while (oplog.get(id)!.status !== OperationStatus.STATUS_INPROGRESS)
      await new Promise((r) => setTimeout(r, 20));
    await new Promise((r) => setTimeout(r, 400));
    expect(engine.cancel(id)).toBe('running');
    const op = (await run.done)!;
    expect(OperationStatus[op.status]).toBe('STATUS_USER_CANCELLED');
    expect(Date.now() - t0).toBeLessThan(1900); // ended by SIGINT, not by running to completion
  });
});

import type { PortBackupResult, PortSnapshot, ResticPort } from '../restic-port.js';

export interface FakeCall {
  method: string;
  args: unknown;
}

/**
 * Scriptable ResticPort: records calls, keeps an in-memory snapshot list, and lets tests hold a backup
 * open (gate) to control timing. Honors abort signals like restic does on SIGINT.
 */
export class FakeRestic implements ResticPort {
  readonly calls: FakeCall[] = [];
  snapshotList: PortSnapshot[] = [];
  locks = 0;
  backupBehavior: 'ok' | 'partial' | 'fail' | 'nosnapshot' = 'ok';
  private gates: (() => void)[] = [];
  holdBackups = false;
  private seq = 0;

  constructor(private readonly now: () => number = () => Date.now()) {}

  release(): void {
    for (const g of this.gates.splice(0)) g();
  }

  runningBackups(): number {
    return this.gates.length;
  }

  private wait(signal: AbortSignal): Promise<void> {
    if (!this.holdBackups) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      this.gates.push(resolve);
      signal.addEventListener('abort', () => reject(new Error('restic was interrupted (exit 130)')), {
        once: true,
      });
    });
  }

  async backup(a: Parameters<ResticPort['backup']>[0]): Promise<PortBackupResult> {
    this.calls.push({ method: 'backup', args: { ...a, signal: undefined, onEvent: undefined } });
    this.locks++;
    try {
      a.onEvent({
        type: 'status',
        percentDone: 0.5,
        totalFiles: 2,
        filesDone: 1,
        totalBytes: 100,
        bytesDone: 50,
      });
      await this.wait(a.signal);
      if (a.signal.aborted) throw new Error('restic was interrupted (exit 130)');
      if (this.backupBehavior === 'fail')
        throw new Error('restic failed (exit 1): Fatal: unable to open repo');
      if (this.backupBehavior === 'partial')
        a.onEvent({ type: 'error', message: 'permission denied', item: '/x' });
      const id = (++this.seq).toString(16).padStart(64, 'a');
      const snap = this.backupBehavior !== 'nosnapshot' && !a.dryRun;
      if (snap) {
        this.snapshotList.push({
          id,
          time: new Date(this.now()).toISOString(),
          paths: a.paths,
          tags: a.tags,
          hostname: 'h',
        });
      }
      return {
        filesNew: 2,
        filesChanged: 0,
        filesUnmodified: 0,
        dirsNew: 1,
        dirsChanged: 0,
        dirsUnmodified: 0,
        dataBlobs: 2,
        treeBlobs: 1,
        dataAdded: 1234,
        totalFilesProcessed: 2,
        totalBytesProcessed: 100,
        totalDuration: 0.5,
        ...(snap ? { snapshotId: id } : {}),
        incomplete: this.backupBehavior === 'partial',
      };
    } finally {
      this.locks--;
    }
  }

  snapshots(a: { tags?: string[] }): Promise<PortSnapshot[]> {
    this.calls.push({ method: 'snapshots', args: { tags: a.tags } });
    return Promise.resolve(this.snapshotList.filter((s) => (a.tags ?? []).every((t) => s.tags?.includes(t))));
  }

  forget(a: Parameters<ResticPort['forget']>[0]): Promise<{ removed: PortSnapshot[] }> {
    this.calls.push({ method: 'forget', args: { ...a, signal: undefined } });
    let removed: PortSnapshot[] = [];
    if (a.snapshotIds) {
      removed = this.snapshotList.filter((s) => a.snapshotIds!.includes(s.id));
    } else if (a.flags?.keepLast !== undefined) {
      const matching = this.snapshotList.filter((s) => (a.tags ?? []).every((t) => s.tags?.includes(t)));
      removed = matching.slice(0, Math.max(0, matching.length - a.flags.keepLast));
    }
    this.snapshotList = this.snapshotList.filter((s) => !removed.includes(s));
    return Promise.resolve({ removed });
  }

  prune(a: Parameters<ResticPort['prune']>[0]): Promise<void> {
    this.calls.push({ method: 'prune', args: { maxUnused: a.maxUnused } });
    a.onOutput?.('pruned\n');
    return Promise.resolve();
  }

  check(a: Parameters<ResticPort['check']>[0]): Promise<void> {
    this.calls.push({ method: 'check', args: { readDataSubset: a.readDataSubset } });
    a.onOutput?.('no errors were found\n');
    return Promise.resolve();
  }

  stats(): Promise<{ totalSize: number; snapshotsCount: number }> {
    this.calls.push({ method: 'stats', args: {} });
    return Promise.resolve({ totalSize: 4096, snapshotsCount: this.snapshotList.length });
  }

  restore(a: Parameters<ResticPort['restore']>[0]): Promise<void> {
    this.calls.push({
      method: 'restore',
      args: { snapshotId: a.snapshotId, path: a.path, target: a.target },
    });
    a.onProgress({ percentDone: 1, summary: true, totalFiles: 1, filesRestored: 1 });
    return Promise.resolve();
  }

  unlock(): Promise<void> {
    this.calls.push({ method: 'unlock', args: {} });
    return Promise.resolve();
  }

  init(): Promise<string> {
    this.calls.push({ method: 'init', args: {} });
    return Promise.resolve('f'.repeat(64));
  }

  repoId(): Promise<string> {
    return Promise.resolve('f'.repeat(64));
  }

  run(args: string[], o: Parameters<ResticPort['run']>[1]): Promise<number> {
    this.calls.push({ method: 'run', args });
    o.onOutput?.(`ran ${args.join(' ')}\n`);
    return Promise.resolve(args[0] === 'fail' ? 1 : 0);
  }

  methods(): string[] {
    return this.calls.map((c) => c.method);
  }
}

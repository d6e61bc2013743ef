// Zerobyte volumes (what a schedule backs up): sidecar rows, mounted below the data dir, health-checked, browsed.
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import {
  ConflictError,
  FailedPreconditionError,
  NotFoundError,
  UnavailableError,
  ValidationError,
} from '../../errors.js';
import { writeFileAtomicSync } from '../../config/atomic-write.js';
import type { ZbContext } from './context.js';
import { mergeMasked, redact } from './notification-actions.js';
import type { ServerEvents } from './server-events.js';
import { asStaged } from './staged-rows.js';
import {
  assertHonourable,
  availableBackends,
  isMounted,
  mountPoints,
  mountShare,
  probe,
  unmountShare,
  type MountTools,
  type VolumeConfig,
} from './volume-backends.js';
import { browseDirectories, listDirectory } from './volume-files.js';

export type VolumeStatus = 'mounted' | 'unmounted' | 'error';

export interface VolumeRow {
  id: number;
  shortId: string;
  name: string;
  config: VolumeConfig;
  createdAt: number;
  updatedAt: number;
  lastHealthCheck: number;
  type: VolumeConfig['backend'];
  status: VolumeStatus;
  lastError: string | null;
  provisioningId: string | null;
  autoRemount: boolean;
}

export interface OperationResult {
  status: VolumeStatus;
  error?: string;
}

/** How long POST /volumes/test-connection may take (mount and first listing) before it answers a failure. */
export const TEST_CONNECTION_TIMEOUT_MS = 10_000;

const message = (e: unknown) => (e instanceof Error ? e.message : String(e));

export class VolumeService {
  /** Settles once volumes that were mounted before a restart are mounted again. */
  readonly ready: Promise<void>;

  constructor(
    private readonly ctx: ZbContext,
    private readonly events?: ServerEvents,
  ) {
    this.ready = this.remountAll();
  }

  private get tools(): MountTools {
    return { rclone: this.ctx.rclone?.binary, rcloneConfig: this.ctx.rclone?.configFile };
  }

  private dir(shortId: string) {
    return path.join(this.ctx.dataDir, 'zerobyte', 'volumes', shortId);
  }

  /** Where a volume's files are: a directory volume's own path, else its mount point below the data dir. */
  pathOf(v: Pick<VolumeRow, 'shortId' | 'config'>): string {
    return v.config.backend === 'directory' ? v.config.path : path.join(this.dir(v.shortId), '_data');
  }

  private rows(): VolumeRow[] {
    return this.ctx.meta
      .list<VolumeRow>('volume')
      .map((r) => r.value)
      .sort((a, b) => a.id - b.id);
  }

  /** By shortId or numeric id (schedules send either). */
  resolve(ref: string | number): VolumeRow {
    const v = this.rows().find((r) => r.shortId === String(ref) || String(r.id) === String(ref));
    if (!v) throw new NotFoundError('Volume not found', 'volume', String(ref));
    return v;
  }

  /** A volume without its secrets (masked, as Zerobyte's public variant has no agent/org fields). */
  dto(v: VolumeRow, withPath = false) {
    return {
      ...v,
      config: redact(v.config as unknown as Record<string, unknown>),
      ...(withPath ? { path: this.pathOf(v) } : {}),
    };
  }

  list() {
    return this.rows().map((v) => this.dto(v));
  }

  async get(ref: string) {
    const v = this.resolve(ref);
    let statfs = { total: 0, used: 0, free: 0 };
    try {
      const st = await fs.promises.statfs(this.pathOf(v));
      statfs = {
        total: st.blocks * st.bsize,
        used: (st.blocks - st.bfree) * st.bsize,
        free: st.bavail * st.bsize,
      };
    } catch {
      // not mounted or gone: Zerobyte answers zeros too, the status says why
    }
    return { volume: this.dto(v, true), statfs };
  }

  private assertNameFree(name: string, exceptId?: number) {
    if (this.rows().some((r) => r.id !== exceptId && r.name.toLowerCase() === name.toLowerCase()))
      throw new ConflictError(`A volume named "${name}" already exists`);
  }

  private save(v: VolumeRow): void {
    this.ctx.meta.put('volume', v.shortId, v);
  }

  /** A volume's directory below the data dir, never while something is mounted in it (that would delete the share's files). */
  private removeDir(shortId: string): void {
    const dir = this.dir(shortId);
    if ([...mountPoints().keys()].some((mp) => mp === dir || mp.startsWith(`${dir}/`))) return;
    fs.rmSync(dir, { recursive: true, force: true });
  }

  /** known_hosts of an SFTP volume, written beside its mount point (0600). */
  private knownHostsFile(v: VolumeRow): string | undefined {
    if (v.config.backend !== 'sftp' || !v.config.knownHosts) return undefined;
    const file = path.join(this.dir(v.shortId), 'known_hosts');
    fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
    writeFileAtomicSync(file, `${v.config.knownHosts.trim()}\n`, { mode: 0o600 });
    return file;
  }

  async create(input: { name: string; config: VolumeConfig }) {
    assertHonourable(input.config);
    this.assertNameFree(input.name);
    const now = this.ctx.now();
    const v: VolumeRow = {
      id: this.ctx.meta.nextId('volume'),
      shortId: randomBytes(6).toString('base64url'),
      name: input.name,
      config: input.config,
      createdAt: now,
      updatedAt: now,
      lastHealthCheck: now,
      type: input.config.backend,
      status: 'unmounted',
      lastError: null,
      provisioningId: null,
      autoRemount: true,
    };
    this.save(v);
    await this.mountRow(v);
    return this.dto(this.resolve(v.shortId), true);
  }

  async update(ref: string, patch: { name?: string; autoRemount?: boolean; config?: VolumeConfig }) {
    const v = this.resolve(ref);
    if (patch.name !== undefined) this.assertNameFree(patch.name, v.id);
    let config = v.config;
    if (patch.config) {
      if (patch.config.backend !== v.config.backend)
        throw new ValidationError([{ path: 'config.backend', message: 'volume backend cannot be changed' }]);
      const stored = v.config as unknown as Record<string, unknown>;
      config = mergeMasked(
        stored,
        patch.config as unknown as Record<string, unknown>,
      ) as unknown as VolumeConfig;
      assertHonourable(config);
    }
    const changed = JSON.stringify(config) !== JSON.stringify(v.config);
    if (changed) await this.unmountRow(v);
    const next: VolumeRow = {
      ...v,
      ...(patch.name !== undefined ? { name: patch.name } : {}),
      ...(patch.autoRemount !== undefined ? { autoRemount: patch.autoRemount } : {}),
      config,
      updatedAt: this.ctx.now(),
    };
    this.save(next);
    if (changed) await this.mountRow(next);
    this.events?.emit('volume:updated', { volumeName: next.name });
    return this.dto(this.resolve(v.shortId), true);
  }

  /** 409 while a schedule backs it up; otherwise unmounted and removed (the share's data is untouched). */
  async delete(ref: string): Promise<void> {
    const v = this.resolve(ref);
    const users = this.ctx.meta
      .list<unknown>('schedule')
      .map((r) => ({
        key: r.key,
        m: asStaged<{ volumeId?: string | number | null; name?: string }>(r.value).value,
      }))
      .filter(({ m }) => m.volumeId != null && [String(v.id), v.shortId].includes(String(m.volumeId)));
    if (users.length)
      throw new ConflictError(
        `Volume is used by backup schedule ${users.map((u) => JSON.stringify(u.m.name ?? u.key)).join(', ')}`,
      );
    const r = await this.unmountRow(v);
    if (r.error) throw new UnavailableError(`Volume "${v.name}" could not be unmounted: ${r.error}`);
    this.ctx.meta.delete('volume', v.shortId);
    this.removeDir(v.shortId);
  }

  private setStatus(v: VolumeRow, status: VolumeStatus, error: string | null): OperationResult {
    const before = this.rows().find((r) => r.shortId === v.shortId);
    if (!before) return error ? { status, error } : { status }; // deleted meanwhile
    this.save({ ...before, status, lastError: error, lastHealthCheck: this.ctx.now() });
    if (before.status !== status) this.events?.emit('volume:status_changed', { volumeName: v.name, status });
    return error ? { status, error } : { status };
  }

  private async mountRow(v: VolumeRow): Promise<OperationResult> {
    try {
      if (v.config.backend !== 'directory')
        await mountShare(v.config, this.pathOf(v), this.tools, this.knownHostsFile(v));
      await probe(this.pathOf(v));
    } catch (e) {
      return this.setStatus(v, 'error', message(e));
    }
    this.events?.emit('volume:mounted', { volumeName: v.name });
    return this.setStatus(v, 'mounted', null);
  }

  private async unmountRow(v: VolumeRow): Promise<OperationResult> {
    try {
      if (v.config.backend !== 'directory') await unmountShare(this.pathOf(v));
    } catch (e) {
      return this.setStatus(v, 'error', message(e));
    }
    this.events?.emit('volume:unmounted', { volumeName: v.name });
    return this.setStatus(v, 'unmounted', null);
  }

  mount(ref: string) {
    return this.mountRow(this.resolve(ref));
  }

  unmount(ref: string) {
    return this.unmountRow(this.resolve(ref));
  }

  /** Mounted and answering, or the reason it is not; a dropped mount with autoRemount is mounted again. */
  async healthCheck(ref: string): Promise<OperationResult> {
    const v = this.resolve(ref);
    const root = this.pathOf(v);
    try {
      if (v.config.backend !== 'directory' && !isMounted(root)) {
        if (v.autoRemount && v.status === 'mounted') return await this.mountRow(v);
        return this.setStatus(
          v,
          v.status === 'error' ? 'error' : 'unmounted',
          v.status === 'error' ? v.lastError : null,
        );
      }
      await probe(root);
      return this.setStatus(v, 'mounted', null);
    } catch (e) {
      return this.setStatus(v, 'error', message(e));
    }
  }

  /**
   * Mounts the config at a throwaway point and lists it; nothing is stored. Bounded: after
   * TEST_CONNECTION_TIMEOUT_MS the answer is a failure naming the limit, the mount tool is killed and the
   * throwaway mount is cleaned up behind the answer.
   */
  async testConnection(config: VolumeConfig): Promise<{ success: boolean; message: string }> {
    assertHonourable(config);
    const limitMs = TEST_CONNECTION_TIMEOUT_MS;
    const shortId = `test-${randomBytes(6).toString('base64url')}`;
    const row = { shortId, config } as VolumeRow;
    const at = this.pathOf(row);
    const stop = new AbortController();
    const attempt = (async () => {
      try {
        if (config.backend !== 'directory')
          await mountShare(config, at, this.tools, this.knownHostsFile(row), {
            timeoutMs: limitMs,
            signal: stop.signal,
            idleTimeoutMs: limitMs,
          });
        await probe(at, limitMs);
        return { success: true, message: 'Connection successful' };
      } catch (e) {
        return { success: false, message: message(e) };
      } finally {
        if (config.backend !== 'directory') {
          await unmountShare(at, 10_000).catch(() => undefined);
          this.removeDir(shortId);
          // a killed rclone's daemon may still mount before its --contimeout/--daemon-wait run out
          if (stop.signal.aborted)
            setTimeout(() => {
              void unmountShare(at, 10_000)
                .catch(() => undefined)
                .then(() => this.removeDir(shortId));
            }, limitMs).unref();
        }
      }
    })();
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<{ success: boolean; message: string }>((resolve) => {
      timer = setTimeout(() => {
        stop.abort();
        resolve({ success: false, message: `Connection test timed out after ${limitMs / 1000} s` });
      }, limitMs);
      timer.unref();
    });
    try {
      return await Promise.race([attempt, late]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** Before a backup: a dropped share is mounted again; one that cannot be is an error naming why. */
  async ensureMounted(ref: string | number): Promise<string> {
    const v = this.resolve(ref);
    const root = this.pathOf(v);
    if (v.config.backend !== 'directory' && isMounted(root)) return root;
    const r = await this.mountRow(v);
    if (r.error) throw new Error(`volume "${v.name}" is not available: ${r.error}`);
    return root;
  }

  /** The volume must be mounted (a stale status is not trusted: the mount table is read). */
  mountedRoot(v: VolumeRow): string {
    const root = this.pathOf(v);
    if (v.config.backend !== 'directory' && !isMounted(root))
      throw new FailedPreconditionError(`Volume "${v.name}" is not mounted`);
    return root;
  }

  listFiles(ref: string, sub: string | undefined, offset: number, limit: number) {
    const v = this.resolve(ref);
    return listDirectory(this.mountedRoot(v), sub ?? '/', offset, limit);
  }

  capabilities() {
    return availableBackends(this.tools);
  }

  browse(p: string | undefined) {
    return browseDirectories(p || '/');
  }

  /** At start: volumes that were mounted (and may auto-remount) are mounted again; directories re-checked. */
  private async remountAll(): Promise<void> {
    for (const v of this.rows())
      if (v.status === 'mounted' && (v.autoRemount || v.config.backend === 'directory'))
        await this.mountRow(v).catch(() => undefined);
  }
}

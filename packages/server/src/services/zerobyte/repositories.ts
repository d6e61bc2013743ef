// Zerobyte repositories = config repos: list/get/create/update/delete, stats, unlock, rclone remotes.
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { create } from '@bufbuild/protobuf';
import { RepoSchema, type Repo } from '@restora/proto';
import {
  ConflictError,
  FailedPreconditionError,
  NotFoundError,
  UnavailableError,
  ValidationError,
} from '../../errors.js';
import { resticPort } from '../../tasks/restic-adapter.js';
import { RepositoryConfig, type Repository } from './repository-config.js';
import {
  compressionOf,
  deriveBackend,
  mergeBackend,
  redactBackend,
  toRepoParts,
  withCompression,
  writeSecretFiles,
} from './backend.js';
import { defaultResticPassword, readerOf, resticOf, secretsDir, type ZbContext } from './context.js';
import { shortIdOf, slugId, uuidOf } from './ids.js';
import { asStaged, fingerprint, resolveStaged, type Staged } from './staged-rows.js';

type Compression = 'auto' | 'max' | 'off';

/** Sidecar row of a repository (everything Zerobyte has that a config repo has not). */
export interface RepoMeta {
  name?: string;
  /**
   * Backend config as given (secrets included: the row is sealed), staged against the repo settings it becomes
   * (connectionFp) so that it never commits apart from config.json; older rows hold the bare config.
   */
  backend?: Staged<Record<string, unknown>> | Record<string, unknown>;
  createdAt?: number;
  updatedAt?: number;
  status?: Repository['status'];
  lastChecked?: number | null;
  lastError?: string | null;
  doctorResult?: Repository['doctorResult'];
  stats?: Record<string, number> | null;
  statsUpdatedAt?: number | null;
}

/** Fingerprint of the repo settings a backend config turns into (compression aside): an edit in Backrest changes it. */
const connectionFp = (r: Pick<Repo, 'uri' | 'env' | 'flags'>) =>
  fingerprint(JSON.stringify([r.uri, r.env, withCompression(r.flags, null)]));

/** The backend config a config repo shows: the staged one that matches it, else derived from the repo itself. */
function backendOf(repo: Repo, stored: RepoMeta['backend']): Record<string, unknown> {
  if (!stored) return deriveBackend(repo);
  const row = asStaged<Record<string, unknown>>(stored);
  if (row.fp === '') return row.value; // written before rows were staged: kept as it was
  const r = resolveStaged(row, connectionFp(repo));
  return r.state === 'foreign' ? deriveBackend(repo) : r.value;
}

export class RepositoryService {
  constructor(private readonly ctx: ZbContext) {
    // rows of repos config.json no longer has (a delete, or a create a crash cut short before its config write)
    const ids = new Set(ctx.config.get().repos.map((r) => r.id));
    for (const { key } of ctx.meta.list('repository')) if (!ids.has(key)) ctx.meta.delete('repository', key);
  }

  private meta(repoId: string): RepoMeta {
    return this.ctx.meta.get<RepoMeta>('repository', repoId) ?? {};
  }

  patchMeta(repoId: string, patch: Partial<RepoMeta>): void {
    this.ctx.meta.put('repository', repoId, { ...this.meta(repoId), ...patch });
  }

  /** The config repo behind a shortId (also accepts the UUID or the config id). */
  resolve(ref: string): Repo {
    const repo = this.ctx.config
      .get()
      .repos.find((r) => shortIdOf('repo', r.id) === ref || uuidOf('repo', r.id) === ref || r.id === ref);
    if (!repo) throw new NotFoundError('Repository not found', 'repository', ref);
    return repo;
  }

  toDto(repo: Repo): Repository {
    const m = this.meta(repo.id);
    const backend = backendOf(repo, m.backend);
    return {
      id: uuidOf('repo', repo.id),
      shortId: shortIdOf('repo', repo.id),
      provisioningId: null,
      name: m.name ?? repo.id,
      type: backend.backend as Repository['type'],
      config: redactBackend(backend),
      compressionMode: compressionOf(repo) ?? 'auto',
      status: m.status ?? 'unknown',
      lastChecked: m.lastChecked ?? null,
      lastError: m.lastError ?? null,
      doctorResult: m.doctorResult ?? null,
      createdAt: m.createdAt ?? 0,
      updatedAt: m.updatedAt ?? m.createdAt ?? 0,
      repoId: repo.id,
    };
  }

  list(): Repository[] {
    return this.ctx.config.get().repos.map((r) => this.toDto(r));
  }

  get(ref: string): Repository {
    return this.toDto(this.resolve(ref));
  }

  private assertNameFree(name: string, exceptRepoId?: string): void {
    for (const r of this.ctx.config.get().repos) {
      if (r.id === exceptRepoId) continue;
      if ((this.meta(r.id).name ?? r.id).toLowerCase() === name.toLowerCase())
        throw new ConflictError(`A repository named "${name}" already exists`);
    }
  }

  /** Initialises (or opens, for isExistingRepository) the restic repository, then adds it to the config. */
  async create(input: {
    name: string;
    compressionMode?: Compression;
    config: RepositoryConfig;
  }): Promise<Repository> {
    this.assertNameFree(input.name);
    const taken = new Set(this.ctx.config.get().repos.map((r) => r.id));
    const repoId = slugId(input.name, (id) => taken.has(id));
    const cfg = { ...input.config };
    if (cfg.backend === 'local' && !cfg.isExistingRepository)
      cfg.path = path.join(cfg.path, shortIdOf('repo', repoId));
    const parts = toRepoParts(cfg, secretsDir(this.ctx), repoId);
    const repo = create(RepoSchema, {
      id: repoId,
      uri: parts.uri,
      password: cfg.customPassword ?? defaultResticPassword(this.ctx),
      env: parts.env,
      flags: withCompression(parts.flags, input.compressionMode ?? 'auto'),
    });
    writeSecretFiles(parts.files);
    try {
      const port = resticPort(resticOf(this.ctx, repo));
      const signal = AbortSignal.timeout(120_000);
      repo.guid = cfg.isExistingRepository ? await port.repoId({ signal }) : await port.init({ signal });
    } catch (err) {
      for (const f of parts.files) fs.rmSync(f.path, { force: true });
      throw new FailedPreconditionError(`Failed to initialize repository: ${(err as Error).message}`);
    }
    // the sidecar row first: until config.json has the repo, nothing shows it, and start removes it
    const now = this.ctx.now();
    this.ctx.meta.put('repository', repoId, {
      name: input.name,
      backend: { value: cfg, fp: connectionFp(repo) },
      createdAt: now,
      updatedAt: now,
      status: 'healthy',
      lastChecked: now,
    } satisfies RepoMeta);
    try {
      await this.ctx.config.update((draft) => {
        if (draft.repos.some((r) => r.id === repoId))
          throw new ConflictError(`repo "${repoId}" already exists`);
        draft.repos.push(repo);
      });
    } catch (err) {
      if (!this.ctx.config.get().repos.some((r) => r.id === repoId))
        this.ctx.meta.delete('repository', repoId);
      throw err;
    }
    return this.toDto(repo);
  }

  /** Partial update: only the given fields change; a changed backend config resets status and caches. */
  async update(
    ref: string,
    patch: { name?: string; compressionMode?: Compression | null; config?: Record<string, unknown> },
  ): Promise<Repository> {
    const repo = this.resolve(ref);
    const m = this.meta(repo.id);
    if (patch.name !== undefined) this.assertNameFree(patch.name, repo.id);
    let parts: ReturnType<typeof toRepoParts> | undefined;
    let nextBackend: Record<string, unknown> | undefined;
    let password: string | undefined;
    const stored = backendOf(repo, m.backend);
    if (patch.config) {
      if (patch.config.backend !== undefined && patch.config.backend !== stored.backend)
        throw new ValidationError([
          { path: 'config.backend', message: 'Repository backend cannot be changed' },
        ]);
      const merged = mergeBackend(stored, patch.config);
      const parsed = RepositoryConfig.safeParse(merged);
      if (!parsed.success) {
        throw new ValidationError(
          parsed.error.issues.map((i) => ({
            path: ['config', ...i.path.map(String)].join('.'),
            message: i.message,
          })),
          'Invalid repository config',
        );
      }
      nextBackend = parsed.data;
      parts = toRepoParts(parsed.data, secretsDir(this.ctx), repo.id);
      if (parsed.data.customPassword) password = parsed.data.customPassword;
      writeSecretFiles(parts.files);
    }
    const reset = nextBackend
      ? {
          status: 'unknown' as const,
          lastChecked: null,
          lastError: null,
          doctorResult: null,
          stats: null,
          statsUpdatedAt: null,
        }
      : {};
    // the sidecar row first, its backend staged against the repo it becomes (the old one kept): whichever repo
    // config.json holds after a crash decides which backend both APIs show
    const fpNow = connectionFp(repo);
    const staged: Staged<Record<string, unknown>> | undefined =
      parts && nextBackend
        ? {
            value: nextBackend,
            fp: connectionFp({ uri: parts.uri, env: parts.env, flags: parts.flags }),
            prev: { value: stored, fp: fpNow },
          }
        : undefined;
    this.patchMeta(repo.id, {
      ...(patch.name !== undefined ? { name: patch.name } : {}),
      ...(staged ? { backend: staged } : {}),
      ...reset,
      createdAt: m.createdAt ?? this.ctx.now(),
      updatedAt: this.ctx.now(),
    });
    const saved = await this.ctx.config
      .update((draft) => {
        const r = draft.repos.find((x) => x.id === repo.id);
        if (!r) throw new NotFoundError('Repository not found', 'repository', ref);
        const mode = patch.compressionMode === undefined ? compressionOf(r) : patch.compressionMode;
        if (parts) {
          r.uri = parts.uri;
          r.env = parts.env;
          r.flags = parts.flags;
          if (password) r.password = password;
        }
        r.flags = withCompression(r.flags, mode);
      })
      .catch((err: unknown) => {
        this.ctx.meta.put('repository', repo.id, m); // refused: the row as it was
        throw err;
      });
    return this.toDto(saved.repos.find((r) => r.id === repo.id) ?? repo);
  }

  /** Removes the repository from the config; the restic data stays where it is. */
  async delete(ref: string): Promise<void> {
    const repo = this.resolve(ref);
    const users = this.ctx.config.get().plans.filter((p) => p.repo === repo.id);
    if (users.length) {
      throw new ConflictError(
        `Repository is used by backup schedules (${users.map((p) => p.id).join(', ')}); delete them first`,
      );
    }
    await this.ctx.config.update((draft) => {
      draft.repos = draft.repos.filter((r) => r.id !== repo.id);
    });
    this.ctx.meta.delete('repository', repo.id);
  }

  /** Cached stats, computed on first use; `refresh` recomputes (raw-data + restore-size for file counts). */
  async stats(ref: string, refresh = false): Promise<Record<string, number>> {
    const repo = this.resolve(ref);
    const m = this.meta(repo.id);
    if (m.stats && !refresh) return m.stats;
    const restic = readerOf(this.ctx, repo);
    const signal = AbortSignal.timeout(600_000);
    const raw = await restic.stats({ mode: 'raw-data', signal });
    const size = await restic.stats({ mode: 'restore-size', signal });
    const snapshots = raw.snapshotsCount ?? (await restic.snapshots({ signal })).length;
    const uncompressed = raw.totalUncompressedSize ?? raw.totalSize;
    const stats: Record<string, number> = {
      total_size: raw.totalSize,
      total_uncompressed_size: uncompressed,
      compression_ratio: raw.compressionRatio ?? (raw.totalSize > 0 ? uncompressed / raw.totalSize : 1),
      compression_progress: raw.compressionProgress ?? 0,
      compression_space_saving: raw.compressionSpaceSaving ?? 0,
      total_blob_count: raw.totalBlobCount ?? 0,
      total_file_count: size.totalFileCount ?? 0,
      total_restore_size: size.totalSize,
      snapshots_count: snapshots,
    };
    this.patchMeta(repo.id, { stats, statsUpdatedAt: this.ctx.now() });
    return stats;
  }

  /** Snapshot cache and stats are stale after backups, forgets, deletes. */
  invalidate(repoId: string): void {
    this.patchMeta(repoId, { stats: null, statsUpdatedAt: null });
  }

  async unlock(ref: string): Promise<{ success: boolean; message: string }> {
    const repo = this.resolve(ref);
    await this.ctx.engine.unlock(repo.id);
    return { success: true, message: 'Repository unlocked successfully' };
  }

  /** `rclone listremotes --long` → [{name, type}]. */
  rcloneRemotes(): Promise<{ name: string; type: string }[]> {
    const args = ['listremotes', '--long'];
    if (this.ctx.rclone?.configFile) args.push('--config', this.ctx.rclone.configFile);
    return new Promise((resolve, reject) => {
      execFile(this.ctx.rclone?.binary ?? 'rclone', args, { timeout: 15_000 }, (err, stdout, stderr) => {
        if (err && (err as NodeJS.ErrnoException).code === 'ENOENT') {
          reject(new FailedPreconditionError('rclone is not installed'));
          return;
        }
        if (err) {
          // a failing rclone is an error the caller sees, never an empty list
          const why = String(stderr).trim().split('\n').slice(-3).join('; ') || err.message;
          reject(new UnavailableError(`rclone listremotes failed: ${why}`));
          return;
        }
        resolve(
          stdout
            .split('\n')
            .map((l) => /^(.+?):\s*(\S*)\s*$/.exec(l))
            .filter((m): m is RegExpExecArray => m !== null)
            .map((m) => ({ name: m[1] ?? '', type: m[2] || 'unknown' })),
        );
      });
    });
  }
}

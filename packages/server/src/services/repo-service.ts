// AddRepo / RemoveRepo / CheckRepoExists: restic init + guid, config upsert, oplog cleanup.
import crypto from 'node:crypto';
import { create } from '@bufbuild/protobuf';
import { ConfigSchema, type Config, type Repo } from '@restora/proto';
import { isResticError } from '@restora/restic';
import { redactConfig, restoreRedacted, type RedactionOptions } from '../config/redact.js';
import type { ConfigStore } from '../config/types.js';
import type { Engine } from '../engine.js';
import { limitIssues } from '../config/validate-sizes.js';
import { InvalidArgumentError, NotFoundError, ValidationError } from '../errors.js';
import type { OpLog } from '../oplog/types.js';
import type { ResticPort } from '../tasks/restic-port.js';
import { assertRepoEditable } from '../sync/shared-repos.js';

const HOST_KEY = /host key verification failed|remote host identification has changed/i;

export interface RepoServiceDeps {
  config: ConfigStore;
  oplog: OpLog;
  engine: Pick<Engine, 'runRepoTask'>;
  /** restic for a repo that may not be in the config yet. */
  resticFor: (repo: Repo) => ResticPort;
  log: (msg: string) => void;
  /** Locked-down servers also hide command-hook text in the returned config. */
  redaction?: RedactionOptions;
}

export class RepoService {
  constructor(private readonly d: RepoServiceDeps) {}

  /** A repo from a client with redacted secrets replaced by the stored ones (repo of the same id). */
  private hydrate(repo: Repo | undefined): Repo {
    if (!repo) throw new InvalidArgumentError('repo is required');
    if (!repo.id) throw new InvalidArgumentError('repo id is required');
    const issues = limitIssues(repo, 'repo');
    if (issues.length) throw new ValidationError(issues);
    if (!repo.uri) throw new InvalidArgumentError(`repo "${repo.id}": uri is required`);
    const wrapped = create(ConfigSchema, { repos: [repo] });
    const restored = restoreRedacted(wrapped, this.d.config.get(), this.d.redaction).repos[0];
    if (!restored) throw new InvalidArgumentError('repo is required');
    return restored;
  }

  async add(input: Repo | undefined): Promise<Config> {
    const repo = this.hydrate(input);
    assertRepoEditable(this.d.config.get(), repo);
    const guid = await this.d.resticFor(repo).init({ signal: AbortSignal.timeout(120_000) });
    const before = this.d.config.get();
    const old = before.repos.find((r) => r.id === repo.id);
    repo.guid = guid;
    repo.autoInitialize = false;
    const saved = await this.d.config.update(
      (draft) => {
        const i = draft.repos.findIndex((r) => r.id === repo.id);
        if (i >= 0) draft.repos[i] = repo;
        else draft.repos.push(repo);
      },
      { bumpModno: false },
    );
    if (old?.guid && old.guid !== guid) {
      this.d.oplog.transform({ repoId: repo.id, instanceId: saved.instance }, (op) => {
        op.repoGuid = guid;
        return op;
      });
    }
    this.d.engine.runRepoTask(repo.id, 'index-snapshots').catch((err: unknown) => {
      this.d.log(`index snapshots of new repo "${repo.id}" not queued: ${String(err)}`);
    });
    return redactConfig(saved, this.d.redaction);
  }

  async remove(repoId: string): Promise<Config> {
    if (!this.d.config.get().repos.some((r) => r.id === repoId))
      throw new NotFoundError(`repo "${repoId}" not found`, 'repo', repoId);
    const saved = await this.d.config.update(
      (draft) => {
        draft.repos = draft.repos.filter((r) => r.id !== repoId);
      },
      { bumpModno: false },
    );
    this.d.oplog.deleteWhere({ repoId, instanceId: saved.instance });
    return redactConfig(saved, this.d.redaction);
  }

  async exists(
    input: Repo | undefined,
  ): Promise<{ exists: boolean; hostKeyUntrusted: boolean; error: string }> {
    const repo = this.hydrate(input);
    if (!repo.guid) repo.guid = crypto.randomBytes(32).toString('hex');
    try {
      await this.d.resticFor(repo).repoId({ signal: AbortSignal.timeout(30_000) });
      return { exists: true, hostKeyUntrusted: false, error: '' };
    } catch (err) {
      if (isResticError(err, 'repo-not-found')) return { exists: false, hostKeyUntrusted: false, error: '' };
      if (isResticError(err) && HOST_KEY.test(`${err.message}\n${err.stderrTail}`))
        return { exists: false, hostKeyUntrusted: true, error: err.message };
      throw err;
    }
  }
}

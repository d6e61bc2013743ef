// Config validation naming EVERY bad field (path + message), plus Backrest's normalisation (sorting).
import {
  CommandPrefix_CPUNiceLevel,
  CommandPrefix_IONiceLevel,
  type Config,
  type Hook,
  parseScopes,
  type Repo,
} from '@restora/proto';
import { ValidationError } from '../errors.js';
import { identityProblem } from './identity.js';
import { decodeStoredHash } from './password-hash.js';
import { shlexSplit } from './shlex.js';
import { CURRENT_CONFIG_VERSION, REDACTED } from './types.js';
import { idProblem, INSTANCE_ID_MAX_LEN, userNameProblem } from './validate-ids.js';
import { Issues } from './validate-issues.js';
import { checkRetention, checkSchedule, scheduleEnabled } from './validate-schedule.js';
import { limitIssues } from './validate-sizes.js';

export interface ValidationResult {
  issues: ValidationError['issues'];
  warnings: string[];
}

const enumValues = (e: object) => new Set(Object.values(e).filter((v): v is number => typeof v === 'number'));
const IO_NICE = enumValues(CommandPrefix_IONiceLevel);
const CPU_NICE = enumValues(CommandPrefix_CPUNiceLevel);
const ENV_RE = /^[^=\s]+=/;

export function validateConfig(c: Config): ValidationResult {
  // oversize values first and alone: later messages quote ids, which must not echo 10 MB back
  const sizes = limitIssues(c);
  if (sizes.length) return { issues: sizes, warnings: [] };
  const issues = new Issues();
  if (c.version !== CURRENT_CONFIG_VERSION) issues.add('version', `must be ${CURRENT_CONFIG_VERSION}`);
  if (c.instance === '') {
    issues.warn('instance is empty: set an instance id, every restic operation needs it');
  } else {
    const p = idProblem(c.instance, INSTANCE_ID_MAX_LEN);
    if (p) issues.add('instance', p);
  }
  const repoIds = new Set<string>();
  c.repos.forEach((repo, i) => {
    const path = `repos[${i}]`;
    if (repoIds.has(repo.id)) issues.add(`${path}.id`, `duplicate repo id ${JSON.stringify(repo.id)}`);
    repoIds.add(repo.id);
    checkRepo(repo, path, issues);
  });
  const planIds = new Set<string>();
  c.plans.forEach((plan, i) => {
    const path = `plans[${i}]`;
    const idp = idProblem(plan.id);
    if (idp) issues.add(`${path}.id`, idp);
    if (planIds.has(plan.id)) issues.add(`${path}.id`, `duplicate plan id ${JSON.stringify(plan.id)}`);
    planIds.add(plan.id);
    if (plan.repo === '') issues.add(`${path}.repo`, 'is required');
    else if (!repoIds.has(plan.repo))
      issues.add(`${path}.repo`, `repo ${JSON.stringify(plan.repo)} not found`);
    if (plan.paths.length === 0 && plan.backupFlags.length === 0) {
      issues.add(`${path}.paths`, 'at least one path is required (unless backup_flags name the source)');
    }
    plan.paths.forEach((p, j) => p.trim() === '' && issues.add(`${path}.paths[${j}]`, 'must not be empty'));
    plan.excludes.forEach((p, j) => p === '' && issues.add(`${path}.excludes[${j}]`, 'must not be empty'));
    plan.iexcludes.forEach((p, j) => p === '' && issues.add(`${path}.iexcludes[${j}]`, 'must not be empty'));
    checkFlags(plan.backupFlags, `${path}.backup_flags`, issues);
    checkSchedule(plan.schedule, `${path}.schedule`, issues);
    checkRetention(plan.retention, `${path}.retention`, issues);
    plan.hooks.forEach((h, j) => checkHook(h, `${path}.hooks[${j}]`, issues));
  });
  checkAuth(c, issues);
  checkMultihost(c, issues);
  return { issues: issues.list, warnings: issues.warnings };
}

function checkRepo(repo: Repo, path: string, issues: Issues): void {
  const idp = idProblem(repo.id);
  if (idp) issues.add(`${path}.id`, idp);
  if (repo.uri.trim() === '') issues.add(`${path}.uri`, 'is required');
  if (repo.guid === '' && !repo.autoInitialize) {
    issues.add(
      `${path}.guid`,
      'is required unless autoInitialize is set (add the repo through the API to fill it)',
    );
  } else if (repo.guid !== '' && repo.autoInitialize) {
    issues.add(
      `${path}.autoInitialize`,
      'cannot be set together with guid (the repo is already initialised)',
    );
  } else if (repo.guid !== '' && !/^[0-9a-f]{64}$/.test(repo.guid)) {
    issues.add(`${path}.guid`, 'must be 64 lowercase hex characters (the id from `restic cat config`)');
  }
  if (repo.password === REDACTED)
    issues.add(`${path}.password`, 'is the redaction placeholder, not a password');
  repo.env.forEach((e, j) => {
    if (!ENV_RE.test(e)) issues.add(`${path}.env[${j}]`, 'must take the form KEY=VALUE');
  });
  checkFlags(repo.flags, `${path}.flags`, issues);
  if (repo.prunePolicy) {
    const pp = repo.prunePolicy;
    checkSchedule(pp.schedule, `${path}.prunePolicy.schedule`, issues);
    if (pp.maxUnusedPercent < 0 || pp.maxUnusedPercent > 100) {
      issues.add(`${path}.prunePolicy.maxUnusedPercent`, 'must be between 0 and 100');
    }
    if (pp.maxUnusedBytes < 0n) issues.add(`${path}.prunePolicy.maxUnusedBytes`, 'must not be negative');
  }
  if (repo.checkPolicy) {
    checkSchedule(repo.checkPolicy.schedule, `${path}.checkPolicy.schedule`, issues);
    const m = repo.checkPolicy.mode;
    if (m.case === 'readDataSubsetPercent' && !(m.value > 0 && m.value <= 100)) {
      issues.add(`${path}.checkPolicy.readDataSubsetPercent`, 'must be greater than 0 and at most 100');
    }
  }
  if (repo.forgetPolicy) {
    checkSchedule(repo.forgetPolicy.schedule, `${path}.forgetPolicy.schedule`, issues);
    if (scheduleEnabled(repo.forgetPolicy.schedule) && !repo.forgetPolicy.retention) {
      issues.add(`${path}.forgetPolicy.retention`, 'is required while the forget schedule is enabled');
    }
    checkRetention(repo.forgetPolicy.retention, `${path}.forgetPolicy.retention`, issues);
  }
  if (repo.commandPrefix) {
    if (!IO_NICE.has(repo.commandPrefix.ioNice)) issues.add(`${path}.commandPrefix.ioNice`, 'unknown level');
    if (!CPU_NICE.has(repo.commandPrefix.cpuNice))
      issues.add(`${path}.commandPrefix.cpuNice`, 'unknown level');
  }
  repo.hooks.forEach((h, j) => checkHook(h, `${path}.hooks[${j}]`, issues));
}

function checkFlags(flags: readonly string[], path: string, issues: Issues): void {
  flags.forEach((f, j) => {
    try {
      shlexSplit(f);
    } catch (e) {
      issues.add(`${path}[${j}]`, `cannot be split into arguments: ${(e as Error).message}`);
    }
  });
}

function checkUrl(url: string, path: string, issues: Issues, schemes = ['http:', 'https:']): void {
  try {
    const u = new URL(url);
    if (!schemes.includes(u.protocol)) issues.add(path, `must be a ${schemes.join(' or ')} URL`);
  } catch {
    issues.add(path, 'must be a valid URL');
  }
}

function checkHook(h: Hook, path: string, issues: Issues): void {
  const a = h.action;
  switch (a.case) {
    case undefined:
      issues.add(path, 'a hook needs an action');
      return;
    case 'actionCommand':
      if (a.value.command.trim() === '') issues.add(`${path}.actionCommand.command`, 'is required');
      break;
    case 'actionWebhook':
    case 'actionDiscord':
    case 'actionSlack':
    case 'actionHealthchecks':
      checkUrl(a.value.webhookUrl, `${path}.${a.case}.webhookUrl`, issues);
      break;
    case 'actionGotify':
      checkUrl(a.value.baseUrl, `${path}.actionGotify.baseUrl`, issues);
      break;
    case 'actionShoutrrr':
      if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(a.value.shoutrrrUrl)) {
        issues.add(`${path}.actionShoutrrr.shoutrrrUrl`, 'must be a service URL such as ntfy://host/topic');
      }
      break;
    case 'actionTelegram':
      if (!a.value.botToken) issues.add(`${path}.actionTelegram.botToken`, 'is required');
      if (!a.value.chatId) issues.add(`${path}.actionTelegram.chatId`, 'is required');
      break;
  }
  if (h.conditions.length === 0) issues.warn(`${path}: hook has no conditions and never fires`);
}

function checkAuth(c: Config, issues: Issues): void {
  const auth = c.auth;
  if (!auth || auth.disabled) return;
  const names = new Set<string>();
  auth.users.forEach((u, i) => {
    const p = userNameProblem(u.name);
    if (p) issues.add(`auth.users[${i}].name`, p);
    if (names.has(u.name)) issues.add(`auth.users[${i}].name`, `duplicate user ${JSON.stringify(u.name)}`);
    names.add(u.name);
    if (u.password.case !== 'passwordBcrypt' || u.password.value === '') {
      issues.add(`auth.users[${i}].passwordBcrypt`, 'is required');
    } else if (u.password.value !== REDACTED && !isBcryptHash(u.password.value)) {
      issues.add(
        `auth.users[${i}].passwordBcrypt`,
        'must be a bcrypt hash ($2a$/$2b$/$2y$, cost 4 to 31), raw or base64 as Backrest stores it',
      );
    }
  });
}

const BCRYPT = /^\$2[aby]\$(0[4-9]|[12][0-9]|3[01])\$[./A-Za-z0-9]{53}$/;

/** A value that could ever match a password: anything else locks every client out. */
export function isBcryptHash(stored: string): boolean {
  const hash = decodeStoredHash(stored);
  return hash !== undefined && BCRYPT.test(hash);
}

function checkMultihost(c: Config, issues: Issues): void {
  const m = c.multihost;
  if (!m) return;
  const instanceIds = new Map<string, string>();
  const keyIds = new Map<string, string>();
  if (c.instance) instanceIds.set(c.instance, 'instance');
  if (m.identity) {
    const p = identityProblem(m.identity);
    if (p) issues.add('sync.identity', p);
    else keyIds.set(m.identity.keyid, 'sync.identity');
  }
  const peers = [
    ...m.knownHosts.map((p, i) => ({ p, path: `sync.knownHosts[${i}]`, host: true })),
    ...m.authorizedClients.map((p, i) => ({ p, path: `sync.authorizedClients[${i}]`, host: false })),
  ];
  for (const { p, path, host } of peers) {
    const idp = idProblem(p.instanceId, INSTANCE_ID_MAX_LEN);
    if (idp) issues.add(`${path}.instanceId`, idp);
    const seen = instanceIds.get(p.instanceId);
    if (seen) issues.add(`${path}.instanceId`, `${JSON.stringify(p.instanceId)} is already used by ${seen}`);
    instanceIds.set(p.instanceId, path);
    if (p.keyid) {
      const seenKey = keyIds.get(p.keyid);
      if (seenKey) issues.add(`${path}.keyId`, `already used by ${seenKey}`);
      keyIds.set(p.keyid, path);
    } else {
      issues.add(`${path}.keyId`, 'is required');
    }
    if (host) checkUrl(p.instanceUrl, `${path}.instanceUrl`, issues);
    p.permissions.forEach((perm, j) => {
      // the parser the links enforce with: a scope it rejects here would otherwise end the link later
      try {
        parseScopes(perm.scopes);
      } catch (e) {
        issues.add(`${path}.permissions[${j}].scopes`, (e as Error).message);
      }
    });
  }
}

/** Repos received from a peer that is no longer configured are dropped silently, with their plans. */
export function dropOrphanPeerRepos(c: Config): void {
  const peers = new Set([
    ...(c.multihost?.knownHosts ?? []).map((p) => p.instanceId),
    ...(c.multihost?.authorizedClients ?? []).map((p) => p.instanceId),
  ]);
  const dropped = new Set(
    c.repos.filter((r) => r.originInstanceId && !peers.has(r.originInstanceId)).map((r) => r.id),
  );
  if (dropped.size === 0) return;
  c.repos = c.repos.filter((r) => !dropped.has(r.id));
  c.plans = c.plans.filter((p) => !dropped.has(p.repo));
}

/** Backrest's normalisation after validation: repos/plans sorted by id, env and paths sorted. */
export function sortConfig(c: Config): void {
  const byId = <T extends { id: string }>(a: T, b: T) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
  c.repos.sort(byId);
  c.plans.sort(byId);
  for (const r of c.repos) r.env.sort();
  for (const p of c.plans) p.paths.sort();
}

/** Validates (paths index the config as given), throws ValidationError listing every issue, then normalises. */
export function assertValidConfig(c: Config): string[] {
  dropOrphanPeerRepos(c);
  const { issues, warnings } = validateConfig(c);
  if (issues.length) throw new ValidationError(issues);
  sortConfig(c);
  return warnings;
}

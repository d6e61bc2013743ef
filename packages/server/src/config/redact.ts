// Secrets never leave the server: redactConfig replaces them with "********"; restoreRedacted puts the stored
// values back when a client returns the placeholder (Backrest weakness #4).
import { clone } from '@bufbuild/protobuf';
import { ConfigSchema, PrivateKeySchema, type Config, type Hook } from '@restora/proto';
import { ValidationError, type ValidationIssue } from '../errors.js';
import { REDACTED } from './types.js';

/** Env keys whose values are secrets (AWS_SECRET_ACCESS_KEY, B2_ACCOUNT_KEY, RESTIC_PASSWORD, *_TOKEN...). */
const SECRET_ENV_KEY = /PASS|SECRET|KEY|TOKEN|CREDENTIAL|AUTH|PRIVATE/i;
/** A value that only references the server's environment (`${VAR}` / `$VAR`) is not itself a secret. */
const ENV_REFERENCE = /^\$(\{[A-Za-z_][A-Za-z0-9_]*\}|[A-Za-z_][A-Za-z0-9_]*)$/;

export function isSecretEnv(entry: string): boolean {
  const eq = entry.indexOf('=');
  if (eq < 0) return false;
  const value = entry.slice(eq + 1);
  return SECRET_ENV_KEY.test(entry.slice(0, eq)) && value !== '' && !ENV_REFERENCE.test(value);
}

const mask = (v: string) => (v === '' ? '' : REDACTED);

/** Hook fields holding credentials, as [getter, setter] on the action value. */
export function hookSecret(h: Hook): { get(): string; set(v: string): void; field: string } | undefined {
  const a = h.action;
  switch (a.case) {
    case 'actionDiscord':
    case 'actionSlack':
      return {
        get: () => a.value.webhookUrl,
        set: (v) => (a.value.webhookUrl = v),
        field: `${a.case}.webhookUrl`,
      };
    case 'actionGotify':
      return { get: () => a.value.token, set: (v) => (a.value.token = v), field: 'actionGotify.token' };
    case 'actionTelegram':
      return {
        get: () => a.value.botToken,
        set: (v) => (a.value.botToken = v),
        field: 'actionTelegram.botToken',
      };
    case 'actionShoutrrr':
      return {
        get: () => a.value.shoutrrrUrl,
        set: (v) => (a.value.shoutrrrUrl = v),
        field: 'actionShoutrrr.shoutrrrUrl',
      };
    default:
      return undefined;
  }
}

/** A copy of the config safe to send to a client. */
export function redactConfig(config: Config): Config {
  const c = clone(ConfigSchema, config);
  for (const repo of c.repos) {
    repo.password = mask(repo.password);
    repo.env = repo.env.map((e) => (isSecretEnv(e) ? `${e.slice(0, e.indexOf('='))}=${REDACTED}` : e));
    for (const h of repo.hooks) redactHook(h);
  }
  for (const plan of c.plans) for (const h of plan.hooks) redactHook(h);
  for (const u of c.auth?.users ?? []) {
    if (u.password.case === 'passwordBcrypt') u.password.value = mask(u.password.value);
  }
  const m = c.multihost;
  if (m) {
    if (m.identity) m.identity.ed25519priv = mask(m.identity.ed25519priv);
    for (const t of m.pairingTokens) t.secret = mask(t.secret);
    for (const p of [...m.knownHosts, ...m.authorizedClients])
      p.initialPairingSecret = mask(p.initialPairingSecret);
  }
  return c;
}

function redactHook(h: Hook): void {
  const s = hookSecret(h);
  if (s) s.set(mask(s.get()));
}

/**
 * A copy of `incoming` where every placeholder is replaced by the stored secret of the same object (repo by id,
 * env by key, hook by owner + position + type, user by name, peer by instance id). A placeholder with no stored
 * counterpart is a ValidationError naming the field.
 */
export function restoreRedacted(incoming: Config, stored: Config): Config {
  const c = clone(ConfigSchema, incoming);
  const issues: ValidationIssue[] = [];
  const storedRepos = new Map(stored.repos.map((r) => [r.id, r]));
  c.repos.forEach((repo, i) => {
    const old = storedRepos.get(repo.id);
    if (repo.password === REDACTED) {
      if (old && old.password) repo.password = old.password;
      else
        issues.push({
          path: `repos[${i}].password`,
          message: 'placeholder sent but no stored password exists',
        });
    }
    repo.env = repo.env.map((e, j) => {
      const eq = e.indexOf('=');
      if (eq < 0 || e.slice(eq + 1) !== REDACTED) return e;
      const key = e.slice(0, eq + 1);
      const prev = old?.env.find((o) => o.startsWith(key));
      if (prev) return prev;
      issues.push({
        path: `repos[${i}].env[${j}]`,
        message: `placeholder sent but no stored value for ${key.slice(0, -1)}`,
      });
      return e;
    });
    restoreHooks(repo.hooks, old?.hooks ?? [], `repos[${i}]`, issues);
  });
  const storedPlans = new Map(stored.plans.map((p) => [p.id, p]));
  c.plans.forEach((plan, i) =>
    restoreHooks(plan.hooks, storedPlans.get(plan.id)?.hooks ?? [], `plans[${i}]`, issues),
  );
  const storedUsers = new Map((stored.auth?.users ?? []).map((u) => [u.name, u]));
  c.auth?.users.forEach((u, i) => {
    if (u.password.case !== 'passwordBcrypt' || u.password.value !== REDACTED) return;
    const old = storedUsers.get(u.name);
    if (old?.password.case === 'passwordBcrypt' && old.password.value) u.password.value = old.password.value;
    else
      issues.push({
        path: `auth.users[${i}].passwordBcrypt`,
        message: 'placeholder sent but the user has no stored password',
      });
  });
  restoreMultihost(c, stored, issues);
  if (issues.length) throw new ValidationError(issues);
  return c;
}

function restoreHooks(hooks: Hook[], old: readonly Hook[], owner: string, issues: ValidationIssue[]): void {
  hooks.forEach((h, j) => {
    const s = hookSecret(h);
    if (!s || s.get() !== REDACTED) return;
    const prev = old[j];
    const ps = prev && prev.action.case === h.action.case ? hookSecret(prev) : undefined;
    if (ps && ps.get() !== '') s.set(ps.get());
    else
      issues.push({
        path: `${owner}.hooks[${j}].${s.field}`,
        message: 'placeholder sent but no stored value exists',
      });
  });
}

function restoreMultihost(c: Config, stored: Config, issues: ValidationIssue[]): void {
  const m = c.multihost;
  if (!m) return;
  const sm = stored.multihost;
  if (m.identity?.ed25519priv === REDACTED) {
    if (sm?.identity && sm.identity.keyid === m.identity.keyid)
      m.identity = clone(PrivateKeySchema, sm.identity);
    else
      issues.push({
        path: 'sync.identity.ed25519priv',
        message: 'placeholder sent but the stored identity differs',
      });
  }
  m.pairingTokens.forEach((t, i) => {
    if (t.secret !== REDACTED) return;
    const prev = sm?.pairingTokens.find((o) => o.createdAtUnix === t.createdAtUnix && o.label === t.label);
    if (prev) t.secret = prev.secret;
    else
      issues.push({
        path: `sync.pairingTokens[${i}].secret`,
        message: 'placeholder sent but no stored token matches',
      });
  });
  const storedPeers = new Map(
    [...(sm?.knownHosts ?? []), ...(sm?.authorizedClients ?? [])].map((p) => [p.instanceId, p]),
  );
  const peers = [
    ...m.knownHosts.map((p, i) => ({ p, path: `sync.knownHosts[${i}]` })),
    ...m.authorizedClients.map((p, i) => ({ p, path: `sync.authorizedClients[${i}]` })),
  ];
  for (const { p, path } of peers) {
    if (p.initialPairingSecret !== REDACTED) continue;
    const prev = storedPeers.get(p.instanceId);
    if (prev?.initialPairingSecret) p.initialPairingSecret = prev.initialPairingSecret;
    else
      issues.push({
        path: `${path}.initialPairingSecret`,
        message: 'placeholder sent but no stored secret exists',
      });
  }
}

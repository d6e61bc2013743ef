// Secrets never leave the server: redactConfig masks them ("********", or the masked part of a URI/URL);
// restoreRedacted puts the stored values back when a client returns the masked value (Backrest weakness #4).
import { clone, create } from '@bufbuild/protobuf';
import { ConfigSchema, PrivateKeySchema, type Config, type Hook, type PrivateKey } from '@restora/proto';
import { ValidationError, type ValidationIssue } from '../errors.js';
import type { ServerFeatures } from './features.js';
import { keepsStored, maskEnv, maskSecret, maskUriPassword, maskUrl } from './redact-values.js';
import { REDACTED } from './types.js';

export { isSecretEnv } from './redact-values.js';

/** What the redaction needs to know about the server: command text is a secret only when locked down. */
export type RedactionOptions = Pick<ServerFeatures, 'commandHooks'>;

const mask = maskSecret;

/**
 * How a hook field carries a credential: the whole value (`secret`), a URL whose path or query is the credential
 * (`url`), or a URI with `user:pass@` (`uri`). `sealAlways`: sealed at rest even when no credential is recognised
 * in it (a Discord/Slack webhook or shoutrrr URL is a credential as a whole).
 */
export interface HookSecretField {
  field: string;
  kind: 'secret' | 'url' | 'uri';
  sealAlways?: boolean;
  get(): string;
  set(v: string): void;
}

/** The one table of hook fields holding credentials: redaction masks them, secrets/ seals them. */
export function hookSecretFields(h: Hook): HookSecretField[] {
  const a = h.action;
  switch (a.case) {
    case 'actionWebhook':
    case 'actionHealthchecks':
    case 'actionDiscord':
    case 'actionSlack': {
      const sealAlways = a.case === 'actionDiscord' || a.case === 'actionSlack';
      return [
        {
          field: 'webhookUrl',
          kind: 'url',
          sealAlways,
          get: () => a.value.webhookUrl,
          set: (v) => (a.value.webhookUrl = v),
        },
      ];
    }
    case 'actionShoutrrr':
      return [
        {
          field: 'shoutrrrUrl',
          kind: 'url',
          sealAlways: true,
          get: () => a.value.shoutrrrUrl,
          set: (v) => (a.value.shoutrrrUrl = v),
        },
      ];
    case 'actionGotify':
      return [
        { field: 'baseUrl', kind: 'uri', get: () => a.value.baseUrl, set: (v) => (a.value.baseUrl = v) },
        { field: 'token', kind: 'secret', get: () => a.value.token, set: (v) => (a.value.token = v) },
      ];
    case 'actionTelegram':
      return [
        {
          field: 'botToken',
          kind: 'secret',
          get: () => a.value.botToken,
          set: (v) => (a.value.botToken = v),
        },
      ];
    default:
      return [];
  }
}

const MASK_OF: Record<HookSecretField['kind'], (v: string) => string> = {
  secret: maskSecret,
  url: maskUrl,
  uri: maskUriPassword,
};

/**
 * One secret-bearing field: `key` identifies it across a redact/restore round trip and includes where the
 * secret is sent (URI, base URL), so a placeholder never follows a changed destination.
 */
interface Slot {
  path: string;
  key: string;
  get(): string;
  set(v: string): void;
  mask(v: string): string;
}

function hookSlots(hooks: Hook[], owner: string, ownerPath: string, o: RedactionOptions, out: Slot[]) {
  hooks.forEach((h, j) => {
    const a = h.action;
    const at = `${ownerPath}.hooks[${j}].${a.case ?? ''}`;
    const key = `${owner}.hooks[${j}].${a.case ?? ''}`;
    if (a.case === 'actionCommand' && !o.commandHooks)
      out.push({
        path: `${at}.command`,
        key: `${key}.command`,
        get: () => a.value.command,
        set: (v) => (a.value.command = v),
        mask,
      });
    const fields = hookSecretFields(h);
    // a whole-value secret beside a URI (Gotify's token) belongs to that URI's destination
    const dest = fields.filter((f) => f.kind === 'uri').map((f) => `@${maskUriPassword(f.get())}`)[0] ?? '';
    for (const f of fields)
      out.push({
        path: `${at}.${f.field}`,
        key: `${key}.${f.field}${f.kind === 'secret' ? dest : ''}`,
        get: f.get,
        set: f.set,
        mask: MASK_OF[f.kind],
      });
  });
}

/** Every field of `c` a client must not read, as live accessors (multihost secrets are handled apart). */
function slotsOf(c: Config, o: RedactionOptions): Slot[] {
  const out: Slot[] = [];
  c.repos.forEach((repo, i) => {
    const owner = `repo:${repo.id}`;
    const path = `repos[${i}]`;
    const dest = maskUriPassword(repo.uri);
    out.push({
      path: `${path}.password`,
      key: `${owner}.password`,
      get: () => repo.password,
      set: (v) => (repo.password = v),
      mask,
    });
    out.push({
      path: `${path}.uri`,
      key: `${owner}.uri`,
      get: () => repo.uri,
      set: (v) => (repo.uri = v),
      mask: maskUriPassword,
    });
    repo.env.forEach((e, j) => {
      const eq = e.indexOf('=');
      if (eq < 0) return;
      out.push({
        path: `${path}.env[${j}]`,
        key: `${owner}@${dest}.env:${e.slice(0, eq)}`,
        get: () => repo.env[j] ?? '',
        set: (v) => (repo.env[j] = v),
        mask: maskEnv,
      });
    });
    hookSlots(repo.hooks, owner, path, o, out);
  });
  c.plans.forEach((plan, i) => hookSlots(plan.hooks, `plan:${plan.id}`, `plans[${i}]`, o, out));
  c.auth?.users.forEach((u, i) => {
    const p = u.password;
    if (p.case !== 'passwordBcrypt') return;
    out.push({
      path: `auth.users[${i}].passwordBcrypt`,
      key: `user:${u.name}`,
      get: () => p.value,
      set: (v) => (p.value = v),
      mask,
    });
  });
  return out;
}

const ALL: RedactionOptions = { commandHooks: true };

/** A copy of the config safe to send to a client. */
export function redactConfig(config: Config, options: RedactionOptions = ALL): Config {
  const c = clone(ConfigSchema, config);
  for (const s of slotsOf(c, options)) s.set(s.mask(s.get()));
  const m = c.multihost;
  if (m) {
    // Backrest's SanitizeForNetwork: the identity goes out as its key id only
    if (m.identity) m.identity = create(PrivateKeySchema, { keyid: m.identity.keyid });
    for (const t of m.pairingTokens) t.secret = mask(t.secret);
    for (const p of [...m.knownHosts, ...m.authorizedClients]) {
      p.initialPairingSecret = mask(p.initialPairingSecret);
      p.instanceUrl = maskUriPassword(p.instanceUrl);
    }
  }
  return c;
}

/**
 * A copy of `incoming` where every masked value is replaced by the stored secret of the same object (repo by id,
 * env by key, hook by owner + position + type, user by name, peer by instance id) when the stored value masks to
 * exactly what came back. Any other value carrying the placeholder is a ValidationError naming the field.
 */
export function restoreRedacted(incoming: Config, stored: Config, options: RedactionOptions = ALL): Config {
  const c = clone(ConfigSchema, incoming);
  const issues: ValidationIssue[] = [];
  const old = new Map(slotsOf(clone(ConfigSchema, stored), options).map((s) => [s.key, s]));
  for (const s of slotsOf(c, options)) {
    const v = s.get();
    if (!v.includes(REDACTED)) continue;
    const prev = old.get(s.key);
    if (prev && keepsStored(v, prev.get(), prev.mask)) s.set(prev.get());
    else issues.push({ path: s.path, message: placeholderMessage(prev) });
  }
  restoreMultihost(c, stored, issues);
  if (issues.length) throw new ValidationError(issues);
  return c;
}

const placeholderMessage = (prev: Slot | undefined) =>
  prev
    ? 'placeholder sent but it does not match the stored value (send the secret again after changing its destination)'
    : 'placeholder sent but no stored value exists';

function restoreMultihost(c: Config, stored: Config, issues: ValidationIssue[]): void {
  const m = c.multihost;
  if (!m) return;
  const sm = stored.multihost;
  if (m.identity) {
    const problem = mergeIdentity(m.identity, sm?.identity);
    if (problem) issues.push(problem);
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
    const prev = storedPeers.get(p.instanceId);
    if (p.instanceUrl.includes(REDACTED)) {
      if (prev && keepsStored(p.instanceUrl, prev.instanceUrl, maskUriPassword))
        p.instanceUrl = prev.instanceUrl;
      else issues.push({ path: `${path}.instanceUrl`, message: placeholderMessage(undefined) });
    }
    if (p.initialPairingSecret !== REDACTED) continue;
    if (prev?.initialPairingSecret) p.initialPairingSecret = prev.initialPairingSecret;
    else
      issues.push({
        path: `${path}.initialPairingSecret`,
        message: 'placeholder sent but no stored secret exists',
      });
  }
}

/**
 * Backrest's RehydrateNetworkSanitizedConfig for the identity: a sent identity without its private key (the
 * Settings dialog sends `{keyId}` only, older clients the placeholder) is the stored one, the fields sent on top.
 * A key id other than the stored one, without a key to go with it, is refused rather than left unusable.
 */
function mergeIdentity(sent: PrivateKey, stored: PrivateKey | undefined): ValidationIssue | undefined {
  if (sent.ed25519priv !== '' && sent.ed25519priv !== REDACTED) return undefined;
  if (!stored)
    return { path: 'sync.identity.ed25519priv', message: 'no private key sent and none is stored' };
  if (sent.keyid !== '' && sent.keyid !== stored.keyid)
    return {
      path: 'sync.identity.keyId',
      message: `differs from the stored identity (${stored.keyid}); send the full key (ed25519priv) to replace it`,
    };
  if (sent.ed25519pub !== '' && sent.ed25519pub !== stored.ed25519pub)
    return { path: 'sync.identity.ed25519pub', message: 'differs from the stored identity' };
  Object.assign(sent, clone(PrivateKeySchema, stored));
  return undefined;
}

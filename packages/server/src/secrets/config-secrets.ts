// Which config.json fields hold secrets, and sealing / opening them. The in-memory Config keeps plaintext;
// only the persisted form is sealed.
import { clone } from '@bufbuild/protobuf';
import { ConfigSchema, type Config, type Hook } from '@restora/proto';
import { hookSecretFields, isSecretEnv } from '../config/redact.js';
import { maskUriPassword, maskUrl } from '../config/redact-values.js';
import type { ValidationIssue } from '../errors.js';
import { isSealed, SealedValueError, type SecretBox } from './box.js';
import { isFileReference } from './references.js';

interface Slot {
  /** e.g. `repos[0].password (repo "b2")` */
  path: string;
  get(): string;
  set(v: string): void;
}

/** A URL or URI holding a credential (a token in the path or query, `user:pass@`), as the redaction sees it. */
const urlHasCredential = (v: string) => isSealed(v) || (v !== '' && maskUrl(v) !== v);
const uriHasPassword = (v: string) => isSealed(v) || maskUriPassword(v) !== v;

function hookSlots(hooks: Hook[], owner: string, slots: Slot[]): void {
  hooks.forEach((h, j) => {
    for (const f of hookSecretFields(h)) {
      const v = f.get();
      // whole secrets and the URLs that are credentials as a whole always; other URLs when one is seen in them
      const carries =
        f.kind === 'secret' || f.sealAlways || (f.kind === 'url' ? urlHasCredential(v) : uriHasPassword(v));
      if (carries)
        slots.push({ path: `${owner}.hooks[${j}].${h.action.case}.${f.field}`, get: f.get, set: f.set });
    }
  });
}

/** Every secret-bearing field of `c`, as live accessors. Env entries count when their key names a secret. */
function secretSlots(c: Config): Slot[] {
  const slots: Slot[] = [];
  c.repos.forEach((repo, i) => {
    const who = ` (repo "${repo.id}")`;
    slots.push({
      path: `repos[${i}].password${who}`,
      get: () => repo.password,
      set: (v) => (repo.password = v),
    });
    if (uriHasPassword(repo.uri))
      slots.push({ path: `repos[${i}].uri${who}`, get: () => repo.uri, set: (v) => (repo.uri = v) });
    repo.env.forEach((e, j) => {
      const eq = e.indexOf('=');
      if (eq < 0 || !(isSecretEnv(e) || isSealed(e.slice(eq + 1)))) return;
      const key = e.slice(0, eq);
      slots.push({
        path: `repos[${i}].env[${j}] ${key}${who}`,
        get: () => (repo.env[j] ?? '').slice(eq + 1),
        set: (v) => (repo.env[j] = `${key}=${v}`),
      });
    });
    hookSlots(repo.hooks, `repos[${i}]`, slots);
  });
  c.plans.forEach((plan, i) => hookSlots(plan.hooks, `plans[${i}]`, slots));
  const m = c.multihost;
  if (m) {
    const id = m.identity;
    if (id)
      slots.push({
        path: 'sync.identity.ed25519priv',
        get: () => id.ed25519priv,
        set: (v) => (id.ed25519priv = v),
      });
    m.pairingTokens.forEach((t, i) =>
      slots.push({
        path: `sync.pairingTokens[${i}].secret`,
        get: () => t.secret,
        set: (v) => (t.secret = v),
      }),
    );
    const peers = [
      ...m.knownHosts.map((p, i) => ({ p, path: `sync.knownHosts[${i}]` })),
      ...m.authorizedClients.map((p, i) => ({ p, path: `sync.authorizedClients[${i}]` })),
    ];
    for (const { p, path } of peers)
      slots.push({
        path: `${path}.initialPairingSecret`,
        get: () => p.initialPairingSecret,
        set: (v) => (p.initialPairingSecret = v),
      });
  }
  return slots;
}

/**
 * Sealed form last written or read per field (path → plaintext and sealed value): an unchanged secret keeps its
 * ciphertext from one save to the next, so config.json only changes where the config did.
 */
export type SealMemo = Map<string, { plain: string; sealed: string }>;

/**
 * A copy of `config` with every secret sealed; empty values and `${file:...}` references stay as they are.
 * An in-memory value that merely looks sealed is sealed again (so it loads back unchanged), unless
 * `keepSealed` (re-sealing a file that is already partly sealed, e.g. an old backup).
 */
export function sealConfig(
  config: Config,
  box: SecretBox,
  options: { keepSealed?: boolean; memo?: SealMemo } = {},
): Config {
  const c = clone(ConfigSchema, config);
  const { keepSealed = false, memo } = options;
  const next: SealMemo = new Map();
  for (const s of secretSlots(c)) {
    const v = s.get();
    if (v === '' || isFileReference(v) || (keepSealed && isSealed(v))) continue;
    const known = memo?.get(s.path);
    const sealed = known && known.plain === v ? known.sealed : box.seal(v);
    next.set(s.path, { plain: v, sealed });
    s.set(sealed);
  }
  if (memo) {
    memo.clear();
    for (const [k, v] of next) memo.set(k, v);
  }
  return c;
}

/** True when some secret of `config` is stored in plaintext (a legacy file, or one not yet sealed). */
export function hasPlaintextSecrets(config: Config): boolean {
  return secretSlots(config).some((s) => {
    const v = s.get();
    return v !== '' && !isSealed(v) && !isFileReference(v);
  });
}

/**
 * Opens, in place, every sealed secret of a loaded config; plaintext (legacy) values are kept. Returns one issue per
 * value that cannot be opened (wrong key, altered, or no key at all), naming the field.
 */
export function openConfig(config: Config, box: SecretBox | undefined, memo?: SealMemo): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  for (const s of secretSlots(config)) {
    const v = s.get();
    if (!isSealed(v)) continue;
    if (!box) {
      issues.push({ path: s.path, message: 'sealed, but no secret key is configured' });
      continue;
    }
    try {
      const plain = box.open(v);
      memo?.set(s.path, { plain, sealed: v });
      s.set(plain);
    } catch (e) {
      if (!(e instanceof SealedValueError)) throw e;
      issues.push({ path: s.path, message: e.message });
    }
  }
  return issues;
}

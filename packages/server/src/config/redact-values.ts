// How one secret-bearing value is masked for a client; shared by the Connect config and the Zerobyte DTOs.
import { REDACTED } from './types.js';
import { isFileReference } from '../secrets/references.js';

/** Env keys whose values are secrets (AWS_SECRET_ACCESS_KEY, B2_ACCOUNT_KEY, RESTIC_PASSWORD, *_TOKEN...). */
const SECRET_ENV_KEY = /PASS|SECRET|KEY|TOKEN|CREDENTIAL|AUTH|PRIVATE/i;
/** A value that only references the server's environment (`${VAR}` / `$VAR`) is not itself a secret. */
const ENV_REFERENCE = /^\$(\{[A-Za-z_][A-Za-z0-9_]*\}|[A-Za-z_][A-Za-z0-9_]*)$/;

export function isSecretEnv(entry: string): boolean {
  const eq = entry.indexOf('=');
  if (eq < 0) return false;
  const value = entry.slice(eq + 1);
  return (
    SECRET_ENV_KEY.test(entry.slice(0, eq)) &&
    value !== '' &&
    !ENV_REFERENCE.test(value) &&
    !isFileReference(value)
  );
}

/** A whole-value secret: empty stays empty (the client sees that none is set); a `${file:}` reference is no secret. */
export const maskSecret = (v: string): string => (v === '' || isFileReference(v) ? v : REDACTED);

export const maskEnv = (e: string): string =>
  isSecretEnv(e) ? `${e.slice(0, e.indexOf('='))}=${REDACTED}` : e;

/**
 * The password of any `scheme://user:pass@host` inside a value (restic URIs such as `rest:https://u:p@h/`,
 * `s3:https://...`, `sftp://`), masked as `user:********@host`; the rest of the URI stays readable.
 */
export function maskUriPassword(uri: string): string {
  let out = '';
  let from = 0;
  for (let s = uri.indexOf('//'); s >= 0; s = uri.indexOf('//', from)) {
    const a = s + 2;
    const rel = uri.slice(a).search(/[/?#\s]/);
    const end = rel < 0 ? uri.length : a + rel;
    const at = uri.lastIndexOf('@', end - 1);
    const colon = uri.indexOf(':', a);
    if (at >= a && colon >= 0 && colon + 1 < at) {
      out += uri.slice(from, colon + 1) + REDACTED;
      from = at;
    } else {
      out += uri.slice(from, end);
      from = end;
    }
    if (from >= uri.length) break;
  }
  return out + uri.slice(from);
}

/**
 * A URL whose path, query or user info is the credential (Discord/Slack/Healthchecks webhooks, generic webhooks
 * with tokens): only `scheme://host[:port]/` stays readable. Unparseable or non-http URLs (shoutrrr's
 * `telegram://token@telegram`, `pushover://x:token@userKey`) keep only their scheme.
 */
export function maskUrl(url: string): string {
  if (url === '') return '';
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(url)?.[1]?.toLowerCase();
  if (scheme !== 'http' && scheme !== 'https') return scheme ? `${scheme}://${REDACTED}` : REDACTED;
  try {
    const u = new URL(url);
    const plain = !u.username && !u.password && (u.pathname === '/' || u.pathname === '') && !u.search;
    return plain && !u.hash ? url : `${u.protocol}//${u.host}/${REDACTED}`;
  } catch {
    return REDACTED;
  }
}

/** True when `incoming` asks to keep `stored`: the bare placeholder, or exactly the masked form of it. */
export function keepsStored(incoming: string, stored: string, mask: (v: string) => string): boolean {
  if (!incoming.includes(REDACTED)) return false;
  return stored !== '' && (incoming === REDACTED || incoming === mask(stored));
}

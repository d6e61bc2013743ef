// Pairing tokens `<keyid>:<secret>#<instanceid>` (split on the last `#`, then the first `:`) and the host-side check
// of a secret presented in a handshake: known, not expired, uses left.
import type { Multihost_PairingToken } from '@restora/proto';

export interface ParsedPairingToken {
  keyid: string;
  secret: string;
  instanceId: string;
}

export function parsePairingToken(token: string): ParsedPairingToken {
  const hash = token.lastIndexOf('#');
  if (hash < 0) throw new Error("invalid pairing token: missing '#' separator");
  const rest = token.slice(0, hash);
  const colon = rest.indexOf(':');
  if (colon < 0) throw new Error("invalid pairing token: missing ':' separator");
  const parsed = {
    keyid: rest.slice(0, colon),
    secret: rest.slice(colon + 1),
    instanceId: token.slice(hash + 1),
  };
  if (!parsed.keyid) throw new Error('invalid pairing token: empty key ID');
  if (!parsed.secret) throw new Error('invalid pairing token: empty secret');
  if (!parsed.instanceId) throw new Error('invalid pairing token: empty instance ID');
  return parsed;
}

/** The token the secret belongs to, or an error a person can act on. */
export function validatePairingSecret(
  secret: string,
  tokens: readonly Multihost_PairingToken[],
  nowMs: number,
): Multihost_PairingToken {
  if (!secret) throw new Error('this client is not authorized on the host and presented no pairing secret');
  const token = tokens.find((t) => t.secret === secret);
  if (!token)
    throw new Error('the pairing token is unknown to the host (already used up, revoked, or mistyped)');
  if (token.expiresAtUnix > 0n && BigInt(Math.floor(nowMs / 1000)) > token.expiresAtUnix)
    throw new Error(`pairing token ${JSON.stringify(token.label)} has expired`);
  if (token.maxUses > 0 && token.uses >= token.maxUses)
    throw new Error(
      `pairing token ${JSON.stringify(token.label)} has reached its maximum number of uses (${token.maxUses})`,
    );
  return token;
}

// GetConfig / SetConfig / GeneratePairingToken: secrets redacted on the way out, kept when the placeholder returns.
import crypto from 'node:crypto';
import { create } from '@bufbuild/protobuf';
import { Multihost_PairingTokenSchema, type Config, type Multihost_Permission } from '@restora/proto';
import { redactConfig, restoreRedacted, type RedactionOptions } from '../config/redact.js';
import type { ConfigStore } from '../config/types.js';
import { FailedPreconditionError, PermissionDeniedError } from '../errors.js';

export interface PairingTokenRequest {
  label: string;
  ttlSeconds: bigint;
  maxUses: number;
  permissions: Multihost_Permission[];
}

export class ConfigService {
  constructor(
    private readonly store: ConfigStore,
    private readonly now: () => number = Date.now,
    /** Locked-down servers also hide command-hook text. */
    private readonly redaction: RedactionOptions = { commandHooks: true },
  ) {}

  get(): Config {
    return redactConfig(this.store.get(), this.redaction);
  }

  /** SetConfig. `firstRun`: unauthenticated setup call, allowed only to add the first user(s). */
  async set(incoming: Config, options: { firstRun?: boolean } = {}): Promise<Config> {
    const saved = await this.store.update(
      (stored) => {
        if (options.firstRun) assertFirstUser(stored, incoming);
        return restoreRedacted(incoming, stored, this.redaction);
      },
      { expectModno: incoming.modno },
    );
    return redactConfig(saved, this.redaction);
  }

  async generatePairingToken(req: PairingTokenRequest): Promise<string> {
    const secret = crypto.randomBytes(32).toString('hex');
    let token = '';
    await this.store.update((draft) => {
      const identity = draft.multihost?.identity;
      if (!draft.instance) throw new FailedPreconditionError('instance ID is not set in the config');
      if (!identity?.keyid || !draft.multihost) throw new FailedPreconditionError('no multihost identity');
      const nowSec = BigInt(Math.floor(this.now() / 1000));
      draft.multihost.pairingTokens.push(
        create(Multihost_PairingTokenSchema, {
          secret,
          label: req.label,
          createdAtUnix: nowSec,
          expiresAtUnix: req.ttlSeconds > 0n ? nowSec + req.ttlSeconds : 0n,
          maxUses: req.maxUses,
          permissions: req.permissions,
        }),
      );
      token = `${identity.keyid}:${secret}#${draft.instance}`;
    });
    return token;
  }
}

function assertFirstUser(stored: Config, incoming: Config): void {
  if ((stored.auth?.users.length ?? 0) > 0 || stored.auth?.disabled)
    throw new PermissionDeniedError('authentication is already configured; log in first');
  const auth = incoming.auth;
  if (!auth || auth.disabled || auth.users.length === 0)
    throw new PermissionDeniedError(
      'first run: the config must add at least one user (auth.users); disabling authentication is only possible by editing the config file',
    );
}

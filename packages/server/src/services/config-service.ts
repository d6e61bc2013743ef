// GetConfig / SetConfig / GeneratePairingToken: secrets redacted on the way out, kept when the placeholder returns.
import crypto from 'node:crypto';
import { create } from '@bufbuild/protobuf';
import { Multihost_PairingTokenSchema, type Config, type Multihost_Permission } from '@restora/proto';
import { redactConfig, restoreRedacted, type RedactionOptions } from '../config/redact.js';
import type { ConfigStore } from '../config/types.js';
import { FailedPreconditionError, PermissionDeniedError } from '../errors.js';
import { assertSharedReposUnchanged } from '../sync/shared-repos.js';

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
    /** Where a choice that weakens the install is reported (auth disabled). */
    private readonly warn: (msg: string) => void = () => undefined,
  ) {}

  get(): Config {
    return redactConfig(this.store.get(), this.redaction);
  }

  /**
   * SetConfig. `firstRun`: unauthenticated setup call, allowed only to add the first user(s) or to disable
   * authentication explicitly (Backrest's first-run dialog offers both).
   */
  async set(incoming: Config, options: { firstRun?: boolean } = {}): Promise<Config> {
    let wasDisabled = false;
    const saved = await this.store.update(
      (stored) => {
        if (options.firstRun) assertFirstRunChoice(stored, incoming);
        wasDisabled = stored.auth?.disabled === true;
        const next = restoreRedacted(incoming, stored, this.redaction);
        assertSharedReposUnchanged(stored, next);
        return next;
      },
      { expectModno: incoming.modno },
    );
    if (saved.auth?.disabled && !wasDisabled)
      this.warn(
        `authentication disabled by SetConfig${options.firstRun ? ' during first-run setup' : ''} (auth.disabled: true): anyone who reaches the port can use every API`,
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

function assertFirstRunChoice(stored: Config, incoming: Config): void {
  if ((stored.auth?.users.length ?? 0) > 0 || stored.auth?.disabled)
    throw new PermissionDeniedError('authentication is already configured; log in first');
  const auth = incoming.auth;
  if (!auth || (!auth.disabled && auth.users.length === 0))
    throw new PermissionDeniedError(
      'first run: the config must add at least one user (auth.users) or disable authentication explicitly (auth.disabled: true)',
    );
}

// Builders for the plain (pre-encryption) SyncStreamItems both sides send, and the read-only config a peer may see.
import { create, type MessageInitShape } from '@bufbuild/protobuf';
import {
  PeerGrantsSchema,
  RemoteConfigSchema,
  SyncStreamItemSchema,
  type Config,
  type RemoteConfig,
  type SyncExtensionSchema,
  type SyncStreamItem,
} from '@restora/proto';
import { protocolError } from './errors.js';
import { CAN_VIEW_CONFIG, CAN_VIEW_RESOURCES, parseScopes, type PermissionSet } from './permissions.js';

type Action = MessageInitShape<typeof SyncStreamItemSchema>['action'];
type Extension = MessageInitShape<typeof SyncExtensionSchema>['action'];

export const item = (action: Action): SyncStreamItem => create(SyncStreamItemSchema, { action });

/** An item carrying only a Restora extension (no Backrest action): sent to Restora peers alone. */
export const extensionItem = (action: Extension): SyncStreamItem =>
  create(SyncStreamItemSchema, { restora: { action } });

/**
 * ReceiveConfig (repos and plans the peer may view, with what we granted it: Restora's extension) and
 * ReceiveResources (ids it may see), in Backrest's order.
 */
export function configItems(
  config: Config,
  perms: PermissionSet,
  resourcesBy = CAN_VIEW_CONFIG,
): SyncStreamItem[] {
  const repos = config.repos.filter((r) => perms.forRepo(r.id, CAN_VIEW_CONFIG));
  const plans = config.plans.filter((p) => perms.forPlan(p.id, CAN_VIEW_CONFIG));
  const resRepos = config.repos.filter((r) => perms.forRepo(r.id, resourcesBy));
  const resPlans = config.plans.filter((p) => perms.forPlan(p.id, resourcesBy));
  return [
    item({
      case: 'receiveConfig',
      value: {
        config: create(RemoteConfigSchema, {
          modno: config.modno,
          version: config.version,
          repos,
          plans,
          restoraGrants: create(PeerGrantsSchema, { permissions: [...perms.granted] }),
        }),
      },
    }),
    item({
      case: 'receiveResources',
      value: {
        repos: resRepos.map((r) => ({ id: r.id, guid: r.guid })),
        plans: resPlans.map((p) => ({ id: p.id })),
      },
    }),
  ];
}

/** A peer's RemoteConfig with its Restora grants checked: a scope that does not parse ends the link, not a page. */
export function receivedConfig(cfg: RemoteConfig | undefined): RemoteConfig | undefined {
  try {
    for (const p of cfg?.restoraGrants?.permissions ?? []) parseScopes(p.scopes);
  } catch (e) {
    throw protocolError(`the peer's grants do not parse: ${(e as Error).message}`);
  }
  return cfg;
}

export { CAN_VIEW_RESOURCES };

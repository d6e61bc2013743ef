// The in-memory config used when config.json does not exist yet (written on the first update).
import { create } from '@bufbuild/protobuf';
import { ConfigSchema, MultihostSchema, type Config } from '@restora/proto';
import { generateIdentity } from './identity.js';
import { CURRENT_CONFIG_VERSION } from './types.js';

/**
 * Version 6, no repos or plans, a fresh identity. Unlike Backrest (auth disabled on first boot), `auth` is left
 * unset, which means "required": the API layer asks for the first user before anything else.
 */
export function defaultConfig(): Config {
  return create(ConfigSchema, {
    version: CURRENT_CONFIG_VERSION,
    multihost: create(MultihostSchema, { identity: generateIdentity() }),
  });
}

// Public surface of the secrets layer: the sealing key, sealed values, config sealing and file references.
export {
  loadSecretKey,
  loadOrCreateKeyFile,
  parseKeyMaterial,
  takeKeySource,
  keyIdOf,
  SecretKeyError,
  KEY_ENV,
  KEY_FILE_ENV,
  KEY_FILE_NAME,
} from './key.js';
export type { SecretKey, SecretKeySource } from './key.js';
export { SecretBox, SealedValueError, isSealed, sealedKeyId, SEALED_PREFIX } from './box.js';
export { sealConfig, openConfig, hasPlaintextSecrets } from './config-secrets.js';
export { fileReferencePath, isFileReference, readFileReference } from './references.js';
export { resolveRepoSecrets } from './repo-secrets.js';

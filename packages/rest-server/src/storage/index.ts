export type { FileRef, FileType, ListEntry, ObjectReader, Store, WriteOptions } from './types.js';
export {
  ExistsError,
  HashMismatchError,
  IncompleteBodyError,
  NoSpaceError,
  RepoMissingError,
} from './errors.js';
export { FsStore } from './fs-store.js';
export type { FsStoreOptions } from './fs-store.js';
export { MemoryStore } from './memory-store.js';
export type { MemoryStoreOptions } from './memory-store.js';
export { S3Error, S3Store } from './s3-store.js';
export type { S3StoreOptions } from './s3-store.js';

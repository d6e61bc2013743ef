// Public API: every generated schema, enum and service descriptor, flat (no names collide across files), and the
// OpSelector semantics and multihost permission rules the server and the web UI share.
export * from './gen/types/value_pb.js';
export * from './gen/v1/authentication_pb.js';
export * from './gen/v1/config_pb.js';
export * from './gen/v1/crypto_pb.js';
export * from './gen/v1/operations_pb.js';
export * from './gen/v1/restic_pb.js';
export * from './gen/v1/service_pb.js';
export * from './gen/restora/v1/snapshot_index_pb.js';
export * from './gen/restora/v1/sync_extensions_pb.js';
export * from './gen/v1sync/syncservice_pb.js';
export * from './multihost-permissions.js';
export * from './op-selector.js';
export * from './op-status.js';

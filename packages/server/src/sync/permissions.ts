// Multihost permissions: defined once in @restora/proto (the web UI shows what a peer may do with the same rules).
export {
  CAN_READ_OPERATIONS,
  CAN_RECEIVE_SHARED_REPOS,
  CAN_VIEW_CONFIG,
  CAN_VIEW_RESOURCES,
  CAN_WRITE_CONFIG,
  parseScopes,
  PermissionSet,
} from '@restora/proto';

// The Connect half of the route table: every RPC needs a signed-in user unless listed here.
import type { DescMethod } from '@bufbuild/protobuf';
import type { Access } from '../../auth/route-access.js';

const NOT_USER: Record<string, Access> = {
  'v1.Authentication/Login': 'open',
  // Backrest's first run: the UI hashes the first user's password and saves the config with it.
  'v1.Authentication/HashPassword': 'setup',
  'v1.Backrest/GetConfig': 'setup',
  'v1.Backrest/SetConfig': 'setup',
  // its first-run screen polls these behind the setup dialog: answered empty until a user exists (no data shown)
  'v1.Backrest/GetSummaryDashboard': 'setup',
  'v1.Backrest/GetOperationEvents': 'setup',
  // multihost peers authenticate inside the stream (signed handshake over an encrypted channel), like Backrest
  'v1sync.BackrestSyncService/Sync': 'open',
};

export const connectAccess = (m: DescMethod): Access => NOT_USER[`${m.parent.typeName}/${m.name}`] ?? 'user';

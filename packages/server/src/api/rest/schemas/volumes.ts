// Zerobyte's volume shapes (packages/contracts/src/volumes.ts): configs per backend, the volume and its answers.
import { z } from 'zod';

const port = (def: number) =>
  z
    .union([z.string(), z.number()])
    .transform((v) => (typeof v === 'string' ? Number.parseInt(v, 10) : v))
    .pipe(z.number().int().min(1).max(65535))
    .default(def);
const str = z.string().min(1);

// strict: a field we do not know is a 400 naming it, never silently dropped
export const VolumeConfig = z.discriminatedUnion('backend', [
  z.strictObject({
    backend: z.literal('nfs'),
    server: str,
    exportPath: str,
    port: port(2049),
    version: z.enum(['3', '4', '4.1']),
    readOnly: z.boolean().optional(),
  }),
  z.strictObject({
    backend: z.literal('smb'),
    server: str,
    share: str,
    username: z.string().optional(),
    password: z.string().optional(),
    guest: z.boolean().optional(),
    mapToContainerUidGid: z.boolean().default(false),
    vers: z.enum(['1.0', '2.0', '2.1', '3.0', 'auto']).default('auto'),
    domain: z.string().optional(),
    port: port(445),
    readOnly: z.boolean().optional(),
  }),
  z.strictObject({
    backend: z.literal('webdav'),
    server: str,
    path: str,
    username: z.string().optional(),
    password: z.string().optional(),
    port: port(80),
    readOnly: z.boolean().optional(),
    ssl: z.boolean().optional(),
  }),
  z.strictObject({ backend: z.literal('directory'), path: str, readOnly: z.literal(false).optional() }),
  z.strictObject({ backend: z.literal('rclone'), remote: str, path: str, readOnly: z.boolean().optional() }),
  z.strictObject({
    backend: z.literal('sftp'),
    host: str,
    port: port(22),
    username: str,
    password: z.string().optional(),
    privateKey: z.string().optional(),
    path: str,
    readOnly: z.boolean().optional(),
    skipHostKeyCheck: z.boolean().default(false),
    knownHosts: z.string().optional(),
    allowLegacySshRsa: z.boolean().default(false),
    allowUnsafeSymlinkTargets: z.boolean().default(false),
  }),
]);

const Status = z.enum(['mounted', 'unmounted', 'error']);

export const Volume = z.object({
  id: z.number(),
  shortId: z.string(),
  name: z.string(),
  config: z.record(z.string(), z.unknown()),
  createdAt: z.number(),
  updatedAt: z.number(),
  lastHealthCheck: z.number(),
  type: z.string(),
  status: Status,
  lastError: z.string().nullable(),
  provisioningId: z.string().nullable().optional(),
  autoRemount: z.boolean(),
});
export const VolumeWithPath = Volume.extend({ path: z.string() });

export const CreateVolumeBody = z.object({ name: z.string().min(1).max(128), config: VolumeConfig });
export const UpdateVolumeBody = z.object({
  name: z.string().min(1).max(128).optional(),
  autoRemount: z.boolean().optional(),
  config: VolumeConfig.optional(),
});
export const TestConnectionBody = z.object({ config: VolumeConfig });
export const TestConnectionResult = z.object({ success: z.boolean(), message: z.string() });
export const OperationResult = z.object({ status: Status, error: z.string().optional() });
export const VolumeDetails = z.object({
  volume: VolumeWithPath,
  statfs: z.object({ total: z.number(), used: z.number(), free: z.number() }),
});
export const FilesQuery = z.object({
  path: z.string().optional(),
  offset: z.coerce.number().int().min(0).default(0),
  limit: z.coerce.number().int().min(1).max(1000).default(500),
});
export const VolumeFiles = z.object({
  files: z.array(
    z.object({
      name: z.string(),
      path: z.string(),
      type: z.enum(['directory', 'file']),
      size: z.number().optional(),
      modifiedAt: z.number().optional(),
    }),
  ),
  path: z.string(),
  offset: z.number(),
  limit: z.number(),
  total: z.number(),
  hasMore: z.boolean(),
});
export const BrowseResult = z.object({
  directories: z.array(z.object({ name: z.string(), path: z.string() })),
  path: z.string(),
});

// Repository DTOs and backend configs (Zerobyte §4.1/§4.2); `type` is accepted as an alias of `backend` (seed 002).
import { z } from 'zod';
import { RepositoryConfig, RepositoryConfigPatch } from '../../../services/zerobyte/repository-config.js';
import { CompressionMode } from './common.js';

// backend configs and the Repository DTO are what the service validates and returns: defined beside it
export {
  AzureConfig,
  BackendType,
  GcsConfig,
  LocalConfig,
  R2Config,
  RcloneConfig,
  Repository,
  RepositoryConfig,
  RepositoryConfigPatch,
  RestConfig,
  S3Config,
  SftpConfig,
} from '../../../services/zerobyte/repository-config.js';

export const CreateRepositoryBody = z.object({
  name: z.string().trim().min(1).max(128),
  compressionMode: CompressionMode.optional(),
  config: RepositoryConfig,
});

export const UpdateRepositoryBody = z
  .object({
    name: z.string().trim().min(1, 'must not be empty').max(128).optional(),
    compressionMode: CompressionMode.nullable().optional(),
    config: RepositoryConfigPatch.optional(),
  })
  .strict();

export const CreatedRepository = z.object({
  message: z.string(),
  repository: z.object({ id: z.string(), shortId: z.string(), name: z.string() }),
});

export const RepositoryStats = z
  .object({
    total_size: z.number(),
    total_uncompressed_size: z.number(),
    compression_ratio: z.number(),
    compression_progress: z.number(),
    compression_space_saving: z.number(),
    total_blob_count: z.number(),
    total_file_count: z.number(),
    snapshots_count: z.number(),
  })
  .partial()
  .loose();

export const RcloneRemote = z.object({ name: z.string(), type: z.string() });
export const UnlockResult = z.object({ success: z.boolean(), message: z.string() });
export const DoctorStarted = z.object({
  taskId: z.string(),
  status: z.literal('started'),
  message: z.string(),
  repositoryId: z.string(),
});

// Zerobyte backend configs (§4.2) and the Repository DTO (§4.1): what RepositoryService validates and returns;
// the REST schemas re-export them. `type` is accepted as an alias of `backend` (seed 002).
import { z } from 'zod';
import { CompressionMode, line, text, Timestamp } from './zod-fields.js';

/** Longer URLs than this are not restic REST servers. */
const MAX_URL = 4096;

const Limit = z.object({
  enabled: z.boolean().default(false),
  value: z.number().positive().default(1),
  unit: z.enum(['Kbps', 'Mbps', 'Gbps']).default('Mbps'),
});

const common = {
  isExistingRepository: z.boolean().optional(),
  customPassword: line().min(1).optional(),
  cacert: text().optional(),
  insecureTls: z.boolean().optional(),
  uploadLimit: Limit.optional(),
  downloadLimit: Limit.optional(),
};

const s3Fields = {
  endpoint: line().min(1).default('s3.amazonaws.com'),
  bucket: line().min(1),
  region: line().optional(),
  accessKeyId: line().min(1),
  secretAccessKey: line().min(1),
};

export const LocalConfig = z.object({ backend: z.literal('local'), path: z.string().min(1), ...common });
export const S3Config = z.object({ backend: z.literal('s3'), ...s3Fields, ...common });
export const R2Config = z.object({ backend: z.literal('r2'), ...s3Fields, ...common });
export const GcsConfig = z.object({
  backend: z.literal('gcs'),
  bucket: line().min(1),
  projectId: line().min(1),
  credentialsJson: text().min(1),
  ...common,
});
export const AzureConfig = z.object({
  backend: z.literal('azure'),
  container: line().min(1),
  accountName: line().min(1),
  accountKey: line().min(1),
  endpointSuffix: line().optional(),
  ...common,
});
export const RcloneConfig = z.object({
  backend: z.literal('rclone'),
  remote: line().min(1),
  path: line().default(''),
  ...common,
});
export const RestConfig = z.object({
  backend: z.literal('rest'),
  url: z.url().max(MAX_URL),
  username: line().optional(),
  password: line().optional(),
  path: line().optional(),
  ...common,
});
export const SftpConfig = z.object({
  backend: z.literal('sftp'),
  host: line().min(1),
  port: z.coerce.number().int().min(1).max(65535).default(22),
  user: line().min(1),
  path: line().min(1),
  privateKey: text().min(1),
  skipHostKeyCheck: z.boolean().default(false),
  knownHosts: text().optional(),
  allowLegacySshRsa: z.boolean().default(false),
  ...common,
});

const BACKENDS = ['local', 's3', 'r2', 'gcs', 'azure', 'rclone', 'rest', 'sftp'] as const;
export const BackendType = z.enum(BACKENDS);

/** Seed 002 spells the discriminator `type` and the GCS key `credentials`; Zerobyte spells them `backend`/`credentialsJson`. */
function normalize(v: unknown): unknown {
  if (!v || typeof v !== 'object' || Array.isArray(v)) return v;
  const o = { ...(v as Record<string, unknown>) };
  if (o.backend === undefined && typeof o.type === 'string') o.backend = o.type;
  delete o.type;
  if (o.backend === 'gcs' && o.credentialsJson === undefined && o.credentials !== undefined) {
    o.credentialsJson = typeof o.credentials === 'string' ? o.credentials : JSON.stringify(o.credentials);
    delete o.credentials;
  }
  return o;
}

export const RepositoryConfig = z.preprocess(
  normalize,
  z.discriminatedUnion('backend', [
    LocalConfig,
    S3Config,
    R2Config,
    GcsConfig,
    AzureConfig,
    RcloneConfig,
    RestConfig,
    SftpConfig,
  ]),
);
export type RepositoryConfig = z.infer<typeof RepositoryConfig>;

/** PATCH: any subset of the fields; merged over the stored config, then validated as a whole. */
export const RepositoryConfigPatch = z.preprocess(normalize, z.record(z.string(), z.unknown()));

export const Repository = z.object({
  id: z.string(),
  shortId: z.string(),
  provisioningId: z.string().nullable(),
  name: z.string(),
  type: BackendType,
  config: z.record(z.string(), z.unknown()),
  compressionMode: CompressionMode.nullable(),
  status: z.enum(['healthy', 'error', 'unknown', 'doctor', 'cancelled']).nullable(),
  lastChecked: Timestamp.nullable(),
  lastError: z.string().nullable(),
  doctorResult: z
    .object({
      success: z.boolean(),
      steps: z.array(
        z.object({
          step: z.string(),
          success: z.boolean(),
          output: z.string().nullable(),
          error: z.string().nullable(),
        }),
      ),
      completedAt: Timestamp,
    })
    .nullable(),
  createdAt: Timestamp,
  updatedAt: Timestamp,
  /** Restora: the config repo this repository is. */
  repoId: z.string(),
});
export type Repository = z.infer<typeof Repository>;

// Per-backend repository forms: the fields a user fills, how they become a restic repository string,
// and which environment variables the backend reads.
export type BackendId = 'local' | 's3' | 'b2' | 'azure' | 'gcs' | 'sftp' | 'rest' | 'rclone';

export type Backend = {
  id: BackendId;
  label: string;
  fields: { key: string; label: string; placeholder: string }[];
  env: string[];
  build(v: Record<string, string>): string;
  parse(uri: string): Record<string, string> | null;
};

const strip = (s: string) => s.replace(/^\/+/, '');

export const BACKENDS: Backend[] = [
  {
    id: 'local',
    label: 'Local path',
    fields: [{ key: 'path', label: 'Path', placeholder: '/mnt/backups/repo' }],
    env: [],
    build: (v) => v.path ?? '',
    parse: (u) => (u.startsWith('/') || /^[A-Za-z]:[\\/]/.test(u) ? { path: u } : null),
  },
  {
    id: 's3',
    label: 'S3 / S3-compatible',
    fields: [
      { key: 'endpoint', label: 'Endpoint', placeholder: 's3.amazonaws.com' },
      { key: 'bucket', label: 'Bucket and path', placeholder: 'my-bucket/restic' },
    ],
    env: ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_DEFAULT_REGION'],
    build: (v) => `s3:${v.endpoint ?? ''}/${strip(v.bucket ?? '')}`,
    parse: (u) => {
      const m = u.match(/^s3:((?:https?:\/\/)?[^/]+)\/(.*)$/);
      return m ? { endpoint: m[1]!, bucket: m[2]! } : null;
    },
  },
  {
    id: 'b2',
    label: 'Backblaze B2',
    fields: [
      { key: 'bucket', label: 'Bucket', placeholder: 'my-bucket' },
      { key: 'path', label: 'Path', placeholder: 'restic' },
    ],
    env: ['B2_ACCOUNT_ID', 'B2_ACCOUNT_KEY'],
    build: (v) => `b2:${v.bucket ?? ''}:${v.path ?? ''}`,
    parse: (u) => {
      const m = u.match(/^b2:([^:]+):?(.*)$/);
      return m ? { bucket: m[1]!, path: m[2]! } : null;
    },
  },
  {
    id: 'azure',
    label: 'Azure Blob Storage',
    fields: [
      { key: 'container', label: 'Container', placeholder: 'backups' },
      { key: 'path', label: 'Path', placeholder: '/restic' },
    ],
    env: ['AZURE_ACCOUNT_NAME', 'AZURE_ACCOUNT_KEY'],
    build: (v) => `azure:${v.container ?? ''}:/${strip(v.path ?? '')}`,
    parse: (u) => {
      const m = u.match(/^azure:([^:]+):(.*)$/);
      return m ? { container: m[1]!, path: m[2]! } : null;
    },
  },
  {
    id: 'gcs',
    label: 'Google Cloud Storage',
    fields: [
      { key: 'bucket', label: 'Bucket', placeholder: 'my-bucket' },
      { key: 'path', label: 'Path', placeholder: '/restic' },
    ],
    env: ['GOOGLE_PROJECT_ID', 'GOOGLE_APPLICATION_CREDENTIALS'],
    build: (v) => `gs:${v.bucket ?? ''}:/${strip(v.path ?? '')}`,
    parse: (u) => {
      const m = u.match(/^gs:([^:]+):(.*)$/);
      return m ? { bucket: m[1]!, path: m[2]! } : null;
    },
  },
  {
    id: 'sftp',
    label: 'SFTP',
    fields: [
      { key: 'user', label: 'User', placeholder: 'backup' },
      { key: 'host', label: 'Host', placeholder: 'nas.local' },
      { key: 'port', label: 'Port', placeholder: '22' },
      { key: 'path', label: 'Path', placeholder: '/srv/restic' },
    ],
    env: [],
    build: (v) => {
      const user = v.user ? `${v.user}@` : '';
      const port = v.port && v.port !== '22' ? `:${v.port}` : '';
      return `sftp://${user}${v.host ?? ''}${port}/${v.path ?? ''}`;
    },
    parse: (u) => {
      const m = u.match(/^sftp:\/\/(?:([^@]+)@)?([^:/]+)(?::(\d+))?\/(.*)$/);
      if (m) return { user: m[1] ?? '', host: m[2]!, port: m[3] ?? '22', path: m[4]! };
      const s = u.match(/^sftp:(?:([^@]+)@)?([^:]+):(.*)$/);
      return s ? { user: s[1] ?? '', host: s[2]!, port: '22', path: s[3]! } : null;
    },
  },
  {
    id: 'rest',
    label: 'REST server',
    fields: [{ key: 'url', label: 'URL', placeholder: 'https://user:pass@host:8000/repo' }],
    env: [],
    build: (v) => `rest:${v.url ?? ''}`,
    parse: (u) => (u.startsWith('rest:') ? { url: u.slice(5) } : null),
  },
  {
    id: 'rclone',
    label: 'rclone',
    fields: [{ key: 'remote', label: 'Remote and path', placeholder: 'myremote:restic' }],
    env: [],
    build: (v) => `rclone:${v.remote ?? ''}`,
    parse: (u) => (u.startsWith('rclone:') ? { remote: u.slice(7) } : null),
  },
];

export function detectBackend(uri: string): { backend: Backend; values: Record<string, string> } {
  for (const b of BACKENDS.slice(1)) {
    const v = b.parse(uri);
    if (v) return { backend: b, values: v };
  }
  return { backend: BACKENDS[0]!, values: { path: uri } };
}

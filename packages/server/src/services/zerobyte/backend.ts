// Zerobyte backend configs ↔ restic repository URI, env and flags of a config repo (README: the mapping).
import fs from 'node:fs';
import path from 'node:path';
import type { Repo } from '@restora/proto';
import { keepsStored, maskUriPassword } from '../../config/redact-values.js';
import { REDACTED } from '../../config/types.js';
import { ValidationError } from '../../errors.js';
import type { RepositoryConfig } from './repository-config.js';

export type Backend = RepositoryConfig['backend'];

/** Fields holding credentials: never returned (REDACTED instead); REDACTED sent back keeps the stored value. */
export const SECRET_FIELDS: Record<Backend, readonly string[]> = {
  local: [],
  s3: ['accessKeyId', 'secretAccessKey'],
  r2: ['accessKeyId', 'secretAccessKey'],
  gcs: ['credentialsJson'],
  azure: ['accountKey'],
  rclone: [],
  rest: ['username', 'password'],
  sftp: ['privateKey'],
};
const COMMON_SECRETS = ['customPassword', 'cacert'];

export interface RepoParts {
  uri: string;
  env: string[];
  flags: string[];
  /** Files the backend needs (keys, credentials), written 0600 before the repo is stored. */
  files: { path: string; content: string }[];
}

const kib = (l: { enabled: boolean; value: number; unit: string } | undefined): number | undefined => {
  if (!l?.enabled) return undefined;
  const mbit = l.unit === 'Kbps' ? l.value / 1000 : l.unit === 'Gbps' ? l.value * 1000 : l.value;
  return Math.max(1, Math.round((mbit * 1_000_000) / 8 / 1024));
};

const quote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

/** restic URI, env and flags for a backend config; `secretsDir` holds per-repo key files. */
export function toRepoParts(cfg: RepositoryConfig, secretsDir: string, repoId: string): RepoParts {
  const env: string[] = [];
  const flags: string[] = [];
  const files: RepoParts['files'] = [];
  const file = (suffix: string, content: string) => {
    const p = path.join(secretsDir, `${repoId}.${suffix}`);
    files.push({ path: p, content });
    return p;
  };
  let uri: string;
  switch (cfg.backend) {
    case 'local':
      uri = cfg.path;
      break;
    case 's3':
    case 'r2': {
      const endpoint = cfg.endpoint.replace(/\/+$/, '');
      uri = `s3:${endpoint}/${cfg.bucket}`;
      env.push(`AWS_ACCESS_KEY_ID=${cfg.accessKeyId}`, `AWS_SECRET_ACCESS_KEY=${cfg.secretAccessKey}`);
      if (cfg.backend === 'r2') env.push('AWS_REGION=auto');
      else if (cfg.region) env.push(`AWS_DEFAULT_REGION=${cfg.region}`);
      if (cfg.backend === 'r2') flags.push('-o s3.bucket-lookup=path');
      break;
    }
    case 'gcs':
      uri = `gs:${cfg.bucket}:/`;
      env.push(`GOOGLE_PROJECT_ID=${cfg.projectId}`);
      env.push(`GOOGLE_APPLICATION_CREDENTIALS=${file('gcs.json', cfg.credentialsJson)}`);
      break;
    case 'azure':
      uri = `azure:${cfg.container}:/`;
      env.push(`AZURE_ACCOUNT_NAME=${cfg.accountName}`, `AZURE_ACCOUNT_KEY=${cfg.accountKey}`);
      if (cfg.endpointSuffix) env.push(`AZURE_ENDPOINT_SUFFIX=${cfg.endpointSuffix}`);
      break;
    case 'rclone':
      uri = `rclone:${cfg.remote}:${cfg.path}`;
      break;
    case 'rest': {
      const base = cfg.url.replace(/\/+$/, '');
      uri = `rest:${base}${cfg.path ? `/${cfg.path.replace(/^\/+/, '')}` : ''}`;
      if (cfg.username) env.push(`RESTIC_REST_USERNAME=${cfg.username}`);
      if (cfg.password) env.push(`RESTIC_REST_PASSWORD=${cfg.password}`);
      break;
    }
    case 'sftp': {
      if (/ENCRYPTED|Proc-Type: 4,ENCRYPTED/.test(cfg.privateKey))
        throw new ValidationError([
          { path: 'config.privateKey', message: 'passphrase-protected keys are not supported' },
        ]);
      uri = `sftp:${cfg.user}@${cfg.host}:${cfg.path}`;
      const key = file('ssh.key', cfg.privateKey.endsWith('\n') ? cfg.privateKey : `${cfg.privateKey}\n`);
      const ssh = ['-i', key, '-p', String(cfg.port), '-oBatchMode=yes', '-oIdentitiesOnly=yes'];
      if (cfg.skipHostKeyCheck) ssh.push('-oStrictHostKeyChecking=no', '-oUserKnownHostsFile=/dev/null');
      else if (cfg.knownHosts) ssh.push(`-oUserKnownHostsFile=${file('known_hosts', cfg.knownHosts)}`);
      if (cfg.allowLegacySshRsa)
        ssh.push('-oHostKeyAlgorithms=+ssh-rsa', '-oPubkeyAcceptedAlgorithms=+ssh-rsa');
      flags.push(`-o ${quote(`sftp.args=${ssh.join(' ')}`)}`);
      break;
    }
  }
  if (cfg.cacert) flags.push(`--cacert ${quote(file('ca.pem', cfg.cacert))}`);
  if (cfg.insecureTls) flags.push('--insecure-tls');
  const up = kib(cfg.uploadLimit);
  const down = kib(cfg.downloadLimit);
  if (up) flags.push(`--limit-upload ${up}`);
  if (down) flags.push(`--limit-download ${down}`);
  return { uri, env, flags, files };
}

export function writeSecretFiles(files: RepoParts['files']): void {
  for (const f of files) {
    fs.mkdirSync(path.dirname(f.path), { recursive: true, mode: 0o700 });
    fs.writeFileSync(f.path, f.content, { mode: 0o600 });
  }
}

/** Replaces secrets with REDACTED and passwords inside URLs (`url`, `endpoint`) with their masked form (a copy). */
export function redactBackend(cfg: Record<string, unknown>): Record<string, unknown> {
  const out = { ...cfg };
  const backend = cfg.backend as Backend;
  for (const [k, v] of Object.entries(out)) if (typeof v === 'string') out[k] = maskUriPassword(v);
  for (const k of [...(SECRET_FIELDS[backend] ?? []), ...COMMON_SECRETS])
    if (typeof out[k] === 'string' && out[k] !== '') out[k] = REDACTED;
  return out;
}

/** Merge of a PATCH over the stored config; REDACTED values keep what is stored. */
export function mergeBackend(
  stored: Record<string, unknown>,
  patch: Record<string, unknown>,
): Record<string, unknown> {
  const out: Record<string, unknown> = { ...stored };
  for (const [k, v] of Object.entries(patch)) {
    const old = stored[k];
    if (v === REDACTED) continue;
    if (typeof v === 'string' && v.includes(REDACTED)) {
      if (typeof old === 'string' && keepsStored(v, old, maskUriPassword)) continue;
      throw new ValidationError([
        { path: `config.${k}`, message: 'placeholder sent but it does not match the stored value' },
      ]);
    }
    out[k] = v;
  }
  return out;
}

const envOf = (repo: Repo, key: string): string | undefined => {
  const e = repo.env.find((x) => x.startsWith(`${key}=`));
  return e === undefined ? undefined : e.slice(key.length + 1);
};

/** Derives a backend config from a repo created elsewhere (Connect API, config file). */
export function deriveBackend(repo: Repo): Record<string, unknown> {
  const uri = repo.uri;
  const m = /^([a-z0-9]+):(.*)$/s.exec(uri);
  const scheme = m?.[1] ?? '';
  const rest = m?.[2] ?? '';
  switch (scheme) {
    case 's3': {
      const i = rest.lastIndexOf('/');
      return {
        backend: envOf(repo, 'AWS_REGION') === 'auto' ? 'r2' : 's3',
        endpoint: i > 0 ? rest.slice(0, i).replace(/^https?:\/\//, '') : 's3.amazonaws.com',
        bucket: i > 0 ? rest.slice(i + 1) : rest,
        accessKeyId: envOf(repo, 'AWS_ACCESS_KEY_ID') ?? '',
        secretAccessKey: envOf(repo, 'AWS_SECRET_ACCESS_KEY') ?? '',
      };
    }
    case 'gs':
      return {
        backend: 'gcs',
        bucket: rest.split(':')[0] ?? '',
        projectId: envOf(repo, 'GOOGLE_PROJECT_ID') ?? '',
        credentialsJson: '',
      };
    case 'azure':
      return {
        backend: 'azure',
        container: rest.split(':')[0] ?? '',
        accountName: envOf(repo, 'AZURE_ACCOUNT_NAME') ?? '',
        accountKey: envOf(repo, 'AZURE_ACCOUNT_KEY') ?? '',
      };
    case 'rclone': {
      const i = rest.indexOf(':');
      return {
        backend: 'rclone',
        remote: i >= 0 ? rest.slice(0, i) : rest,
        path: i >= 0 ? rest.slice(i + 1) : '',
      };
    }
    case 'rest':
      return { backend: 'rest', url: rest };
    case 'sftp': {
      const s = /^(?:([^@]+)@)?([^:/]+):(.*)$/.exec(rest.replace(/^\/\//, ''));
      return {
        backend: 'sftp',
        user: s?.[1] ?? '',
        host: s?.[2] ?? '',
        port: 22,
        path: s?.[3] ?? '',
        privateKey: '',
      };
    }
    case 'local':
      return { backend: 'local', path: rest };
    default:
      return { backend: 'local', path: uri };
  }
}

/** `--compression=<mode>` in the repo's global flags (restic >= 0.14 reads it for every command). */
export function compressionOf(repo: Repo): 'auto' | 'max' | 'off' | null {
  for (const f of repo.flags) {
    const m = /^--compression[= ](auto|max|off)$/.exec(f.trim());
    if (m) return m[1] as 'auto' | 'max' | 'off';
  }
  return null;
}

export function withCompression(flags: string[], mode: 'auto' | 'max' | 'off' | null): string[] {
  const rest = flags.filter((f) => !/^--compression[= ]/.test(f.trim()));
  return mode ? [...rest, `--compression=${mode}`] : rest;
}

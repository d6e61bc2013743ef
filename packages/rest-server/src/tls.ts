import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { SecureContextOptions } from 'node:tls';
import { ConfigError } from './options.js';

// rest-server limits TLS 1.2 to ECDHE with AES-GCM or ChaCha20-Poly1305 (TLS 1.3 suites listed so they stay on).
const TLS12_CIPHERS = [
  'TLS_AES_128_GCM_SHA256',
  'TLS_AES_256_GCM_SHA384',
  'TLS_CHACHA20_POLY1305_SHA256',
  'ECDHE-ECDSA-AES128-GCM-SHA256',
  'ECDHE-RSA-AES128-GCM-SHA256',
  'ECDHE-ECDSA-AES256-GCM-SHA384',
  'ECDHE-RSA-AES256-GCM-SHA384',
  'ECDHE-ECDSA-CHACHA20-POLY1305',
  'ECDHE-RSA-CHACHA20-POLY1305',
].join(':');

export interface TlsFlags {
  tls?: boolean | undefined;
  tlsCert?: string | undefined;
  tlsKey?: string | undefined;
  tlsMinVer?: string | undefined;
}

/** Resolves TLS flags like rest-server; undefined when TLS is off. Throws ConfigError on bad combinations. */
export function resolveTls(flags: TlsFlags, dataPath: string): SecureContextOptions | undefined {
  const minVer = flags.tlsMinVer ?? '1.2';
  if (minVer !== '1.2' && minVer !== '1.3') {
    throw new ConfigError(`Unsupported TLS min version: ${minVer}. Allowed versions are 1.2 or 1.3`);
  }
  if (!flags.tls) {
    if (flags.tlsKey || flags.tlsCert) throw new ConfigError('requires enabled TLS');
    return undefined;
  }
  const keyFile = flags.tlsKey || join(dataPath, 'private_key');
  const certFile = flags.tlsCert || join(dataPath, 'public_key');
  let key: Buffer;
  let cert: Buffer;
  try {
    key = readFileSync(keyFile);
    cert = readFileSync(certFile);
  } catch (err) {
    throw new ConfigError(
      `unable to load TLS key/certificate (${keyFile}, ${certFile}): ${(err as Error).message}`,
    );
  }
  return {
    key,
    cert,
    minVersion: minVer === '1.3' ? 'TLSv1.3' : 'TLSv1.2',
    ciphers: TLS12_CIPHERS,
  };
}

// SetupSftp: an ed25519 key pair and a known_hosts entry in <config dir>/.backrest-ssh (Backrest's layout).
// A failed host-key scan is not fatal: it is reported in `error` and the key is still returned.
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { InvalidArgumentError } from '../errors.js';

const run = promisify(execFile);
const HOST = /^[A-Za-z0-9_.:[\]-]+$/;

export interface SftpSetup {
  publicKey: string;
  keyPath: string;
  knownHostsPath: string;
  error: string;
}

export class SftpService {
  constructor(private readonly configPath: string) {}

  async setup(host: string, port: string): Promise<SftpSetup> {
    const p = port.trim() || '22';
    if (!host || host.startsWith('-') || !HOST.test(host))
      throw new InvalidArgumentError(`invalid host "${host}"`);
    if (!/^\d{1,5}$/.test(p) || Number(p) > 65535) throw new InvalidArgumentError(`invalid port "${port}"`);
    const dir = path.join(path.dirname(this.configPath), '.backrest-ssh');
    fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
    const keyPath = path.join(dir, 'id_ed25519');
    if (!fs.existsSync(keyPath))
      await run('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'restora', '-f', keyPath], {
        timeout: 30_000,
      });
    const publicKey = fs.readFileSync(`${keyPath}.pub`, 'utf8').trim();
    const knownHostsPath = path.join(dir, 'known_hosts');
    let error = '';
    try {
      const { stdout } = await run('ssh-keyscan', ['-p', p, '-T', '10', '--', host], { timeout: 20_000 });
      const lines = stdout.split('\n').filter((l) => l.trim() && !l.startsWith('#'));
      if (!lines.length) throw new Error(`no host keys found for ${host}:${p}`);
      const existing = fs.existsSync(knownHostsPath)
        ? fs.readFileSync(knownHostsPath, 'utf8').split('\n')
        : [];
      const fresh = lines.filter((l) => !existing.includes(l));
      if (fresh.length) fs.appendFileSync(knownHostsPath, `${fresh.join('\n')}\n`, { mode: 0o600 });
    } catch (err) {
      error = `host key scan of ${host}:${p} failed: ${(err as Error).message.split('\n')[0] ?? ''}`;
    }
    return { publicKey, keyPath, knownHostsPath, error };
  }
}

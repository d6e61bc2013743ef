// `restora config check [file]`: loads a Backrest/Restora config as the server would and names every bad field.
import fs from 'node:fs';
import { join } from 'node:path';
import { CliError, EXIT } from '../client/exit-codes.js';
import { print, printJson } from '../client/output.js';

interface Issue {
  path: string;
  message: string;
}

export interface CheckFlags {
  json?: boolean;
  dataDir?: string;
  secretKeyFile?: string;
}

/** The server's sealing key when one exists (never created here): sealed secrets are checked opened, as at start. */
async function secretBox(f: CheckFlags) {
  const server = await import('@restora/server/offline');
  const source = server.takeKeySource({ ...process.env }, f.secretKeyFile);
  const dataDir = server.resolvePaths({ ...(f.dataDir ? { dataDir: f.dataDir } : {}) }).dataDir;
  const present = source.file || source.value || fs.existsSync(join(dataDir, server.KEY_FILE_NAME));
  return present ? new server.SecretBox(server.loadSecretKey(source, dataDir)) : undefined;
}

export async function configCheck(file: string | undefined, f: CheckFlags): Promise<number> {
  const json = f.json === true;
  const server = await import('@restora/server/offline');
  const path = server.resolvePaths({ ...(file ? { configFile: file } : {}) }).configFile;
  let text: string;
  try {
    text = fs.readFileSync(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new CliError(
      `cannot read ${path}: ${code === 'ENOENT' ? 'no such file' : (err as Error).message}`,
      code === 'ENOENT' ? EXIT.notFound : EXIT.error,
    );
  }
  let issues: readonly Issue[] = [];
  let warnings: string[] = [];
  try {
    const config = server.parseConfigJson(text, path);
    // what the server does at load: sealed secrets opened, older versions migrated, then everything validated
    issues = server.openConfig(config, await secretBox(f));
    if (issues.length === 0) {
      server.migrateConfig(config, { env: process.env });
      ({ issues, warnings } = server.validateConfig(config));
    }
  } catch (err) {
    if (!(err instanceof server.ValidationError)) throw err;
    issues = err.issues;
  }
  if (json) printJson({ file: path, valid: issues.length === 0, issues, warnings });
  else {
    for (const i of issues) print(`${path}: ${i.path ? `${i.path}: ` : ''}${i.message}`);
    for (const w of warnings) print(`${path}: warning: ${w}`);
    if (issues.some((i) => i.message.includes('no secret key')))
      print(`(sealed secrets open with the server's key: pass --data-dir or --secret-key-file)`);
    print(
      issues.length ? `${path}: ${issues.length} problem${issues.length > 1 ? 's' : ''}` : `${path}: valid`,
    );
  }
  return issues.length ? EXIT.usage : EXIT.ok;
}

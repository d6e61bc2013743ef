// `restora config check [file]`: loads a Backrest/Restora config as the server would and names every bad field.
import fs from 'node:fs';
import { CliError, EXIT } from '../client/exit-codes.js';
import { print, printJson } from '../client/output.js';

interface Issue {
  path: string;
  message: string;
}

export async function configCheck(file: string | undefined, json: boolean): Promise<number> {
  const server = await import('@restora/server');
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
    // what the server does at load: older versions are migrated first, then the whole config is validated
    server.migrateConfig(config, { env: process.env });
    ({ issues, warnings } = server.validateConfig(config));
  } catch (err) {
    if (!(err instanceof server.ValidationError)) throw err;
    issues = err.issues;
  }
  if (json) printJson({ file: path, valid: issues.length === 0, issues, warnings });
  else {
    for (const i of issues) print(`${path}: ${i.path ? `${i.path}: ` : ''}${i.message}`);
    for (const w of warnings) print(`${path}: warning: ${w}`);
    print(
      issues.length ? `${path}: ${issues.length} problem${issues.length > 1 ? 's' : ''}` : `${path}: valid`,
    );
  }
  return issues.length ? EXIT.usage : EXIT.ok;
}

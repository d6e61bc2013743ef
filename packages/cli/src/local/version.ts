// `restora version`: ours, restic's, and the restic features the config uses that this restic lacks.
import fs from 'node:fs';
import { print, printJson } from '../client/output.js';

export interface VersionFlags {
  resticCmd?: string;
  configFile?: string;
  json?: boolean;
}

export const RESTORA_VERSION = '0.1.0';

export async function version(f: VersionFlags): Promise<number> {
  const server = await import('@restora/server/offline');
  const binary = f.resticCmd ?? process.env.RESTORA_RESTIC_COMMAND;
  const restic = await server.detectRestic(binary);
  const configFile = server.resolvePaths({
    ...(f.configFile ? { configFile: f.configFile } : {}),
  }).configFile;
  let gaps: ReturnType<typeof server.resticGaps> = [];
  let configNote = `config ${configFile}`;
  if (fs.existsSync(configFile) && restic.version) {
    try {
      gaps = server.resticGaps(
        server.parseConfigJson(fs.readFileSync(configFile, 'utf8'), configFile),
        restic.version,
      );
    } catch (err) {
      configNote = `config ${configFile} not readable: ${(err as Error).message.split('\n')[0] ?? ''}`;
    }
  } else if (!fs.existsSync(configFile))
    configNote = `config ${configFile} (not found: no features to check)`;
  if (f.json) {
    printJson({
      restora: RESTORA_VERSION,
      node: process.version,
      restic: restic.version ?? null,
      ...(restic.error ? { resticError: restic.error } : {}),
      config: configFile,
      missingResticFeatures: gaps,
    });
    return 0;
  }
  print(`restora ${RESTORA_VERSION} (node ${process.version}, ${process.platform}/${process.arch})`);
  print(restic.version ? `restic ${restic.version}` : `restic: not runnable (${restic.error ?? 'unknown'})`);
  print(configNote);
  const checked = restic.version && fs.existsSync(configFile) && !configNote.includes('not readable');
  if (checked && gaps.length === 0) print(`restic ${restic.version} has every feature this config uses`);
  for (const g of gaps)
    print(`  missing ${g.feature} (restic ${g.needs}+), used by ${g.usedBy}: ${g.handling}`);
  return 0;
}

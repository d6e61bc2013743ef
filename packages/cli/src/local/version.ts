// `restora version`: ours, restic's, and the restic features the config uses that this restic lacks.
import fs from 'node:fs';
import type { ResticGap } from '@restora/server/offline';
import { print, printJson } from '../client/output.js';
import { RESTORA_VERSION } from '../restora-version.js';

export interface VersionFlags {
  resticCmd?: string;
  configFile?: string;
  json?: boolean;
}

export async function version(f: VersionFlags): Promise<number> {
  const server = await import('@restora/server/offline');
  const binary = f.resticCmd ?? process.env.RESTORA_RESTIC_COMMAND;
  const restic = await server.detectRestic(binary);
  const configFile = server.resolvePaths({
    ...(f.configFile ? { configFile: f.configFile } : {}),
  }).configFile;
  let gaps: ResticGap[] = [];
  let configNote = `config ${configFile}`;
  /** whether the config was read and checked against this restic */
  let checked = false;
  if (!fs.existsSync(configFile)) configNote = `config ${configFile} (not found: no features to check)`;
  else if (restic.version) {
    try {
      gaps = server.resticGaps(
        server.parseConfigJson(fs.readFileSync(configFile, 'utf8'), configFile),
        restic.version,
      );
      checked = true;
    } catch (err) {
      configNote = `config ${configFile} not readable: ${(err as Error).message.split('\n')[0] ?? ''}`;
    }
  }
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
  if (checked && gaps.length === 0) print(`restic ${restic.version} has every feature this config uses`);
  for (const g of gaps)
    print(`  missing ${g.feature} (restic ${g.needs}+), used by ${g.usedBy}: ${g.handling}`);
  return 0;
}

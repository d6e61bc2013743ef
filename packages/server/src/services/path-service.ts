// PathAutocomplete: entry names of a server directory (disabled on locked-down installs).
import fs from 'node:fs/promises';
import { PermissionDeniedError } from '../errors.js';
import type { ServerFeatures } from '../config/features.js';

export class PathService {
  constructor(private readonly features: ServerFeatures) {}

  async complete(dir: string): Promise<string[]> {
    if (!this.features.pathAutocomplete)
      throw new PermissionDeniedError('PathAutocomplete is disabled on this server (locked-down install)');
    try {
      const entries = await fs.readdir(dir || '/');
      return entries.sort();
    } catch {
      return [];
    }
  }
}

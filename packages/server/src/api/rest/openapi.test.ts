import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { format } from 'prettier';
import { describe, expect, it } from 'vitest';
import { openApiDocument, SPEC_FILE } from './spec.js';

const file = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..', SPEC_FILE);

describe('OpenAPI document', () => {
  it('matches the committed spec (regenerate with UPDATE_OPENAPI=1)', async () => {
    // formatted like the repository's other files, so `prettier --check` passes on the committed copy
    const text = await format(JSON.stringify(openApiDocument()), { parser: 'json', printWidth: 110 });
    if (process.env.UPDATE_OPENAPI === '1') fs.writeFileSync(file, text);
    expect(fs.readFileSync(file, 'utf8')).toBe(text);
  });

  it('is OpenAPI 3.1 with a unique operationId per route and every path parameter declared', () => {
    const doc = openApiDocument() as {
      openapi: string;
      paths: Record<
        string,
        Record<string, { operationId: string; parameters: { name: string; in: string }[] }>
      >;
    };
    expect(doc.openapi).toBe('3.1.0');
    const ids = new Set<string>();
    for (const [p, ops] of Object.entries(doc.paths)) {
      for (const op of Object.values(ops)) {
        expect(ids.has(op.operationId), op.operationId).toBe(false);
        ids.add(op.operationId);
        for (const name of [...p.matchAll(/\{(\w+)\}/g)].map((m) => m[1]))
          expect(
            op.parameters.some((x) => x.in === 'path' && x.name === name),
            `${p} ${name}`,
          ).toBe(true);
      }
    }
    for (const id of [
      'listRepositories',
      'createRepository',
      'getRepositoryStats',
      'startDoctor',
      'cancelDoctor',
      'listRcloneRemotes',
      'dumpSnapshot',
      'runBackupSchedule',
      'streamTaskEvents',
      'createApiKey',
    ])
      expect(ids.has(id), id).toBe(true);
  });
});

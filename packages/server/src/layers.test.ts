import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';

// scripts/layers.mjs (npm run layers) against small source trees: what it flags and what it lets through.
const SCRIPT = join(dirname(fileURLToPath(import.meta.url)), '../../../scripts/layers.mjs');
let dir = '';
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function check(files: Record<string, string>, ...flags: string[]): { code: number; out: string } {
  dir = mkdtempSync(join(tmpdir(), 'restora-layers-'));
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  try {
    return {
      code: 0,
      out: execFileSync(process.execPath, [SCRIPT, '--root', dir, ...flags], { encoding: 'utf8' }),
    };
  } catch (e) {
    const err = e as { status: number; stdout: string };
    return { code: err.status, out: err.stdout };
  }
}

describe('layers check', () => {
  it('passes imports that run down or sideways, type-only and re-exports included', () => {
    const r = check({
      'api/rest/route.ts': `import { s } from '../../services/s.js';\nexport type { T } from '../../oplog/t.js';`,
      'services/s.ts': `import { e } from '../engine.js';\nimport { a } from '../auth/a.js';\nexport const s = 1;`,
      'auth/a.ts': `import type { C } from '../config/c.js';\nexport const a = 1;`,
      'engine.ts': `import { t } from './tasks/t.js';\nexport const e = 1;`,
      'tasks/t.ts': `import { h } from '../hooks/h.js';\nimport { c } from '../config/index.js';\nexport const t = 1;`,
      'hooks/h.ts': `export const h = 1; // from '../api/rest/route.js' in a comment is no import`,
      'config/index.ts': `export * from './c.js';`,
      'config/c.ts': `import { box } from '../secrets/box.js';\nexport type C = 1;`,
      'secrets/box.ts': `import { ValidationError } from '../errors.js';\nexport const box = 1;`,
      'oplog/t.ts': `export type T = 1;`,
      'errors.ts': `export class ValidationError {}`,
      'app.ts': `import { s } from './services/s.js';`,
    });
    expect(r.out).toMatch(/0 upward imports, 0 import cycles/);
    expect(r.code).toBe(0);
  });

  it('flags an upward import, a cycle, a file in no layer and (with --strict) a reach-through', () => {
    const r = check(
      {
        'config/c.ts': `import {\n  nextRun,\n} from '../scheduler/s.js';`,
        'scheduler/s.ts': `import type { X } from './t.js';\nexport const nextRun = 1;`,
        'scheduler/t.ts': `import { nextRun } from './s.js';\nexport type X = 1;`,
        'services/r.ts': `export const f = (ctx) => ctx.engine.scheduler.schedule({});`,
        'misc/x.ts': `export const x = 1;`,
      },
      '--strict',
    );
    expect(r.code).toBe(1);
    expect(r.out).toContain('config/c.ts [state] -> scheduler/s.ts [runtime]');
    expect(r.out).toMatch(/2 files: scheduler\/(s|t)\.ts -> scheduler\/(s|t)\.ts -> scheduler/);
    expect(r.out).toContain('misc/x.ts');
    expect(r.out).toContain('services/r.ts:1');
    // each count on its own: the summary line may grow other checks between them
    for (const count of [
      /1 upward imports/,
      /1 import cycles \(2 files in cycles\)/,
      /1 files in no layer/,
      /1 reach-throughs/,
    ])
      expect(r.out).toMatch(count);
  });

  it('reports reach-throughs without failing unless --strict', () => {
    const r = check({ 'services/r.ts': `export const f = (ctx) => ctx.engine.scheduler.cancel('x');` });
    expect([r.code, r.out]).toEqual([0, expect.stringMatching(/1 reach-throughs \(not enforced\)/)]);
  });
});

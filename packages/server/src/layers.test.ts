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

  it('flags an upward import, a cycle, a file in no layer and a reach-through', () => {
    const r = check({
      'config/c.ts': `import {\n  nextRun,\n} from '../scheduler/s.js';`,
      'scheduler/s.ts': `import type { X } from './t.js';\nexport const nextRun = 1;`,
      'scheduler/t.ts': `import { nextRun } from './s.js';\nexport type X = 1;`,
      'services/r.ts': `export const f = (ctx) => ctx.engine.scheduler.schedule({});`,
      'misc/x.ts': `export const x = 1;`,
    });
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

  it('fails on a reach-through alone', () => {
    const r = check({ 'services/r.ts': `export const f = (ctx) => ctx.engine.scheduler.cancel('x');` });
    expect([r.code, r.out]).toEqual([1, expect.stringMatching(/1 reach-throughs/)]);
  });

  it('lists a service built outside the composition root, and nothing else', () => {
    const r = check({
      'errors.ts': `export class DomainError extends Error {}\nexport class NotFoundError extends DomainError {}`,
      'oplog/store.ts': [
        `export class Store {`,
        `  static open() { return new Store(); } // its own factory`,
        `}`,
      ].join('\n'),
      'hooks/template/values.ts': `export class GoDuration { constructor(readonly ms: number) {} }`,
      'services/svc.ts': `export class Svc<T> { constructor(readonly store: unknown) {} }`,
      'services/use.ts': [
        `import { Svc } from './svc.js';`,
        `import { NotFoundError } from '../errors.js';`,
        `import { GoDuration } from '../hooks/template/values.js';`,
        `/* new Svc() in a comment`,
        `   is none */ const m = new Map<string, number>(), d = new GoDuration(1);`,
        `export const make = () => new Svc<number>(m); // new Svc(again) in a comment`,
        `export const fail = () => { throw new NotFoundError(); };`,
      ].join('\n'),
      'services/use.test.ts': `import { Svc } from './svc.js';\nnew Svc(1);`,
      'compose.ts': `import { Svc } from './services/svc.js';\nimport { Store } from './oplog/store.js';\nnew Svc(Store.open());`,
      'app.ts': `import { Svc } from './services/svc.js';\nexport const s = new Svc({});`,
    });
    expect(r.out).toContain('services/use.ts:6: new Svc (services/svc.ts)');
    expect(r.out).toMatch(/; 1 constructions outside the composition root;/);
    expect(r.code).toBe(1);
  });

  it('passes when only the composition root constructs services', () => {
    const r = check({
      'services/svc.ts': `export class Svc { constructor(readonly n: number) {} }`,
      'compose-svc.ts': `import { Svc } from './services/svc.js';\nexport const composeSvc = () => new Svc(1);`,
      'app.ts': `import { composeSvc } from './compose-svc.js';\ncomposeSvc();`,
    });
    expect([r.code, r.out]).toEqual([
      0,
      expect.stringMatching(/; 0 constructions outside the composition root;/),
    ]);
  });
});

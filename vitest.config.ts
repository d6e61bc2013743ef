import { defineConfig } from 'vitest/config';

// Three tiers (ARCHITECTURE.md): unit beside the code, medium (*.medium.test.ts: real SQLite/HTTP),
// e2e (test/e2e: real restic, real browser). Workspace imports resolve to src/ so tests need no build.
const conditions = ['restora-source', 'node', 'import', 'default'];
export default defineConfig({
  resolve: { conditions },
  ssr: { resolve: { conditions, externalConditions: conditions } },
  test: {
    // vitest's default on 2 cores is one worker (cores - 1); most e2e time is spent waiting on restic, servers
    // and the browser, so a second worker halves the wall time without starving the first
    maxWorkers: 2,
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: ['packages/*/src/**/*.test.ts'],
          exclude: ['**/*.medium.test.ts', '**/node_modules/**'],
        },
      },
      {
        extends: true,
        test: { name: 'medium', include: ['packages/*/src/**/*.medium.test.ts'], testTimeout: 30_000 },
      },
      {
        extends: true,
        test: {
          name: 'e2e',
          include: ['packages/*/test/e2e/**/*.test.ts'],
          testTimeout: 180_000,
          hookTimeout: 120_000,
        },
      },
    ],
  },
});

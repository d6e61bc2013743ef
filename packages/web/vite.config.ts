import { readFileSync } from 'node:fs';
import { defineConfig } from 'vite';
import { precompress, preloadFirstView } from './vite-plugins.js';

// Relative base + hash router: the built UI works when served under any sub-path.
// The restora-source condition lets Vite consume @restora/proto's TypeScript sources without a build.
export default defineConfig({
  base: './',
  define: { __RESTORA_VERSION__: JSON.stringify(rootVersion()) },
  // The dashboard (the first view) loads with the entry; assets ship brotli/gzip-compressed.
  plugins: [preloadFirstView('src/views/dashboard.tsx'), precompress()],
  resolve: { conditions: ['restora-source', 'module', 'browser', 'development|production'] },
  esbuild: { jsx: 'automatic' },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    chunkSizeWarningLimit: 600,
    rollupOptions: {
      // Mantine ships "use client" directives that only matter to React Server Components.
      onwarn(warning, warn) {
        if (warning.code !== 'MODULE_LEVEL_DIRECTIVE') warn(warning);
      },
    },
  },
  server: { proxy: { '/v1.': 'http://127.0.0.1:9898', '/download': 'http://127.0.0.1:9898' } },
});

/** The product's version: the `restora` CLI package's. */
function rootVersion(): string {
  const pkg = JSON.parse(readFileSync(new URL('../cli/package.json', import.meta.url), 'utf8')) as {
    version?: string;
  };
  return pkg.version ?? '0.0.0';
}

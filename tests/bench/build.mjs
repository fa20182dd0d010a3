// Bundles the benchmark page with Vite: each library in its own chunk.
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'vite';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '../..');
await build({
  root: join(here, 'app'),
  base: './',
  logLevel: 'warn',
  configFile: false,
  resolve: { alias: { 'backstage-auth-wasm': join(root, 'pkg/index.js') } },
  build: { outDir: resolve(process.argv[2]), emptyOutDir: true, chunkSizeWarningLimit: 4096 },
});

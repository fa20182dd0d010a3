// Builds tests/bundlers/app with Vite and with webpack 5 into OUT/vite and OUT/webpack, and
// tests/bundlers/backstage (an app with Backstage's OAuthRequestManager) into OUT/backstage.
// Neither gets any wasm-specific setting: the package must work with the defaults. The
// alias only points the package name at the freshly built pkg/.
import { cpSync, mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'vite';
import webpack from 'webpack';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '../..');
const out = resolve(process.argv[2] || join(root, 'test-results/bundles'));
const app = join(here, 'app');
const alias = { 'backstage-auth-wasm': join(root, 'pkg/index.js') };

await build({
  root: app,
  base: './',
  logLevel: 'warn',
  configFile: false,
  resolve: { alias },
  build: { outDir: join(out, 'vite'), emptyOutDir: true },
});

// An app using Backstage's own OAuthRequestManager (needs React, as Backstage apps have).
await build({
  root: join(here, 'backstage'),
  base: './',
  logLevel: 'warn',
  configFile: false,
  resolve: { alias },
  build: { outDir: join(out, 'backstage'), emptyOutDir: true, chunkSizeWarningLimit: 4096 },
});

await new Promise((done, fail) => {
  webpack({
    mode: 'production',
    entry: join(app, 'main.js'),
    output: { path: join(out, 'webpack'), filename: 'main.js', clean: true },
    resolve: { alias },
  }, (err, stats) => {
    if (err || stats.hasErrors()) fail(err || new Error(stats.toString('errors-only')));
    else done();
  });
});
mkdirSync(join(out, 'webpack'), { recursive: true });
// webpack emits a classic script; the page loads it as one.
cpSync(join(app, 'index.html'), join(out, 'webpack/index.html'));
console.log(`bundles in ${out}`);

// Turns wasm-bindgen's output in pkg/ into the npm package: inlines the wasm, drops the
// default wasm URL (bundlers would otherwise copy the file as an asset), adds the entry,
// its types and package.json.
import { readFileSync, writeFileSync, copyFileSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const pkg = join(root, 'pkg');
const name = 'backstage_auth_wasm';

const wasm = readFileSync(join(pkg, `${name}_bg.wasm`));
writeFileSync(join(pkg, 'wasm-inline.js'), `export const wasmBase64 = '${wasm.toString('base64')}';\n`);

const glue = join(pkg, `${name}.js`);
const source = readFileSync(glue, 'utf8');
const defaultUrl = `new URL('${name}_bg.wasm', import.meta.url)`;
if (!source.includes(defaultUrl)) throw new Error(`wasm-bindgen output changed: no ${defaultUrl}`);
writeFileSync(glue, source.replace(defaultUrl, 'undefined'));

copyFileSync(join(root, 'js', 'index.js'), join(pkg, 'index.js'));
copyFileSync(join(root, 'js', 'index.d.ts'), join(pkg, 'index.d.ts'));
for (const f of [`${name}_bg.wasm`, `${name}_bg.wasm.d.ts`, '.gitignore', 'package.json', 'README.md']) {
  rmSync(join(pkg, f), { force: true });
}

const meta = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
writeFileSync(join(pkg, 'package.json'), `${JSON.stringify({
  name: 'backstage-auth-wasm',
  version: meta.version,
  description: meta.description,
  license: meta.license,
  type: 'module',
  module: 'index.js',
  main: 'index.js',
  types: 'index.d.ts',
  exports: { '.': { types: './index.d.ts', import: './index.js', default: './index.js' } },
  files: ['index.js', 'index.d.ts', `${name}.js`, `${name}.d.ts`, 'wasm-inline.js'],
  sideEffects: true,
}, null, 2)}\n`);
console.log(`pkg/: wasm ${wasm.length} bytes inlined`);

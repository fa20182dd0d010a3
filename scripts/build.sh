#!/usr/bin/env bash
# Builds the npm package into pkg/: release wasm, wasm-bindgen glue, wasm-opt, packaging.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
cargo build --quiet --release --target wasm32-unknown-unknown
rm -rf pkg
wasm-bindgen --target web --out-dir pkg target/wasm32-unknown-unknown/release/backstage_auth_wasm.wasm
# binaryen from npm: Debian's wasm-opt (108) corrupts wasm-bindgen 0.2.130's externref table.
node_modules/.bin/wasm-opt -Oz --strip-debug --strip-producers --enable-bulk-memory --enable-nontrapping-float-to-int \
  --enable-sign-ext --enable-mutable-globals --enable-reference-types --enable-multivalue \
  pkg/backstage_auth_wasm_bg.wasm -o pkg/backstage_auth_wasm_bg.wasm
node scripts/package.mjs

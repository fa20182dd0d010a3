#!/usr/bin/env bash
# Prepares this machine for building and testing: Chromium and its driver, the Rust wasm target,
# the wasm-bindgen CLI matching Cargo.toml, wasm-pack, and the npm packages of the repo and
# of the local identity stack (wasm-opt comes from npm's binaryen). Each step is skipped when its result is already there.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
log() { printf '[setup] %s\n' "$*"; }

need_apt=()
command -v chromium >/dev/null || need_apt+=(chromium)
command -v chromedriver >/dev/null || need_apt+=(chromium-driver)
if [ ${#need_apt[@]} -gt 0 ]; then
  log "apt-get install ${need_apt[*]}"
  sudo_cmd=""
  [ "$(id -u)" -eq 0 ] || sudo_cmd="sudo"
  $sudo_cmd apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq "${need_apt[@]}" >/dev/null
fi

if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  log "rustup target add wasm32-unknown-unknown"
  rustup target add wasm32-unknown-unknown
fi

# The CLI must be exactly the version the crate pins, or the generated glue will not match.
want=$(sed -n 's/^wasm-bindgen = "=\([0-9.]*\)".*/\1/p' Cargo.toml)
have=$(wasm-bindgen --version 2>/dev/null | awk '{print $2}' || true)
if [ "$have" != "$want" ]; then
  log "cargo install wasm-bindgen-cli $want (a few minutes)"
  # Not --locked: the registry here lacks one version the CLI's lock file names.
  cargo install -q wasm-bindgen-cli --version "$want"
fi
if ! command -v wasm-pack >/dev/null; then
  log "cargo install wasm-pack (a few minutes)"
  cargo install -q wasm-pack --locked
fi

# The fuzz targets run on nightly (cargo fuzz needs it); the machine comes with one.
if ! command -v cargo-fuzz >/dev/null; then
  log "cargo install cargo-fuzz (a few minutes)"
  cargo install -q cargo-fuzz --locked
fi

# npm ci only when the lock file changed since the last install.
npm_install() {
  local dir=$1 stamp="$1/node_modules/.setup-stamp"
  if [ ! -f "$stamp" ] || ! cmp -s "$dir/package-lock.json" "$stamp"; then
    log "npm ci in ${dir#$root/}"
    (cd "$dir" && npm_config_build_from_source=true npm ci --no-audit --no-fund --loglevel=error)
    cp "$dir/package-lock.json" "$stamp"
  fi
}
npm_install "$root"
npm_install "$root/stack"
log "ready"

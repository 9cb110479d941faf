#!/usr/bin/env bash
# Builds the CosmWasm gate (cosmwasm-gate/) for CosmWasm chains: the size profile, then binaryen's
# wasm-opt (npm; `npm ci --prefix verifier-js`) lowering bulk-memory and sign-extension operations
# (which Rust's wasm32 target emits and CosmWasm's VM refuses) and optimising for size.
# Usage: scripts/build-cosmwasm.sh [OUT.wasm]   (default target/cosmwasm/solvent_gate_cosmwasm.wasm)
set -euo pipefail
cd "$(dirname "$0")/.."
out="${1:-target/cosmwasm/solvent_gate_cosmwasm.wasm}"
cargo build --locked --profile wasm -p solvent-gate-cosmwasm --target wasm32-unknown-unknown --target-dir target/cosmwasm
features=(--enable-bulk-memory --enable-sign-ext --enable-mutable-globals --enable-nontrapping-float-to-int --enable-multivalue --enable-reference-types)
verifier-js/node_modules/.bin/wasm-opt "${features[@]}" --llvm-memory-copy-fill-lowering --signext-lowering -Oz \
  target/cosmwasm/wasm32-unknown-unknown/wasm/solvent_gate_cosmwasm.wasm -o "$out"
echo "wrote $out ($(wc -c < "$out") bytes)"

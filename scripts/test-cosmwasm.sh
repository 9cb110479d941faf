#!/usr/bin/env bash
# The CosmWasm gate in the real VM: builds the contract as deployed (scripts/build-cosmwasm.sh) and
# runs it in cosmwasm-vm with a real attestation (cosmwasm-gate/vm/tests/vm.rs), with the same
# lints as the test command. Kept out of scripts/test.sh for its cost: building cosmwasm-vm
# (wasmer, its singlepass compiler and linker, cosmwasm's crypto: 187 crates, 499 CPU-seconds)
# adds about 4 minutes on two cores; the test itself takes about 45 s.
set -euo pipefail
cd "$(dirname "$0")/.."
rustup target add wasm32-unknown-unknown
npm ci --no-audit --no-fund --prefix verifier-js
export RUSTC_WORKSPACE_WRAPPER="$(command -v clippy-driver)"
export RUSTFLAGS="${RUSTFLAGS:-} -D warnings"
cargo test -p solvent-gate-cosmwasm -p solvent-gate-cosmwasm-vm --all-targets

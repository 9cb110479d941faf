#!/usr/bin/env bash
# The test command (CI runs exactly this): installs what the tests need, then checks style,
# lints, the wasm32 build of the circuit crate, and runs every test.
set -euo pipefail
cd "$(dirname "$0")/.."

step() { printf '\n==> %s\n' "$*"; }

step "toolchain: the wasm32 target, rustfmt and clippy"
rustup target add wasm32-unknown-unknown
rustup component add rustfmt clippy

step "from npm: the pinned Solidity compiler (solcjs) and binaryen's wasm-opt"
npm ci --no-audit --no-fund --prefix contracts
npm ci --no-audit --no-fund --prefix verifier-js

step "style: cargo fmt --check (rustfmt.toml)"
cargo fmt --all --check

step "lints: cargo clippy --all-targets -D warnings"
cargo clippy --workspace --all-targets -- -D warnings

step "the circuit and verifier crates build for wasm32 (no threads)"
cargo check -p solvent-circuits -p solvent-verifier --target wasm32-unknown-unknown

step "tests (the JavaScript package runs in Node from prover/tests/js.rs)"
cargo test --workspace

#!/usr/bin/env bash
# The test command (CI runs exactly this): installs what the tests need, then checks style,
# lints, the wasm32 build of the circuit crate, and runs every test.
set -euo pipefail
cd "$(dirname "$0")/.."

step() { printf '\n==> %s  (%s)\n' "$*" "$(date -u +%H:%M:%S)"; }

step "toolchain: the wasm32 target, rustfmt and clippy"
rustup target add wasm32-unknown-unknown
rustup component add rustfmt clippy

step "from npm: the pinned Solidity compiler (solcjs), binaryen's wasm-opt, esbuild and tsc, ganache and ethers"
npm ci --no-audit --no-fund --prefix contracts
npm ci --no-audit --no-fund --prefix verifier-js
# A local Ethereum node (ganache) and ethers, for the test that runs export-verifier's deploy.mjs
# over JSON-RPC (seconds to install and start).
npm ci --no-audit --no-fund --prefix scripts/localchain
# An outside signer, @zk-kit/eddsa-poseidon, that solvent's EdDSA-Poseidon must agree with.
npm ci --no-audit --no-fund --prefix sources/signer-js

step "style: cargo fmt --check (rustfmt.toml)"
cargo fmt --all --check

# Lints: clippy is the compiler of the workspace's own crates from here on (what `cargo clippy`
# does, as RUSTC_WORKSPACE_WRAPPER), with warnings denied: every target (libraries, binaries,
# tests, benches) is linted as it is built for the tests, so no dependency is compiled twice.
# Dependencies are built by rustc with their lints capped, as always.
export RUSTC_WORKSPACE_WRAPPER="$(command -v clippy-driver)"
export RUSTFLAGS="${RUSTFLAGS:-} -D warnings"
# The tests build for the host named as `--target`, as the wasm32 check does: Cargo then builds
# the build-time crates (proc macros, build scripts) of both alike and once, where without it
# they would differ by RUSTFLAGS and build twice (measured: 398 s of CPU each time).
host="$(rustc -vV | sed -n 's/^host: //p')"

step "lints (clippy -D warnings) on the wasm32 builds: the circuit and verifier crates (no threads), the CosmWasm gate"
cargo check -p solvent-circuits -p solvent-verifier -p solvent-gate-cosmwasm --target wasm32-unknown-unknown

# The CosmWasm gate runs in cosmwasm-vm by scripts/test-cosmwasm.sh: building the VM would add
# about 4 minutes here (see that script).
skip=(--exclude solvent-gate-cosmwasm --exclude solvent-gate-cosmwasm-vm)

step "lints (clippy -D warnings) on every target while building the tests"
cargo test --target "$host" --workspace "${skip[@]}" --all-targets --no-run

step "tests (the JavaScript package runs in Node from prover/tests/integration/js.rs)"
cargo test --target "$host" --workspace "${skip[@]}"

step "done"

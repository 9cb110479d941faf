#!/usr/bin/env bash
# Writes the checked-in proof fixture fixtures/tiny/ (a real attestation of a tiny shape, the
# wasm verifier's key, the trusted part of verifier.json) that solvent-verifier-wasm,
# solvent-verifier and solvent-evm test themselves on without proving. Run it whenever
# CIRCUIT_VERSION moves: prover's test `the_checked_in_proof_fixture_is_current` fails until then.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo run --release -p solvent-prover --example write_fixture -- fixtures/tiny

#!/usr/bin/env bash
# The robustness suite at length: mutated policies, portfolios, attestations and openings through
# every parser and verifier (prover/tests/integration/robustness.rs), CASES of each (default 20,000; CI runs 64).
#
#   scripts/fuzz.sh [CASES]
set -euo pipefail
cd "$(dirname "$0")/.."
ROBUSTNESS_CASES="${1:-20000}" cargo test -p solvent-prover --test integration robustness:: -- --nocapture

#!/usr/bin/env bash
# Measures solvent and writes BENCHMARKS.md and docs/scaling.png.
#
#   scripts/bench.sh                # desk and fund, threads, 64 to 4,096 instruments, gas, the same
#                                   # desk and fund figures of circuit v1, and desk and fund with every
#                                   # limit of risk model v2 (about 30 minutes on 2 cores)
#   BENCH_BOOK=1 scripts/bench.sh   # also 16,384 instruments, book and bank, once each, and circuit
#                                   # v1's book (about 50 minutes more on 2 cores, 19 GiB for v1's book)
#
# "Before" is the last commit of circuit v1 (BENCH_BASELINE to choose another), built from a git
# worktree under target/bench/ and measured in the same run by its own `measure` and `gas`
# binaries. Each `measure` run is one process under /usr/bin/time -v (peak RSS); criterion gives the
# medians and spreads of witness, keygen, prove and verify. Results go to target/bench/.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
out="$root/target/bench"
baseline="${BENCH_BASELINE:-7239c5f}"
mkdir -p "$out"
: > "$out/measure.jsonl"
: > "$out/gas.jsonl"
threads_all=$(nproc)

# The baseline's binaries: its own sources at its own commit, its own target directory.
baseline_src="$out/baseline-src"
baseline_target="$out/baseline-target"
if [ ! -d "$baseline_src" ]; then git worktree add --detach "$baseline_src" "$baseline"; fi
git -C "$baseline_src" checkout --quiet --detach "$baseline"
(cd "$baseline_src" && CARGO_TARGET_DIR="$baseline_target" cargo build --release -p solvent-benches --bin measure --bin gas)
cargo build --release -p solvent-benches --bin measure --bin gas

record() { # FILE NAME VERSION, the JSON line on stdin
  python3 -c '
import json, sys
line = json.loads(sys.stdin.read())
line["name"], line["version"] = sys.argv[1], sys.argv[2]
if len(sys.argv) > 3:
    line["time_peak_rss_mib"] = int(sys.argv[3]) / 1024
print(json.dumps(line))' "${@:2}" >> "$1"
}

measure() { # SHAPE THREADS [VERSION]
  local version="${3:-v2}" bin="target/release"
  if [ "$version" = v1 ]; then bin="$baseline_target/release"; fi
  local log="$out/time-$version-$1-t$2.txt"
  /usr/bin/time -v "$bin/measure" "$1" --threads "$2" > "$out/line.json" 2> "$log"
  local rss_kib
  rss_kib=$(awk -F: '/Maximum resident set size/ {gsub(/ /, "", $2); print $2}' "$log")
  record "$out/measure.jsonl" "$1" "$version" "$rss_kib" < "$out/line.json"
  echo "measured $1 ($version) with $2 threads"
}

gas() { # SHAPE [VERSION]
  local version="${2:-v2}"
  if [ "$version" = v1 ]; then
    SOLVENT_CONTRACTS="$root/contracts" "$baseline_target/release/gas" "$1" | record "$out/gas.jsonl" "$1" v1
  else
    target/release/gas "$1" | record "$out/gas.jsonl" "$1" v2
  fi
  echo "gas of $1 ($version)"
}

# Before and after, back to back: the same shapes, the same machine, the same run.
for shape in desk fund; do
  measure "$shape" 2 v1
  measure "$shape" 2
  gas "$shape" v1
  gas "$shape"
done
# Risk model v2 with every limit on, next to v1 on the same shapes (this commit's binaries).
for shape in desk fund; do
  measure "$shape-v2" 2
  gas "$shape-v2"
done
# Threads, and the instrument scaling series (8 assets x 4 tiers, 16 scenarios).
measure desk 1
measure fund 1
if [ "$threads_all" -gt 2 ]; then measure fund "$threads_all"; fi
for instruments in 256 1024 4096; do measure "8x4x${instruments}x16" 2; done
if [ "${BENCH_BOOK:-0}" = 1 ]; then
  measure 8x4x16384x16 2
  measure book 2
  measure bank 2
  measure book 2 v1
fi

# Criterion: medians and spreads.
SOLVENT_BENCH_SHAPES=desk,fund,desk-v2,fund-v2 cargo bench -p solvent-benches --bench prove

# The plot needs matplotlib: installed into a virtual environment under target/.
if [ ! -x "$out/venv/bin/python" ]; then python3 -m venv "$out/venv"; fi
"$out/venv/bin/pip" install --quiet --disable-pip-version-check "matplotlib==3.10.*"
"$out/venv/bin/python" scripts/benchmarks_md.py "$out/measure.jsonl" "$out/gas.jsonl" target/criterion BENCHMARKS.md docs/scaling.png
echo "wrote BENCHMARKS.md and docs/scaling.png"

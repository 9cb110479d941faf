#!/usr/bin/env bash
# Measures solvent and writes BENCHMARKS.md and docs/scaling.png.
#
#   scripts/bench.sh            # desk and fund, threads, 64 to 4,096 instruments (about 15 minutes on 2 cores)
#   BENCH_BOOK=1 scripts/bench.sh   # also 16,384 instruments and the book shape, once each
#                                   # (about 42 minutes more on 2 cores, 19 GiB)
#
# Each `measure` run is one process under /usr/bin/time -v (peak RSS); criterion gives the
# medians and spreads of witness, keygen, prove and verify. Results go to target/bench/.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
out="$root/target/bench"
mkdir -p "$out"
: > "$out/measure.jsonl"
cargo build --release -p solvent-benches --bin measure
threads_all=$(nproc)

measure() { # SHAPE THREADS
  local log="$out/time-$1-t$2.txt"
  /usr/bin/time -v target/release/measure "$1" --threads "$2" > "$out/line.json" 2> "$log"
  local rss_kib
  rss_kib=$(awk -F: '/Maximum resident set size/ {gsub(/ /, "", $2); print $2}' "$log")
  python3 - "$out/line.json" "$rss_kib" "$1" >> "$out/measure.jsonl" <<'PY'
import json, sys
line = json.load(open(sys.argv[1]))
line["time_peak_rss_mib"] = int(sys.argv[2]) / 1024
line["name"] = sys.argv[3]
print(json.dumps(line))
PY
  echo "measured $1 with $2 threads"
}

# Shapes, threads, and the instrument scaling series (8 assets x 4 tiers, 16 scenarios).
measure desk 2
measure fund 2
measure desk 1
measure fund 1
if [ "$threads_all" -gt 2 ]; then measure fund "$threads_all"; fi
for instruments in 256 1024 4096; do measure "8x4x${instruments}x16" 2; done
if [ "${BENCH_BOOK:-0}" = 1 ]; then
  measure 8x4x16384x16 2
  measure book 2
fi

# Criterion: medians and spreads.
SOLVENT_BENCH_SHAPES=desk,fund cargo bench -p solvent-benches --bench prove

# The plot needs matplotlib: installed into a virtual environment under target/.
if [ ! -x "$out/venv/bin/python" ]; then python3 -m venv "$out/venv"; fi
"$out/venv/bin/pip" install --quiet --disable-pip-version-check "matplotlib==3.10.*"
"$out/venv/bin/python" scripts/benchmarks_md.py "$out/measure.jsonl" target/criterion BENCHMARKS.md docs/scaling.png
echo "wrote BENCHMARKS.md and docs/scaling.png"

#!/usr/bin/env bash
# Measures solvent and writes BENCHMARKS.md and docs/scaling.png.
#
#   scripts/bench.sh                # desk and fund, threads, 64 to 4,096 instruments, gas, the same
#                                   # desk and fund figures of circuit v1, and desk and fund with every
#                                   # limit of risk model v2 (about 30 minutes on 2 cores)
#   BENCH_BOOK=1 scripts/bench.sh   # also 16,384 instruments, book and bank, once each, and circuit
#                                   # v1's book (about 50 minutes more on 2 cores, 19 GiB for v1's book)
#   scripts/bench.sh signed         # only signed holdings: desk and fund, desk with 4 sources and fund
#                                   # with 16 (one statement each), their prove figures and gas, in
#                                   # one run (about 5 minutes); rewrites only that section of
#                                   # BENCHMARKS.md. The full run measures them too.
#   scripts/bench.sh audit          # only `solvent audit series` on 90 and 1,000 daily desk
#                                   # attestations (about 12 minutes, most of it proving the series);
#                                   # rewrites only that section of BENCHMARKS.md. The full run
#                                   # measures the 90 (BENCH_AUDIT_SERIES="90 1000" for both).
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
threads_all=$(nproc)

# `solvent audit series` over N daily desk attestations with openings and realized prices
# (benches/src/bin/audit_series.rs writes them, proved under the committed k = 12 ceremony file):
# one review to fill the key cache, then the measured one under /usr/bin/time -v.
audit_series() { # N
  local n="$1" dir="$out/audit-$1" srs="$root/params/fixtures/kzg_bn254_12.srs"
  if [ ! -f "$dir/realized.csv" ]; then
    rm -rf "$dir"
    /usr/bin/time -v target/release/audit_series "$n" "$dir" 2> "$out/time-audit-generate-$n.txt"
  fi
  local review=(target/release/solvent audit series "$dir/attestations" --policies "$dir/policies"
    --openings "$dir/openings" --realized "$dir/realized.csv" --max-gap 90000 --srs "$srs"
    --keys "$out/audit-keys" --json)
  "${review[@]}" > /dev/null || [ $? -eq 1 ]
  local status=0
  /usr/bin/time -v "${review[@]}" --out "$dir/report" > "$dir/series.json" 2> "$out/time-audit-$n.txt" || status=$?
  [ "$status" -le 1 ] || { cat "$out/time-audit-$n.txt"; exit 1; }
  python3 - "$n" "$status" "$dir/series.json" "$out/time-audit-$n.txt" "$out/time-audit-generate-$n.txt" >> "$out/audit.jsonl" <<'PY'
import json, re, sys
n, status, series, review_log, generate_log = sys.argv[1:6]
def time_v(path):
    text = open(path).read()
    clock = re.search(r"Elapsed \(wall clock\) time.*: (.*)", text).group(1).split(":")
    seconds = sum(float(x) * 60 ** i for i, x in enumerate(reversed(clock)))
    rss_kib = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", text).group(1))
    return seconds, rss_kib / 1024
report = json.load(open(series))
review_s, review_mib = time_v(review_log)
generate_s, _ = time_v(generate_log)
accounts = report["backtest"]["per_account"] if report.get("backtest") else []
print(json.dumps({
    "attestations": int(n), "exit": int(status), "review_s": review_s, "review_peak_rss_mib": review_mib,
    "generate_s": generate_s, "valid": report["summary"]["valid"], "opened": report["summary"]["opened"],
    "findings": report["summary"]["findings"], "exceedances": report["summary"]["exceedances"],
    "observations": sum(a["observations"] for a in accounts), "zones": [a["zone"] for a in accounts],
}))
PY
  echo "reviewed $n attestations"
}

record() { # FILE NAME VERSION, the JSON line on stdin
  python3 -c '
import json, sys
line = json.loads(sys.stdin.read())
line["name"], line["version"] = sys.argv[1], sys.argv[2]
if len(sys.argv) > 3:
    line["time_peak_rss_mib"] = int(sys.argv[3]) / 1024
print(json.dumps(line))' "${@:2}" >> "$1"
}

# Signed holdings (docs/design.md §12) next to the same shapes without sources, this commit's
# binaries, back to back: prove figures (one `measure` process each, 2 threads) and gas.
signed_holdings() {
  : > "$out/signed.jsonl"
  : > "$out/signed-gas.jsonl"
  for shape in desk desk-s4 fund fund-s16; do
    /usr/bin/time -v target/release/measure "$shape" --threads 2 > "$out/line.json" 2> "$out/time-signed-$shape.txt"
    rss_kib=$(awk -F: '/Maximum resident set size/ {gsub(/ /, "", $2); print $2}' "$out/time-signed-$shape.txt")
    record "$out/signed.jsonl" "$shape" v2 "$rss_kib" < "$out/line.json"
    target/release/gas "$shape" | record "$out/signed-gas.jsonl" "$shape" v2
    echo "measured $shape (signed holdings section)"
  done
}

cargo build --release -p solvent-benches --bin audit_series -p solvent-prover --bin solvent
if [ "${1:-}" = signed ]; then
  cargo build --release -p solvent-benches --bin measure --bin gas
  signed_holdings
  python3 scripts/benchmarks_md.py --signed-section "$out/signed.jsonl" "$out/signed-gas.jsonl" BENCHMARKS.md
  echo "rewrote the signed holdings section of BENCHMARKS.md"
  exit 0
fi
if [ "${1:-}" = audit ]; then
  : > "$out/audit.jsonl"
  for n in ${BENCH_AUDIT_SERIES:-90 1000}; do audit_series "$n"; done
  python3 scripts/benchmarks_md.py --audit-section "$out/audit.jsonl" BENCHMARKS.md
  echo "rewrote the audit section of BENCHMARKS.md"
  exit 0
fi
: > "$out/measure.jsonl"
: > "$out/gas.jsonl"
: > "$out/audit.jsonl"

# The baseline's binaries: its own sources at its own commit, its own target directory.
baseline_src="$out/baseline-src"
baseline_target="$out/baseline-target"
if [ ! -d "$baseline_src" ]; then git worktree add --detach "$baseline_src" "$baseline"; fi
git -C "$baseline_src" checkout --quiet --detach "$baseline"
(cd "$baseline_src" && CARGO_TARGET_DIR="$baseline_target" cargo build --release -p solvent-benches --bin measure --bin gas)
cargo build --release -p solvent-benches --bin measure --bin gas

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

for n in ${BENCH_AUDIT_SERIES:-90}; do audit_series "$n"; done
signed_holdings

# Criterion: medians and spreads.
SOLVENT_BENCH_SHAPES=desk,fund,desk-v2,fund-v2 cargo bench -p solvent-benches --bench prove

# The plot needs matplotlib: installed into a virtual environment under target/.
if [ ! -x "$out/venv/bin/python" ]; then python3 -m venv "$out/venv"; fi
"$out/venv/bin/pip" install --quiet --disable-pip-version-check "matplotlib==3.10.*"
"$out/venv/bin/python" scripts/benchmarks_md.py "$out/measure.jsonl" "$out/gas.jsonl" target/criterion BENCHMARKS.md docs/scaling.png "$out/audit.jsonl"
python3 scripts/benchmarks_md.py --signed-section "$out/signed.jsonl" "$out/signed-gas.jsonl" BENCHMARKS.md
echo "wrote BENCHMARKS.md and docs/scaling.png"

#!/usr/bin/env bash
# The auditor's report as a person sees it: proves a small series with the solvent binary (two
# policies, a rotation, openings, realized prices with one exceedance), writes the report with
# `solvent audit series --out`, and renders index.html in Debian's headless Chromium (driven by
# playwright-core from npm): the rendered text shows every attestation and finding, the four
# charts are drawn, no request leaves the page, and a screenshot is kept in
# target/report-check/screenshot.png. Kept out of scripts/test.sh because installing Chromium
# (Debian's package, about 100 others with it) takes a minute or more; the run itself takes
# about 10 s after the build.
set -euo pipefail
cd "$(dirname "$0")/.."

if ! [ -x /usr/bin/chromium ]; then
  sudo=""; [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -q
  $sudo apt-get install -y -q chromium
fi
npm ci --no-audit --no-fund --prefix scripts/report-check
cargo build -q -p solvent-prover --bin solvent
solvent="$PWD/target/debug/solvent"
srs="$PWD/params/fixtures/kzg_bn254_12.srs"

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
mkdir -p "$work"/{attestations,policies,openings}
export SOLVENT_KEYS="$work/keys"
policy=model/tests/vectors/span-policy.json
cp "$policy" "$work/policies/span.json"
sed -e 's/"id": "span"/"id": "span-2"/' -e 's/"effective_at": 100, "expires_at": 200/"effective_at": 160, "expires_at": 300/' \
  -e 's/"margin_ratio": "1.5"/"margin_ratio": "1.6"/' "$policy" > "$work/policies/span-2.json"
cat > "$work/portfolio.json" <<'JSON'
{"schema": "solvent/portfolio/v1", "account": "0x00000000000000000000000000000000000000aa",
 "balances": {"USDC": "50000", "BTC": "6"}, "debts": {"USDC": "10000"}, "positions": {"BTC-PERP": "1", "BTC-C-25000": "-2"}}
JSON
prove() { # NAME POLICY TIME
  "$solvent" prove --policy "$work/policies/$2.json" --portfolio "$work/portfolio.json" --time "$3" --srs "$srs" \
    --out "$work/attestations/$1.json" --opening "$work/openings/$1.opening.json" 2>/dev/null
}
prove d1 span 110
prove d2 span 130
prove d3 span 170
prove d4 span-2 180
printf 'time,id,price\n100,USDC,1\n100,BTC,20000\n100,BTC-PERP,20000\n100,BTC-C-25000,100\n140,BTC,16000\n140,BTC-PERP,16000\n140,BTC-C-25000,50\n200,USDC,1\n' > "$work/realized.csv"

status=0
"$solvent" audit series "$work/attestations" --policies "$work/policies" --openings "$work/openings" --srs "$srs" \
  --max-gap 25 --realized "$work/realized.csv" --horizon 20 --out "$work/report" || status=$?
if [ "$status" -ne 1 ]; then
  echo "FAIL: audit series exited $status, not 1 (the series has findings)" >&2
  exit 1
fi
mkdir -p target/report-check
node scripts/report-check/check.mjs "$work/report/index.html" target/report-check/screenshot.png \
  "Audit series" "4 files: 4 VALID, 4 opened" "d1.json" "d2.json" "d3.json" "d4.json" "superseded policy" "gap" \
  "Headroom over time" "Realized loss over 20 s against the risk charge" "27900" "yellow"

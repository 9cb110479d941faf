"""Writes BENCHMARKS.md and the scaling plot from scripts/bench.sh's results.

usage: benchmarks_md.py MEASURE_JSONL GAS_JSONL CRITERION_DIR OUT_MD OUT_PNG [AUDIT_JSONL]
       benchmarks_md.py --audit-section AUDIT_JSONL MD   (rewrites only that section of MD)
       benchmarks_md.py --signed-section SIGNED_JSONL SIGNED_GAS_JSONL MD   (likewise)
"""
import json
import os
import platform
import sys

AUDIT_TITLE = "## Auditing a series (`solvent audit series`)"
# Issue 26's targets: (attestations, seconds).
AUDIT_TARGETS = {90: 10.0, 1000: 60.0}


def audit_section(path):
    """The section of `solvent audit series` measurements, from scripts/bench.sh's audit.jsonl."""
    runs = [json.loads(line) for line in open(path) if line.strip()] if os.path.exists(path) else []
    if not runs:
        return []
    lines = [
        AUDIT_TITLE,
        "",
        "Daily desk attestations (`benches/src/bin/audit_series.rs`: policies rotated every 90 days, the",
        "committed k = 12 ceremony file, an opening each, realized prices every 6 hours), reviewed with",
        "openings and the backtest (`--realized`, horizon 1 day) after a first review filled the key",
        "cache; one process under `/usr/bin/time -v`. Proving the series is shown for scale only.",
        "",
        "| attestations | review (wall) | peak memory | required | | VALID / opened | findings | exceedances / observations | zone | proving the series |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in runs:
        n = r["attestations"]
        limit = AUDIT_TARGETS.get(n)
        verdict = "" if limit is None else ("met" if r["review_s"] <= limit else "not met")
        required = "" if limit is None else f"<= {limit:.0f} s"
        lines.append(
            f"| {n:,} | {r['review_s']:.2f} s | {r['review_peak_rss_mib']:,.1f} MiB | {required} | {verdict}"
            f" | {r['valid']:,} / {r['opened']:,} | {r['findings']} | {r['exceedances']:,} / {r['observations']:,}"
            f" | {', '.join(r['zones'])} | {r['generate_s'] / 60:.1f} min |"
        )
    if len(runs) > 1:
        first, last = runs[0], runs[-1]
        growth = (last["review_peak_rss_mib"] - first["review_peak_rss_mib"]) / (last["attestations"] - first["attestations"])
        lines += [
            "",
            f"Memory grows by {growth * 1024:,.1f} KiB per attestation from {first['attestations']:,} to"
            f" {last['attestations']:,}: one attestation and its opening are held at a time, plus the table and"
            " the report built from it (series.json, index.html and series.csv are written whole, after the review).",
        ]
    return lines + [""]


SIGNED_TITLE = "## Signed holdings (issue 23)"
# Issue 23's targets: (shape with sources, shape without, required ratio, goal ratio).
SIGNED_TARGETS = [("desk-s4", "desk", 1.5, 1.25), ("fund-s16", "fund", 1.5, 1.25)]


def signed_section(path, gas_path):
    """The section of signed holdings, from scripts/bench.sh's signed.jsonl and signed-gas.jsonl."""
    runs = {r["name"]: r for r in (json.loads(line) for line in open(path) if line.strip())}
    gas = {r["name"]: r for r in (json.loads(line) for line in open(gas_path) if line.strip())}
    lines = [
        SIGNED_TITLE,
        "",
        "Synthetic books (`benches/src/lib.rs`: `-sK` = K sources attesting every kind, one statement each,",
        "the portfolio's nonzero cells dealt out in turn, item slots for an equal share), 2 threads, one",
        "`measure` process each under `/usr/bin/time -v`, the same run; gas in revm under mainnet rules.",
        "",
        "| shape | k | rows (sponge) | columns (advice, fixed) | keygen | prove | peak memory | proof | verify | verify tx | attest tx | verifier code |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for name, r in runs.items():
        g = gas.get(name, {})
        lines.append(
            f"| {name} ({r['shape']}) | {r['k']} | {r['rows']:,} ({r['sponge_rows']:,}) | {r['advice_columns']}, {r['fixed_columns']}"
            f" | {r['keygen_s']:.2f} s | {r['prove_s']:.2f} s | {r['time_peak_rss_mib']:,.0f} MiB | {r['proof_bytes']:,} B"
            f" | {r['verify_ms']:.2f} ms | {g.get('verify_tx_gas', 0):,} | {g.get('attest_tx_gas', 0):,} | {g.get('verifier_runtime_bytes', 0):,} B |"
        )
    lines += ["", "| target | required | goal | measured | |", "|---|---|---|---|---|"]
    for signed, plain, required, goal in SIGNED_TARGETS:
        if signed in runs and plain in runs:
            ratio = runs[signed]["prove_s"] / runs[plain]["prove_s"]
            verdict = "met" if ratio <= required else "not met"
            lines.append(
                f"| prove, {signed} against {plain} | <= {required}x | <= {goal}x"
                f" | {runs[signed]['prove_s']:.2f} s / {runs[plain]['prove_s']:.2f} s = {ratio:.1f}x | {verdict} |"
            )
    # Rows of one in-circuit signature (measure's `signature_rows`: the ladder's and the challenge's,
    # on the signature chips' own columns).
    signature_rows = next((r["signature_rows"] for r in runs.values() if r.get("signature_rows")), None)
    if signature_rows:
        verdict = "met" if signature_rows <= 3000 else "not met"
        lines.append(f"| rows per in-circuit signature | reported | <= 3,000 | {signature_rows:,} rows of the signature columns | {verdict} |")
    for signed, plain, _, _ in SIGNED_TARGETS:
        if signed in runs and plain in runs and signed in gas and plain in gas:
            s, p, gs, gp = runs[signed], runs[plain], gas[signed], gas[plain]
            worst = max(s["proof_bytes"] / p["proof_bytes"], s["verify_ms"] / p["verify_ms"], gs["verify_tx_gas"] / gp["verify_tx_gas"])
            lines.append(
                f"| proof, verify, gas: {signed} against {plain} | within 10% | unchanged"
                f" | {s['proof_bytes'] / p['proof_bytes']:.2f}x, {s['verify_ms'] / p['verify_ms']:.2f}x, {gs['verify_tx_gas'] / gp['verify_tx_gas']:.2f}x"
                f" | {'met' if worst <= 1.1 else 'not met'} |"
            )
    return lines + [""]


def rewrite_section(md_path, title, section):
    """Replaces the section `title` of `md_path` (or inserts it before "Where the time goes")."""
    old = open(md_path).read().split("\n")
    if title in old:
        start = old.index(title)
        end = next((i for i in range(start + 1, len(old)) if old[i].startswith("## ")), len(old))
        old[start:end] = section
    else:
        at = next((i for i, line in enumerate(old) if line.startswith("## Where the time goes")), len(old))
        old[at:at] = section
    open(md_path, "w").write("\n".join(old))


if len(sys.argv) == 4 and sys.argv[1] == "--audit-section":
    rewrite_section(sys.argv[3], AUDIT_TITLE, audit_section(sys.argv[2]))
    sys.exit(0)
if len(sys.argv) == 5 and sys.argv[1] == "--signed-section":
    rewrite_section(sys.argv[4], SIGNED_TITLE, signed_section(sys.argv[2], sys.argv[3]))
    sys.exit(0)

import matplotlib  # noqa: E402

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

measure_path, gas_path, criterion_dir, out_md, out_png = sys.argv[1:6]
runs = [json.loads(line) for line in open(measure_path) if line.strip()]
gas_runs = [json.loads(line) for line in open(gas_path) if line.strip()]


def machine():
    model = "unknown CPU"
    for line in open("/proc/cpuinfo"):
        if line.startswith("model name"):
            model = line.split(":", 1)[1].strip()
            break
    mem_kib = next(int(l.split()[1]) for l in open("/proc/meminfo") if l.startswith("MemTotal"))
    return f"{model}, {os.cpu_count()} cores, {mem_kib / 2**20:.0f} GiB, {platform.system()} {platform.release()}"


def criterion(group, name):
    path = os.path.join(criterion_dir, group, name, "new", "estimates.json")
    sample_path = os.path.join(criterion_dir, group, name, "new", "sample.json")
    if not os.path.exists(path):
        return None
    median = json.load(open(path))["median"]
    sample = json.load(open(sample_path))
    per_iter = [t / n for t, n in zip(sample["times"], sample["iters"])]
    return median["point_estimate"] / 1e9, min(per_iter) / 1e9, max(per_iter) / 1e9, len(per_iter)


def seconds(s):
    if s < 1e-3:
        return f"{s * 1e6:.0f} µs"
    if s < 1:
        return f"{s * 1e3:.1f} ms"
    if s < 120:
        return f"{s:.2f} s"
    return f"{s / 60:.1f} min"


def size(b):
    if b is None:
        return "not measured"
    if b < 10_000:
        return f"{b:,} B"
    if b < 10 * 2**20:
        return f"{b / 1024:,.0f} KiB"
    return f"{b / 2**20:,.0f} MiB"


def memory(mib):
    return f"{mib:,.0f} MiB" if mib < 2048 else f"{mib / 1024:.1f} GiB"


def run_of(name, threads, version="v2"):
    found = [r for r in runs if r["name"] == name and r["threads"] == threads and r["version"] == version]
    return found[-1] if found else None


def gas_of(name, version="v2"):
    found = [g for g in gas_runs if g["name"] == name and g["version"] == version]
    return found[-1] if found else None


def prove_time(name, version="v2"):
    """The criterion median where there is one (v2 desk and fund), else the one-shot figure."""
    c = criterion(name, "prove") if version == "v2" else None
    r = run_of(name, 2, version)
    if c:
        return c[0], "criterion median"
    if r:
        return r["prove_s"], "one run"
    return None, None


def verify_ms(name, version="v2"):
    c = criterion(name, "verify") if version == "v2" else None
    if c:
        return c[0] * 1e3
    r = run_of(name, 2, version)
    return r["verify_ms"] if r else None


SHAPE_LABELS = {"desk": "desk (8 x 4, 64, 16)", "fund": "fund (32 x 4, 1,024, 16)", "book": "book (64 x 4, 16,384, 32)", "bank": "bank (64 x 4, 65,536, 32)"}

lines = ["# Benchmarks", "", f"Generated by `scripts/bench.sh` (do not edit by hand). Machine: {machine()}.", ""]
lines += [
    "Every figure below was measured in the same run of the script, one process at a time, with the",
    "development SRS (the same size and work as a ceremony file). Criterion figures: median and the",
    "fastest and slowest sample. One-shot figures come from the `measure` binary under",
    "`/usr/bin/time -v` (peak RSS of the whole process: SRS generation, keygen, proving, verifying).",
    "Gas: the `gas` binary, revm under mainnet rules. \"v1\" is the last commit of circuit v1 (the",
    "policy hashed in-circuit), built from its own sources and measured in this run; \"v2\" is this",
    "commit (the policy as committed public columns).",
    "",
]

# Before and after.
lines += ["## Circuit v1 and v2, this run", "", "| shape | | v1 | v2 | ratio |", "|---|---|---|---|---|"]
for name in ["desk", "fund", "book", "bank"]:
    old, new = run_of(name, 2, "v1"), run_of(name, 2)
    if new is None:
        continue
    label = SHAPE_LABELS[name]
    old_prove, _ = prove_time(name, "v1")
    new_prove, how = prove_time(name)
    lines.append(f"| {label} | k | {old['k'] if old else 'does not fit'} | {new['k']} ({new['lanes']} public lanes) | |")
    lines.append(f"| | rows | {old['rows']:,} ({old['poseidon_rows']:,} Poseidon) | {new['rows']:,} ({new['sponge_rows']:,} Poseidon) | {new['rows'] / old['rows']:.2f}x |" if old else f"| | rows | | {new['rows']:,} ({new['sponge_rows']:,} Poseidon) | |")
    ratio = f"{new_prove / old_prove:.2f}x ({old_prove / new_prove:.1f} times faster)" if old else ""
    lines.append(f"| | prove, 2 threads | {seconds(old_prove) + ' (one run)' if old else 'not proven'} | {seconds(new_prove)} ({how}) | {ratio} |")
    lines.append(f"| | peak memory | {memory(old['time_peak_rss_mib']) if old else ''} | {memory(new['time_peak_rss_mib'])} | {new['time_peak_rss_mib'] / old['time_peak_rss_mib']:.2f}x |" if old else f"| | peak memory | | {memory(new['time_peak_rss_mib'])} | |")
    lines.append(f"| | keygen | {seconds(old['keygen_s']) if old else ''} | {seconds(new['keygen_s'])} | |")
    lines.append(f"| | proof | {size(old['proof_bytes']) if old else ''} | {size(new['proof_bytes'])} | |")
    lines.append(f"| | native verify (v2: policy commitment cached) | {old['verify_ms']:.2f} ms | {verify_ms(name):.2f} ms | |" if old else f"| | native verify (policy commitment cached) | | {verify_ms(name):.2f} ms | |")
    lines.append(f"| | policy commitment (once per policy) | | {seconds(new['commitment_s'])} | |")
    old_gas, new_gas = gas_of(name, "v1"), gas_of(name)
    if old_gas and new_gas:
        lines.append(f"| | verify transaction | {old_gas['verify_tx_gas']:,} gas | {new_gas['verify_tx_gas']:,} gas | {new_gas['verify_tx_gas'] / old_gas['verify_tx_gas']:.2f}x |")
        lines.append(f"| | `SolvencyGate.attest` transaction | {old_gas['attest_tx_gas']:,} gas | {new_gas['attest_tx_gas']:,} gas | |")
        lines.append(
            f"| | verifier runtime code | {old_gas['verifier_part1_runtime_bytes'] + old_gas['verifier_runtime_bytes']:,} B in two contracts"
            f" | {new_gas['verifier_runtime_bytes']:,} B in one | |"
        )
        lines.append(f"| | registering a policy (`acceptPolicy`) | | {new_gas['accept_policy_gas']:,} gas | |")
lines += [""]

# Risk model v2 (every limit on) next to risk model v1, same counts, this commit.
v2_rows = []
for name in ["desk", "fund"]:
    base, full = run_of(name, 2), run_of(f"{name}-v2", 2)
    if base is None or full is None:
        continue
    t1, how1 = prove_time(name)
    t2, how2 = prove_time(f"{name}-v2")
    extra = (t2 - t1) / t1
    v2_rows.append((name, extra))
    g1, g2 = gas_of(name), gas_of(f"{name}-v2")
    lines_v2 = [
        f"| {SHAPE_LABELS[name]} | shape | {base['shape']} | {full['shape']} | |",
        f"| | k, lanes | {base['k']}, {base['lanes']} | {full['k']}, {full['lanes']} | |",
        f"| | rows | {base['rows']:,} | {full['rows']:,} | {full['rows'] / base['rows']:.2f}x |",
        f"| | lookups | {base['lookups']} | {full['lookups']} | |",
        f"| | prove, 2 threads | {seconds(t1)} ({how1}) | {seconds(t2)} ({how2}) | +{100 * extra:.0f}% |",
        f"| | peak memory | {memory(base['time_peak_rss_mib'])} | {memory(full['time_peak_rss_mib'])} | {full['time_peak_rss_mib'] / base['time_peak_rss_mib']:.2f}x |",
        f"| | keygen | {seconds(base['keygen_s'])} | {seconds(full['keygen_s'])} | |",
        f"| | proof | {size(base['proof_bytes'])} | {size(full['proof_bytes'])} | |",
        f"| | native verify (policy commitment cached) | {verify_ms(name):.2f} ms | {verify_ms(f'{name}-v2'):.2f} ms | |",
    ]
    if g1 and g2:
        lines_v2.append(f"| | verify transaction | {g1['verify_tx_gas']:,} gas | {g2['verify_tx_gas']:,} gas | {g2['verify_tx_gas'] / g1['verify_tx_gas']:.2f}x |")
        lines_v2.append(f"| | `SolvencyGate.attest` transaction | {g1['attest_tx_gas']:,} gas | {g2['attest_tx_gas']:,} gas | |")
    v2_rows.append(lines_v2)
if v2_rows:
    lines += [
        "## Risk model v2: every limit on, next to v1",
        "",
        "The same counts with every limit of risk model v2 on (`desk-v2`, `fund-v2` in `benches/src/lib.rs`: a",
        "concentration cap per asset, 4 underlyings with net delta limits, a delta, position limit and",
        "add-on per instrument, an oracle-latency buffer), against the risk model v1 policy of the same",
        "counts, both with this commit's binaries in this run.",
        "",
        "| shape | | risk model v1 | risk model v2, every limit | ratio |",
        "|---|---|---|---|---|",
    ]
    for row in v2_rows:
        if isinstance(row, list):
            lines += row
    lines += [""]

# Targets of the circuit v2 issue.
targets = []


def target(what, measured, required, goal, met_required, met_goal):
    if not goal:
        verdict = "met" if met_required else "**not met**"
    else:
        verdict = "required and goal met" if met_goal else ("required met, goal not" if met_required else "**not met**")
    targets.append(f"| {what} | {measured} | {required} | {goal} | {verdict} |")


for name, req, goal, req_mem in [("desk", 0.7, 0.4, None), ("fund", 5, 3, 400), ("book", 120, 60, 4096), ("bank", None, 480, None)]:
    r = run_of(name, 2)
    if r is None:
        continue
    t, how = prove_time(name)
    mem = r["time_peak_rss_mib"]
    measured = f"{seconds(t)} ({how}), {memory(mem)}"
    ok_req = (req is None or t <= req) and (req_mem is None or mem <= req_mem)
    required = "proven on this machine" if req is None else f"<= {seconds(req)}" + (f", <= {memory(req_mem)}" if req_mem else "")
    target(f"{name} prove / memory", measured, required, f"<= {seconds(goal)}", ok_req, ok_req and t <= goal)
verify_gas = [gas_of(n) for n in ["desk", "fund"] if gas_of(n)]
if verify_gas:
    worst = max(g["verify_tx_gas"] for g in verify_gas)
    target("verify transaction (desk, fund)", " / ".join(f"{g['verify_tx_gas']:,}" for g in verify_gas) + " gas", "<= 400,000", "<= 300,000", worst <= 400_000, worst <= 300_000)
proofs = [r["proof_bytes"] for r in runs if r["version"] == "v2" and not r["name"].endswith("-v2")]
if proofs:
    target("proof (risk model v1 policies)", f"{max(proofs):,} B", "<= 3,000 B", "<= 2,048 B", max(proofs) <= 3000, max(proofs) <= 2048)
verifies = {n: verify_ms(n) for n in ["desk", "fund", "book", "bank"] if run_of(n, 2)}
if verifies:
    worst = max(verifies.values())
    target("native verify, policy commitment cached", ", ".join(f"{n} {v:.2f} ms" for n, v in verifies.items()), "<= 5 ms at every shape", "", worst <= 5, worst <= 5)
commitments = {n: run_of(n, 2)["commitment_s"] for n in ["fund", "book"] if run_of(n, 2)}
if commitments:
    ok = commitments.get("fund", 0) <= 1 and commitments.get("book", 0) <= 10
    target("computing a policy commitment (fund / book)", " / ".join(f"{n} {seconds(v)}" for n, v in commitments.items()), "<= 1 s / <= 10 s", "", ok, ok)
for row in v2_rows:
    if isinstance(row, tuple):
        name, extra = row
        target(f"risk model v2 extra prove time ({name})", f"+{100 * extra:.0f}% of v1's", "< +50%", "", extra < 0.5, extra < 0.5)
lines += ["## Targets", "", "| | measured | required | goal | |", "|---|---|---|---|---|", *targets, ""]

for name in ["desk", "fund", "book", "bank"]:
    r = run_of(name, 2)
    if r is None:
        continue
    lines += [f"## {name}: {r['shape']}", ""]
    lines += ["| | |", "|---|---|"]
    lines += [
        f"| k, public lanes | {r['k']}, {r['lanes']} |",
        f"| rows used | {r['rows']:,} of {2 ** r['k']:,} ({r['sponge_rows']:,} of them Poseidon: the portfolio commitment) |",
        f"| columns | {r['advice_columns']} advice, {r['fixed_columns']} fixed, {r['lookups']} lookup, degree {r['degree']} |",
        f"| threads | {r['threads']} |",
    ]
    for step in ["witness", "keygen", "prove", "policy commitment", "verify"]:
        c = criterion(name, step)
        if c:
            lines.append(f"| {step} (criterion, {c[3]} samples) | {seconds(c[0])} median ({seconds(c[1])} to {seconds(c[2])}) |")
    lines += [
        f"| one-shot: witness / keygen / prove | {seconds(r['witness_s'])} / {seconds(r['keygen_s'])} / {seconds(r['prove_s'])} |",
        f"| one-shot: policy commitment | {seconds(r['commitment_s'])} |",
        f"| one-shot: native verify, commitment cached (median of 21) | {r['verify_ms']:.2f} ms |",
        f"| development SRS generation (not part of proving) | {seconds(r['dev_srs_s'])} |",
        f"| peak memory (RSS) | {memory(r['time_peak_rss_mib'])} |",
        f"| proof | {size(r['proof_bytes'])} |",
        f"| proving key / verifying key / verifier key | {size(r['pk_bytes'])} / {size(r['vk_bytes'])} / {size(r['verifier_key_bytes'])} |",
        "",
    ]

lines += ["## Threads", "", "| shape | threads | prove | ratio to 1 thread | peak memory |", "|---|---|---|---|---|"]
for name in ["desk", "fund"]:
    one = run_of(name, 1)
    for r in sorted((r for r in runs if r["name"] == name and r["version"] == "v2"), key=lambda r: r["threads"]):
        ratio = f"{one['prove_s'] / r['prove_s']:.2f}x faster" if one else ""
        lines.append(f"| {name} | {r['threads']} | {seconds(r['prove_s'])} | {ratio} | {memory(r['time_peak_rss_mib'])} |")
lines += [""]

series = sorted(
    (r for r in runs if r["version"] == "v2" and r["threads"] == 2 and r["shape"].startswith("8a4t") and r["shape"].endswith("i16s")),
    key=lambda r: int(r["shape"][4:-4]),
)
if series:
    base = series[0]
    lines += [
        "## Scaling with instruments",
        "",
        "8 assets x 4 tiers, 16 scenarios, 2 threads; ratios against the 64-instrument run.",
        "",
        "| instruments | k | rows (Poseidon) | prove | ratio | peak memory | ratio |",
        "|---|---|---|---|---|---|---|",
    ]
    for r in series:
        lines.append(
            f"| {int(r['shape'][4:-4]):,} | {r['k']} | {r['rows']:,} ({r['sponge_rows']:,}) | {seconds(r['prove_s'])} | {r['prove_s'] / base['prove_s']:.1f}x"
            f" | {memory(r['time_peak_rss_mib'])} | {r['time_peak_rss_mib'] / base['time_peak_rss_mib']:.1f}x |"
        )
    lines += ["", f"![prove time and memory against instruments]({os.path.relpath(out_png, os.path.dirname(out_md) or '.')})", ""]
    xs = [int(r["shape"][4:-4]) for r in series]
    fig, ax = plt.subplots(figsize=(6, 3.6), dpi=120)
    ax.loglog(xs, [r["prove_s"] for r in series], "o-", label="prove (s)")
    ax.loglog(xs, [r["time_peak_rss_mib"] / 1024 for r in series], "s--", label="peak memory (GiB)")
    ax.set_xlabel("instruments (8 assets x 4 tiers, 16 scenarios)")
    ax.set_title(f"solvent prover, 2 threads, {os.cpu_count()}-core machine")
    ax.grid(True, which="both", alpha=0.3)
    ax.legend()
    fig.tight_layout()
    os.makedirs(os.path.dirname(out_png) or ".", exist_ok=True)
    fig.savefig(out_png)

if len(sys.argv) > 6:
    lines += audit_section(sys.argv[6])

notes = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "docs", "benchmarks-notes.md")
if os.path.exists(notes):
    lines += [open(notes).read().rstrip(), ""]
open(out_md, "w").write("\n".join(lines) + "\n")

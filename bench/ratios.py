"""Medians and ratios for bench/compare_with_torch_sklearn.sh (standard library only).

Reads JSON lines: `gradlab bench --json` objects, and bench/torch_sklearn.py's
objects for PyTorch at 1 and at 2 threads (each also holds scikit-learn's
figures, so scikit-learn gets the median of both files' runs). Prints per
workload the medians of samples per second, the ratios of gradlab to
PyTorch and to scikit-learn, large_cls's GFLOP/s and PyTorch's share of the
measured f32 peak, large_cls against a step made only of its matrix
products (what the ratio to PyTorch could be at most with the same
matrix-product library), its ratio round by round and the range of its
single runs (the host swings), and gradlab's speed targets with whether
they are met.
"""

import argparse
import json
import statistics

WORKLOADS = ["tiny_reg", "tiny_cls", "large_cls"]

# gradlab's speed targets. large_cls's minimum ratio to PyTorch at 2 threads:
LARGE_CLS_TARGET = 1.5

# (workload, reference column, minimum ratio): on the tiny networks, where a
# framework's per-step overhead dominates, far ahead of both frameworks.
RATIO_TARGETS = [
    ("tiny_reg", "torch1", 50.0),
    ("tiny_reg", "sklearn", 30.0),
    ("tiny_cls", "torch1", 50.0),
    ("tiny_cls", "sklearn", 30.0),
    ("large_cls", "torch2", LARGE_CLS_TARGET),
]
# large_cls's share of the measured f32 peak, in percent.
PEAK_TARGET_PERCENT = 70.0

NAMES = {
    "torch1": "PyTorch 1 thread",
    "torch2": "PyTorch 2 threads",
    "sklearn": "scikit-learn",
}


def read_lines(path):
    with open(path, encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def median(values):
    return statistics.median(values) if values else float("nan")


def fmt_rate(value):
    return f"{value:,.0f}" if value == value else "-"


def fmt_ratio(value):
    if value != value:
        return "-"
    if value < 10:
        return f"{value:.2f}×"
    return f"{value:.1f}×" if value < 100 else f"{value:,.0f}×"


def large_cls_reports(gradlab):
    """The large_cls entries of every `gradlab bench --json` object, in order."""
    return [w for report in gradlab for w in report["workloads"] if w["workload"] == "large_cls"]


def print_torch_share_of_peak(gradlab, torch2, peak):
    """PyTorch 2t's large_cls rate as a share of the same peak, by gradlab's
    FLOP count per sample (GFLOP/s ÷ samples/s), and what the target ratio
    of it is."""
    reports = [w for w in large_cls_reports(gradlab) if w["samples_per_second"] > 0]
    if not reports or torch2 != torch2:
        return
    flops_per_sample = median([w["gflops"] * 1e9 / w["samples_per_second"] for w in reports])
    share = 100 * torch2 * flops_per_sample / 1e9 / peak
    print(
        f"large_cls: PyTorch 2t ran at {share:.0f} % of that peak; "
        f"{LARGE_CLS_TARGET:g}× PyTorch 2t would be {LARGE_CLS_TARGET * share:.0f} % of it"
    )


def print_large_cls_spread(gradlab, torch2_runs):
    """large_cls round by round (gradlab's median against the PyTorch 2t run
    of the same round), and the range of every single run of each."""
    reports = large_cls_reports(gradlab)
    torch2 = [r["torch_large_cls"] for r in torch2_runs if "torch_large_cls" in r]
    if not reports or not torch2:
        return
    if len(reports) == len(torch2):
        paired = [w["samples_per_second"] / t for w, t in zip(reports, torch2)]
        met = sum(ratio >= LARGE_CLS_TARGET for ratio in paired)
        print(
            f"large_cls / PyTorch 2t round by round: {', '.join(fmt_ratio(r) for r in paired)} "
            f"(≥ {LARGE_CLS_TARGET:g}× in {met} of {len(paired)})"
        )
    runs = [x for w in reports for x in w.get("runs", [w["samples_per_second"]])]
    print(
        f"large_cls single runs: gradlab {fmt_rate(min(runs))}–{fmt_rate(max(runs))} samples/s, "
        f"PyTorch 2t {fmt_rate(min(torch2))}–{fmt_rate(max(torch2))}"
    )


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--gradlab", required=True)
    parser.add_argument("--torch1", required=True, help="the JSON lines of bench/torch_sklearn.py 1")
    parser.add_argument("--torch2", required=True, help="the JSON lines of bench/torch_sklearn.py 2")
    args = parser.parse_args()

    gradlab = read_lines(args.gradlab)
    torch1 = read_lines(args.torch1)
    torch2 = read_lines(args.torch2)

    per_workload = {name: [] for name in WORKLOADS}
    gflops, percent, peaks, threads = [], [], [], set()
    products_only = []
    for report in gradlab:
        threads.add(report["threads"])
        if report.get("peak_gflops") is not None:
            peaks.append(report["peak_gflops"])
        for w in report["workloads"]:
            per_workload[w["workload"]].append(w["samples_per_second"])
            if w.get("percent_of_peak") is not None:
                gflops.append(w["gflops"])
                percent.append(w["percent_of_peak"])
            if w.get("products_only_samples_per_second") is not None:
                products_only.append(w["products_only_samples_per_second"])

    table = {}
    for name in WORKLOADS:
        table[name] = {
            "gradlab": median(per_workload[name]),
            "torch1": median([r[f"torch_{name}"] for r in torch1 if f"torch_{name}" in r]),
            "torch2": median([r[f"torch_{name}"] for r in torch2 if f"torch_{name}" in r]),
            "sklearn": median(
                [r[f"sklearn_{name}"] for r in torch1 + torch2 if f"sklearn_{name}" in r]
            ),
        }

    rounds = len(gradlab)
    print(
        f"samples/s, median of {rounds} round(s) "
        f"(gradlab on {', '.join(map(str, sorted(threads)))} thread(s), f32; "
        f"scikit-learn over both PyTorch runs of each round)"
    )
    print()
    headings = ["workload", "gradlab", "PyTorch 1t", "PyTorch 2t", "sklearn",
                "/PyTorch 1t", "/PyTorch 2t", "/sklearn"]
    rows = []
    for name in WORKLOADS:
        t = table[name]
        rows.append([
            name,
            fmt_rate(t["gradlab"]),
            fmt_rate(t["torch1"]),
            fmt_rate(t["torch2"]),
            fmt_rate(t["sklearn"]),
            fmt_ratio(t["gradlab"] / t["torch1"]),
            fmt_ratio(t["gradlab"] / t["torch2"]),
            fmt_ratio(t["gradlab"] / t["sklearn"]),
        ])
    widths = [max(len(r[i]) for r in rows + [headings]) for i in range(len(headings))]
    for r in [headings] + rows:
        cells = [r[0].ljust(widths[0])] + [c.rjust(w) for c, w in zip(r[1:], widths[1:])]
        print("  ".join(cells).rstrip())

    met_all = True
    print()
    if peaks:
        print(
            f"large_cls: {median(gflops):.1f} GFLOP/s, {median(percent):.0f} % of the "
            f"measured f32 peak ({median(peaks):.1f} GFLOP/s on the same threads)"
        )
        print_torch_share_of_peak(gradlab, table["large_cls"]["torch2"], median(peaks))
    if products_only:
        ceiling = median(products_only)
        wanted = LARGE_CLS_TARGET * table["large_cls"]["torch2"]
        print(
            f"large_cls: its matrix products alone run at {fmt_rate(ceiling)} samples/s; "
            f"training reached {100 * table['large_cls']['gradlab'] / ceiling:.0f} % of that, "
            f"{LARGE_CLS_TARGET:g}× PyTorch 2t ({fmt_rate(wanted)}) is {100 * wanted / ceiling:.0f} % of it"
        )
    print_large_cls_spread(gradlab, torch2)
    print()
    print("speed targets:")
    checks = []
    for name, reference, minimum in RATIO_TARGETS:
        ratio = table[name]["gradlab"] / table[name][reference]
        checks.append((f"{name} ≥ {minimum:g}× {NAMES[reference]}", fmt_ratio(ratio), ratio >= minimum))
    if percent:
        p = median(percent)
        checks.append(
            (f"large_cls ≥ {PEAK_TARGET_PERCENT:.0f} % of peak", f"{p:.0f} %", p >= PEAK_TARGET_PERCENT)
        )
    label_width = max(len(label) for label, _, _ in checks)
    value_width = max(len(value) for _, value, _ in checks)
    for label, value, met in checks:
        met_all &= met
        print(f"  {label:<{label_width}}  {value:>{value_width}}  {'met' if met else 'NOT met'}")
    print(f"  all met: {'yes' if met_all else 'no'}")


if __name__ == "__main__":
    main()

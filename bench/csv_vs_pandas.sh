#!/usr/bin/env bash
# gradlab's CSV loading against pandas.read_csv, on 1,000,000 rows × 10
# numeric columns. The targets: at least as fast as pandas, with peak memory
# under twice the data as f32.
#
#   bench/csv_vs_pandas.sh [ROUNDS]            # default 3 rounds
#   PYTHON=/path/to/venv/bin/python bench/csv_vs_pandas.sh
#
# Makes the file once (numpy, seed 0: normal values with per-column scales,
# 6 significant digits, about 84 MB) in a temporary directory, then runs, A B
# A B …, the `csv_load` example and pandas.read_csv (default options: float64
# columns), each in a fresh process, and prints the median seconds of each,
# their ratio, and the peak resident memory of each process (for Python that
# includes the interpreter and pandas themselves, printed separately).
#
# gradlab is measured twice in the same process: the load (Table::read_path,
# the counterpart of read_csv's DataFrame) and the load followed by
# numeric_matrix of every column (the f64 input matrix training builds next).
#
# Environment: PYTHON (default python3, needs numpy and pandas), ROWS (default
# 1000000), KEEP (a directory to keep the CSV in).
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
rounds="${1:-3}"
python="${PYTHON:-python3}"
rows="${ROWS:-1000000}"

if ! [[ "$rounds" =~ ^[1-9][0-9]*$ ]]; then
    echo "error: ROUNDS must be a positive whole number, not '$rounds'" >&2
    exit 2
fi
if ! "$python" -c 'import numpy, pandas' 2>/dev/null; then
    echo "error: $python cannot import numpy and pandas (pip install numpy pandas) or set PYTHON" >&2
    exit 1
fi

echo "building the csv_load example…" >&2
(cd "$root" && cargo build --release -p gradlab --example csv_load --quiet)
loader="$root/target/release/examples/csv_load"

dir="${KEEP:-$(mktemp -d)}"
mkdir -p "$dir"
csv="$dir/rows.csv"
if [[ ! -f "$csv" ]]; then
    echo "writing $rows rows × 10 columns to $csv…" >&2
    "$python" - "$csv" "$rows" <<'PY'
import sys
import numpy as np
path, n = sys.argv[1], int(sys.argv[2])
rng = np.random.default_rng(0)
x = rng.standard_normal((n, 10)) * rng.uniform(0.5, 500.0, 10)
np.savetxt(path, x, fmt="%.6g", delimiter=",", header=",".join(f"x{i}" for i in range(10)), comments="")
PY
fi

pandas_script='
import json, resource, sys, time
import pandas as pd
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
t = time.perf_counter()
frame = pd.read_csv(sys.argv[1])
seconds = time.perf_counter() - t
print(json.dumps({"rows": frame.shape[0], "columns": frame.shape[1], "total_seconds": seconds,
                  "peak_rss_bytes": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024,
                  "rss_before_read_bytes": before, "pandas": pd.__version__}))
'

: >"$dir/gradlab.jsonl"
: >"$dir/pandas.jsonl"
load_before="$(uptime)"
for ((round = 1; round <= rounds; round++)); do
    echo "round $round/$rounds" >&2
    "$loader" "$csv" | tee -a "$dir/gradlab.jsonl" >&2
    "$python" -c "$pandas_script" "$csv" | tee -a "$dir/pandas.jsonl" >&2
done
load_after="$(uptime)"

"$python" - "$dir/gradlab.jsonl" "$dir/pandas.jsonl" <<'PY'
import json, statistics, sys
g = [json.loads(l) for l in open(sys.argv[1])]
p = [json.loads(l) for l in open(sys.argv[2])]
gr = statistics.median(r["read_seconds"] for r in g)
gs = statistics.median(r["total_seconds"] for r in g)
ps = statistics.median(r["total_seconds"] for r in p)
mb = lambda b: f"{b / 2**20:.0f} MB"
f32 = g[0]["f32_bytes"]
read_peak = max(r["read_peak_rss_bytes"] or 0 for r in g)
peak = max(r["peak_rss_bytes"] or 0 for r in g)
print(f"{g[0]['rows']:,} rows × {g[0]['columns']} columns; data as f32: {mb(f32)}")
print(f"gradlab load (read_path):              {gr:.3f} s median, peak RSS {mb(read_peak)} = {read_peak / f32:.2f} × the f32 data (target < 2)")
print(f"gradlab load + f64 matrix:             {gs:.3f} s median, peak RSS {mb(peak)} = {peak / f32:.2f} × the f32 data")
print(f"pandas {p[0]['pandas']} read_csv:                  {ps:.3f} s median, peak RSS {mb(max(r['peak_rss_bytes'] for r in p))} "
      f"(of which {mb(p[0]['rss_before_read_bytes'])} before the read)")
print(f"pandas time / gradlab load time:          {ps / gr:.2f} (target ≥ 1)")
print(f"pandas time / gradlab load + matrix time: {ps / gs:.2f}")
PY
echo
echo "load before: ${load_before##*load average: } (1, 5, 15 min; $(nproc) cores)"
echo "load after:  ${load_after##*load average: }"
if [[ -z "${KEEP:-}" ]]; then
    rm -r "$dir"
fi

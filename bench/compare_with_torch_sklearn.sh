#!/usr/bin/env bash
# Times gradlab, PyTorch and scikit-learn on the reference workloads of
# `gradlab bench` (crates/gradlab/src/bench.rs) on the same machine in turn,
# alternating A B A B … so that all see the same phases of the host, and
# prints the medians and the ratios.
#
#   bench/compare_with_torch_sklearn.sh [ROUNDS]          # default 3 rounds
#   PYTHON=/path/to/venv/bin/python bench/compare_with_torch_sklearn.sh 5
#
# Each round runs, in this order:
#   gradlab bench --json                     (all cores; median of GRADLAB_REPEAT runs)
#   $PYTHON bench/torch_sklearn.py 1         (PyTorch on 1 thread, scikit-learn)
#   $PYTHON bench/torch_sklearn.py 2         (PyTorch on 2 threads, scikit-learn)
#
# Environment:
#   PYTHON          the interpreter with numpy, scikit-learn and torch (default python3)
#   GRADLAB_REPEAT  --repeat of each gradlab bench call (default 3)
#   GRADLAB_THREADS --threads of gradlab bench (default: all cores)
#   KEEP            a directory to keep the raw JSON lines in (default: a temporary one)
#
# The raw JSON of every run goes to stderr as it comes; the table to stdout.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
rounds="${1:-3}"
python="${PYTHON:-python3}"
reference="$root/bench/torch_sklearn.py"
repeat="${GRADLAB_REPEAT:-3}"

if ! [[ "$rounds" =~ ^[1-9][0-9]*$ ]]; then
    echo "error: ROUNDS must be a positive whole number, not '$rounds'" >&2
    exit 2
fi
if ! "$python" -c 'import numpy, sklearn, torch' 2>/dev/null; then
    echo "error: $python cannot import numpy, scikit-learn and torch;" \
        "install them (pip install torch scikit-learn) or set PYTHON" >&2
    exit 1
fi

echo "building the release binary…" >&2
(cd "$root" && cargo build --release -p gradlab-cli --quiet)
gradlab="$root/target/release/gradlab"

out="${KEEP:-$(mktemp -d)}"
mkdir -p "$out"
: >"$out/gradlab.jsonl"
: >"$out/torch1.jsonl"
: >"$out/torch2.jsonl"

gradlab_args=(bench --json --repeat "$repeat")
if [[ -n "${GRADLAB_THREADS:-}" ]]; then
    gradlab_args+=(--threads "$GRADLAB_THREADS")
fi

load_before="$(uptime)"
for ((round = 1; round <= rounds; round++)); do
    echo "round $round/$rounds: gradlab ${gradlab_args[*]}" >&2
    "$gradlab" --quiet "${gradlab_args[@]}" | tee -a "$out/gradlab.jsonl" >&2
    for threads in 1 2; do
        echo "round $round/$rounds: $python bench/torch_sklearn.py $threads" >&2
        "$python" "$reference" "$threads" | tail -n 1 | tee -a "$out/torch$threads.jsonl" >&2
    done
done
load_after="$(uptime)"

"$python" "$root/bench/ratios.py" \
    --gradlab "$out/gradlab.jsonl" \
    --torch1 "$out/torch1.jsonl" \
    --torch2 "$out/torch2.jsonl"
echo
echo "load before: ${load_before##*load average: } (1, 5, 15 min; $(nproc) cores)"
echo "load after:  ${load_after##*load average: }"
if [[ -z "${KEEP:-}" ]]; then
    rm -r "$out"
else
    echo "raw JSON lines kept in $out"
fi

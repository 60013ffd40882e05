#!/usr/bin/env bash
# Declarations import benchmark (issue #3): a 1,000,000-line, 10-column xlsx through
#   (a) calamine's bare streaming read,
#   (b) `relais import declarations` end to end into SQLite, and into PostgreSQL,
#   (c) pandas + openpyxl loading it into SQLite (pip install pandas openpyxl),
# each under /usr/bin/time -v (wall time and peak RSS). Results go to docs/benchmarks.md by hand.
# Usage: benches/declarations_import.sh [ROWS] (default 1000000); PG_URL overrides the server.
# RUNS (default 3) alternates (a) and the SQLite import that many times, each import into a
# fresh database, and prints the median ratio: on a shared machine one pair proves little.
# BASELINE=path/to/an/older/relais adds that binary's SQLite import to each round and prints
# the median ratio of this build's import to it (before/after comparisons of one change).
set -euo pipefail
cd "$(dirname "$0")/.."
ROWS="${1:-1000000}"
# The sales fall in last month, as in a reseller's monthly declaration: recent enough that the
# review rules approve them (a sale long before the upload is held), whatever today is.
MONTH="${MONTH:-$(date -d "$(date +%Y-%m-01) -1 month" +%Y-%m)}"
PG_URL="${PG_URL:-postgres://postgres@127.0.0.1:5432/postgres}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

[ -n "${SKIP_BUILD:-}" ] || cargo build --release --bin relais --bench declarations_import
bench="$(ls -t target/release/deps/declarations_import-* | grep -v '\.d$' | head -1)"
relais=target/release/relais
xlsx="$work/declarations.xlsx"

RUNS="${RUNS:-3}"
# Prints the run and leaves its wall time in seconds in $secs.
measure() {
    local label="$1"; shift
    /usr/bin/time -v "$@" > "$work/out" 2> "$work/time"
    local wall rss
    wall=$(grep "Elapsed (wall clock)" "$work/time" | awk '{print $NF}')
    rss=$(grep "Maximum resident set size" "$work/time" | awk '{print $NF}')
    secs=$(echo "$wall" | awk -F: '{s = 0; for (i = 1; i <= NF; i++) s = s * 60 + $i; print s}')
    printf '%-40s wall %10s   peak RSS %6d MB\n' "$label" "$wall" "$((rss / 1024))"
    # The import's JSON report is long (mapping, errors): show what says it did the work.
    python3 -c 'import json, sys
try:
    d = json.load(open(sys.argv[1]))
    print("  status", d["status"], "accepted", d["accepted"], "rejected", d["rejected"], "quantity", d["quantity_total"])
except Exception:
    print("  " + open(sys.argv[1]).read().strip()[-200:])' "$work/out"
}
median() { printf '%s\n' "$@" | sort -g | awk '{v[NR] = $1} END {print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2}'; }

"$bench" gen "$ROWS" "$xlsx" "$MONTH"
"$bench" reference "$work"
echo "file: $(du -h "$xlsx" | cut -f1), $ROWS rows of $MONTH"

setup() {
    local bin="${2:-$relais}"
    "$bin" --database "$1" tenant add bench --name Bench >/dev/null
    "$bin" --database "$1" import products "$work/products.csv" --tenant bench >/dev/null
    "$bin" --database "$1" import resellers "$work/resellers.csv" --tenant bench >/dev/null
}
args=(import declarations "$xlsx" --tenant bench --reseller BENCH-1 --period "$MONTH" --json)

reads=(); imports=(); ratios=(); baselines=(); against=()
for run in $(seq 1 "$RUNS"); do
    if [ -n "${BASELINE:-}" ]; then
        rm -f "$work"/base.db*
        setup "sqlite://$work/base.db" "$BASELINE"
        measure "(b0) baseline import, SQLite #$run" "$BASELINE" --database "sqlite://$work/base.db" "${args[@]}"
        baselines+=("$secs")
    fi
    measure "(a) calamine streaming read #$run" "$bench" calamine "$xlsx"
    reads+=("$secs")
    rm -f "$work"/bench.db*
    lite="sqlite://$work/bench.db"
    setup "$lite"
    measure "(b) relais import, SQLite #$run" "$relais" --database "$lite" "${args[@]}"
    imports+=("$secs")
    ratios+=("$(awk -v a="${reads[-1]}" -v b="$secs" 'BEGIN {printf "%.2f", b / a}')")
    if [ -n "${BASELINE:-}" ]; then
        against+=("$(awk -v a="${baselines[-1]}" -v b="$secs" 'BEGIN {printf "%.3f", b / a}')")
    fi
done
echo "median: calamine $(median "${reads[@]}") s, SQLite import $(median "${imports[@]}") s;" \
    "pairwise ratios ${ratios[*]}, median $(median "${ratios[@]}")x"
if [ -n "${BASELINE:-}" ]; then
    echo "against the baseline: median $(median "${baselines[@]}") s;" \
        "pairwise ratios ${against[*]}, median $(median "${against[@]}")x"
fi

if psql "$PG_URL" -qc "drop database if exists relais_bench" 2>/dev/null && psql "$PG_URL" -qc "create database relais_bench"; then
    pg="${PG_URL%/*}/relais_bench"
    setup "$pg"
    measure "(b) relais import, PostgreSQL" "$relais" --database "$pg" "${args[@]}"
    psql "$PG_URL" -qc "drop database relais_bench"
fi

if python3 -c "import pandas, openpyxl" 2>/dev/null; then
    measure "(c) pandas + openpyxl into SQLite" python3 benches/pandas_import.py "$xlsx" "$work/pandas.db"
else
    echo "(c) skipped: pip install pandas openpyxl"
fi

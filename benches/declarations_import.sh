#!/usr/bin/env bash
# Declarations import benchmark (issue #3): a 1,000,000-line, 10-column xlsx through
#   (a) calamine's bare streaming read,
#   (b) `relais import declarations` end to end into SQLite, and into PostgreSQL,
#   (c) pandas + openpyxl loading it into SQLite (pip install pandas openpyxl),
# each under /usr/bin/time -v (wall time and peak RSS). Results go to docs/benchmarks.md by hand.
# Usage: benches/declarations_import.sh [ROWS] (default 1000000); PG_URL overrides the server.
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

measure() {
    local label="$1"; shift
    /usr/bin/time -v "$@" > "$work/out" 2> "$work/time"
    local wall rss
    wall=$(grep "Elapsed (wall clock)" "$work/time" | awk '{print $NF}')
    rss=$(grep "Maximum resident set size" "$work/time" | awk '{print $NF}')
    printf '%-40s wall %10s   peak RSS %6d MB\n' "$label" "$wall" "$((rss / 1024))"
    tail -c 300 "$work/out" | tr -d '\n' | cut -c1-200; echo
}

"$bench" gen "$ROWS" "$xlsx" "$MONTH"
"$bench" reference "$work"
echo "file: $(du -h "$xlsx" | cut -f1), $ROWS rows of $MONTH"

measure "(a) calamine streaming read" "$bench" calamine "$xlsx"

setup() {
    "$relais" --database "$1" tenant add bench --name Bench >/dev/null
    "$relais" --database "$1" import products "$work/products.csv" --tenant bench >/dev/null
    "$relais" --database "$1" import resellers "$work/resellers.csv" --tenant bench >/dev/null
}
args=(import declarations "$xlsx" --tenant bench --reseller BENCH-1 --period "$MONTH" --json)

lite="sqlite://$work/bench.db"
setup "$lite"
measure "(b) relais import, SQLite" "$relais" --database "$lite" "${args[@]}"

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

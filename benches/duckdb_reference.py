"""Reference for the dashboard benchmark: the same all-time aggregates as `/dashboard`, computed by
DuckDB over the CSV that `relais export lines --tenant SLUG` writes (issue 5).

    relais --database URL export lines --tenant verdure --output lines.csv
    python3 benches/duckdb_reference.py lines.csv [runs]

Prints p50/p95 of the four widget queries run together (sales by rep, best-sellers, weekly
sums, self-service by week and by segment), over a table loaded once into DuckDB's memory
(loading is timed separately: it is the cost a user pays once per export).
"""

import statistics
import sys
import time

import duckdb

QUERIES = {
    "sales by rep": """
        select manager_email, sum(amount) as amount,
               100 * sum(amount) / sum(sum(amount)) over () as share
        from lines group by manager_email order by amount desc""",
    "best-sellers": """
        select sku, sum(quantity) as quantity, sum(amount) as amount,
               100 * sum(amount) / sum(sum(amount)) over () as share
        from lines group by sku order by amount desc""",
    "weekly": """
        select date_trunc('week', sale_date) as week, sum(amount) as amount
        from lines group by week order by week""",
    "self-service by week": """
        select date_trunc('week', sale_date) as week,
               count(*) filter (where source <> 'staff') as self_service,
               count(*) filter (where source = 'staff') as staff
        from lines group by week order by week""",
    "self-service by segment": """
        select reseller_type,
               count(*) filter (where source <> 'staff') as self_service,
               count(*) filter (where source = 'staff') as staff
        from lines group by reseller_type""",
}


def main() -> None:
    path = sys.argv[1]
    runs = int(sys.argv[2]) if len(sys.argv) > 2 else 30
    con = duckdb.connect()
    started = time.perf_counter()
    con.execute(
        "create table lines as select * from read_csv(?, header = true, "
        "types = {'sale_date': 'DATE', 'amount': 'DECIMAL(18,2)'})",
        [path],
    )
    load = time.perf_counter() - started
    count = con.execute("select count(*) from lines").fetchone()[0]
    print(f"loaded {count} lines in {load * 1000:.0f} ms")
    for q in QUERIES.values():  # warm-up
        con.execute(q).fetchall()
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        for q in QUERIES.values():
            con.execute(q).fetchall()
        times.append((time.perf_counter() - started) * 1000)
    times.sort()
    p95 = times[min(len(times) - 1, round(0.95 * (len(times) - 1)))]
    print(f"dashboard aggregates, all time: p50 {statistics.median(times):.1f} ms   p95 {p95:.1f} ms")


if __name__ == "__main__":
    main()

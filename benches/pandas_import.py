"""Baseline a user would otherwise write: load the sell-out xlsx with pandas + openpyxl and
append it to a SQLite table (benches/declarations_import.sh runs it under /usr/bin/time)."""
import sqlite3
import sys
import time

import pandas as pd

path, db = sys.argv[1], sys.argv[2]
t = time.time()
frame = pd.read_excel(path, engine="openpyxl")
con = sqlite3.connect(db)
frame.to_sql("declaration_lines", con, if_exists="replace", index=False, chunksize=10000)
con.commit()
print(f"pandas+openpyxl: {len(frame)} rows into SQLite in {time.time() - t:.1f}s")

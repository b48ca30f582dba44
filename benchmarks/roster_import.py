"""Roster import at company scale: rows per second and total time into PostgreSQL.

    .venv/bin/python benchmarks/roster_import.py [--estates 100] [--houses 3000] [--keep]

Writes a roster CSV as a company keeps it (小区,楼栋,单元,房号,业主姓名,业主电话,入住状态; 楼栋 as "3栋",
单元 as "2单元"), --estates estates of --houses houses each (15 buildings x 2 units x floors x 4 rooms),
imports it into a fresh PostgreSQL database with `import_roster` (the code `wuye estate import` runs),
then imports it again with 1% of the owner phones changed (the monthly refresh). Prints rows/s of
both, and the time 1,000 x 3,000 houses would take at the first rate. --keep leaves the database for
benchmarks/address_resolution.py and prints its URL. Needs PostgreSQL (WUYE_BENCH_POSTGRES).
"""
from __future__ import annotations

import argparse
import csv
import os
import random
import sys
import tempfile
import time
import uuid
from pathlib import Path

import sqlalchemy

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

POSTGRES = os.environ.get("WUYE_BENCH_POSTGRES", "postgresql://postgres@127.0.0.1:5432/test")
HEADER = ["小区", "楼栋", "单元", "房号", "业主姓名", "业主电话", "入住状态"]


def addresses(estates: int, houses: int):
    """(estate, building, unit, room) of every generated house, in roster order."""
    floors = max(1, -(-houses // (15 * 2 * 4)))
    for e in range(estates):
        count = 0
        for building in range(1, 16):
            for unit in (1, 2):
                for floor in range(1, floors + 1):
                    for room in range(1, 5):
                        if count == houses:
                            break
                        count += 1
                        yield f"项目{e:04d}", str(building), str(unit), f"{floor}{room:02d}"


def write_roster(path: Path, estates: int, houses: int, changed: float = 0.0, seed: int = 7) -> int:
    """The roster file; `changed` of the owner phones differ from seed's first version."""
    random.seed(seed)
    rows = 0
    with path.open("w", encoding="utf-8", newline="") as stream:
        out = csv.writer(stream)
        out.writerow(HEADER)
        for number, (estate, building, unit, room) in enumerate(addresses(estates, houses)):
            phone = 13000000000 + number * 7 % 999999999 + (1 if random.random() < changed else 0)
            out.writerow([estate, f"{building}栋", f"{unit}单元", room, f"业主{number}", str(phone),
                          "已入住" if number % 5 else "空置"])
            rows += 1
    return rows


def fresh_database() -> tuple[str, sqlalchemy.Engine]:
    admin = sqlalchemy.create_engine(POSTGRES.replace("postgresql://", "postgresql+psycopg://", 1),
                                     isolation_level="AUTOCOMMIT")
    name = f"wuye_roster_{uuid.uuid4().hex[:6]}"
    with admin.connect() as connection:
        connection.exec_driver_sql(f'CREATE DATABASE "{name}"')
    return str(admin.url.set(database=name).render_as_string(hide_password=False)), admin


def timed_import(sessions, path: Path, rows: int, label: str) -> float:
    from handlers.estates.roster_import import import_roster

    started = time.perf_counter()
    report = import_roster(sessions, path)
    seconds = time.perf_counter() - started
    counts = report.counts
    print(f"{label}: {rows:,} rows in {seconds:.1f} s = {rows / seconds:,.0f} rows/s "
          f"(houses added {counts.houses_added:,}, updated {counts.houses_updated:,}, unchanged "
          f"{counts.houses_unchanged:,}, refused {len(report.refused)})", flush=True)
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--estates", type=int, default=100)
    parser.add_argument("--houses", type=int, default=3000, help="houses per estate")
    parser.add_argument("--keep", action="store_true", help="keep the database (for address_resolution.py)")
    args = parser.parse_args()
    from storage.db import make_engine, make_sessionmaker
    from storage.migrate import upgrade

    url, admin = fresh_database()
    engine = make_engine(url)
    upgrade(engine)
    sessions = make_sessionmaker(engine)
    with tempfile.TemporaryDirectory() as folder:
        first, second = Path(folder) / "roster.csv", Path(folder) / "roster2.csv"
        started = time.perf_counter()
        rows = write_roster(first, args.estates, args.houses)
        write_roster(second, args.estates, args.houses, changed=0.01)
        print(f"generated {rows:,} rows ({first.stat().st_size / 1e6:.0f} MB) in {time.perf_counter() - started:.1f} s")
        seconds = timed_import(sessions, first, rows, "first import")
        timed_import(sessions, second, rows, "re-import, 1% phones changed")
    full = 1000 * 3000
    print(f"at the first import's rate, {full:,} houses would take {full / (rows / seconds) / 60:.1f} min "
          f"(linear extrapolation; index maintenance grows slightly faster than linear)")
    engine.dispose()
    if args.keep:
        print(f"database kept: {url}")
    else:
        with admin.connect() as connection:
            connection.exec_driver_sql(f'DROP DATABASE "{engine.url.database}" WITH (FORCE)')


if __name__ == "__main__":
    main()

"""What a resident's bindings add to the repair path: the bound houses of the resident, on PostgreSQL.

    .venv/bin/python benchmarks/bindings.py [--estates 100] [--houses 3000] [--lookups 20000]

Imports a generated roster (benchmarks/roster_import.py's file) into a fresh database, binds one resident
to every occupied house and a tenth of them to a second house (one more row each), then times, in one
session as on the intake path (the turn's transaction): a bare SELECT 1 round trip (the yardstick of
this run), the bound houses of a bound resident, of a resident with none (most messages), and the
pending-or-active binding of a resident and a house. Prints p50 / p99 / max in microseconds; the
database is dropped at the end. Needs PostgreSQL (WUYE_BENCH_POSTGRES).
"""
from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from roster_import import fresh_database, write_roster  # noqa: E402

_BIND = """
INSERT INTO residents (openid, address_confirmed, active, created_at, updated_at)
SELECT 'o_bench_' || id, false, true, now(), now() FROM houses WHERE occupancy = 'occupied';
INSERT INTO resident_houses (resident_id, house_id, estate_id, role, state, via, requested_at, overdue)
SELECT r.id, h.id, h.estate_id, 'owner', 'active', 'roster', now(), false
FROM houses h JOIN residents r ON r.openid = 'o_bench_' || h.id;
INSERT INTO resident_houses (resident_id, house_id, estate_id, role, state, via, requested_at, overdue)
SELECT r.id, h.id + 1, h.estate_id, 'family', 'active', 'approval', now(), false
FROM houses h JOIN residents r ON r.openid = 'o_bench_' || h.id
WHERE mod(h.id, 10) = 0 AND EXISTS (SELECT 1 FROM houses n WHERE n.id = h.id + 1);
INSERT INTO residents (openid, address_confirmed, active, created_at, updated_at)
SELECT 'o_unbound_' || g, false, true, now(), now() FROM generate_series(1, 20000) g;
ANALYZE residents; ANALYZE resident_houses;
"""


def paired(session, label: str, calls, check) -> None:
    """Time each call and a SELECT 1 right before it; print both medians and the median difference."""
    own, yard = [], []
    for call in calls:
        started = time.perf_counter()
        session.connection().exec_driver_sql("SELECT 1").scalar()
        middle = time.perf_counter()
        result = call()
        ended = time.perf_counter()
        assert check(result), (label, result)
        yard.append((middle - started) * 1e6)
        own.append((ended - middle) * 1e6)
    own.sort()
    yard.sort()
    extra = sorted(o - y for o, y in zip(own, yard))
    print(f"{label:<40} n={len(own):>6}  p50 {statistics.median(own):7.0f} µs  p99 {own[int(len(own) * .99) - 1]:7.0f} µs"
          f"  | SELECT 1 p50 {statistics.median(yard):6.0f} µs  | p50 of the difference {statistics.median(extra):6.0f} µs",
          flush=True)


def explain(engine, bound: list[int]) -> None:
    """PostgreSQL's own planning and execution times of the statements (median of 200), free of Python."""
    from sqlalchemy.dialects import postgresql

    from storage.bindings import _BOUND

    def literal(statement) -> str:
        compiled = statement.compile(dialect=postgresql.dialect(), compile_kwargs={"literal_binds": True})
        return str(compiled).replace("%", "%%")
    rng = random.Random(9)
    statements = {"bound houses of a resident (one query)": lambda: _BOUND.params(resident=rng.choice(bound),
                                                                                 today=date.today())}
    with engine.connect() as connection:
        for label, make in statements.items():
            planning, execution = [], []
            for _ in range(200):
                lines = [row[0] for row in connection.exec_driver_sql("EXPLAIN (ANALYZE) " + literal(make()))]
                planning.append(float(next(x for x in lines if x.startswith("Planning")).split()[2]))
                execution.append(float(next(x for x in lines if x.startswith("Execution")).split()[2]))
            print(f"{label:<40} PostgreSQL planning p50 {statistics.median(planning) * 1000:6.0f} µs, "
                  f"execution p50 {statistics.median(execution) * 1000:6.0f} µs", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--estates", type=int, default=100)
    parser.add_argument("--houses", type=int, default=3000, help="houses per estate")
    parser.add_argument("--lookups", type=int, default=20000)
    args = parser.parse_args()
    from handlers.estates.roster_import import import_roster
    from storage import bindings
    from storage.db import make_engine, make_sessionmaker
    from storage.migrate import upgrade

    url, admin = fresh_database()
    engine = make_engine(url)
    try:
        upgrade(engine)
        sessions = make_sessionmaker(engine)
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "roster.csv"
            write_roster(path, args.estates, args.houses)
            import_roster(sessions, path)
        started = time.perf_counter()
        with engine.begin() as connection:
            for statement in filter(str.strip, _BIND.split(";")):
                connection.exec_driver_sql(statement)
            counts = connection.exec_driver_sql(
                "SELECT (SELECT count(*) FROM houses), (SELECT count(*) FROM resident_houses),"
                " (SELECT count(*) FROM residents)").one()
            bound = [row[0] for row in connection.exec_driver_sql(
                "SELECT DISTINCT resident_id FROM resident_houses TABLESAMPLE SYSTEM (5) LIMIT 20000")]
            unbound = [row[0] for row in connection.exec_driver_sql(
                "SELECT id FROM residents WHERE starts_with(openid, 'o_unbound_')")]
            pairs = list(connection.exec_driver_sql(
                "SELECT resident_id, house_id FROM resident_houses TABLESAMPLE SYSTEM (5) LIMIT 20000"))
        print(f"{counts[0]:,} houses, {counts[1]:,} bindings, {counts[2]:,} residents "
              f"(bound in {time.perf_counter() - started:.1f} s)", flush=True)
        rng, today, n = random.Random(5), date.today(), args.lookups
        with sessions() as s:
            # Each call is timed next to a SELECT 1 round trip on the same connection, so the machine's
            # load (other test suites) moves both alike and the difference is the call's own cost.
            paired(s, "bound houses of a bound resident", [lambda r=rng.choice(bound): bindings.bound_houses(s, r, today)
                                                          for _ in range(n)], lambda found: len(found) >= 1)
            paired(s, "bound houses of a resident with none", [
                lambda r=rng.choice(unbound): bindings.bound_houses(s, r, today) for _ in range(n)],
                lambda found: found == [])
            paired(s, "live binding of a resident and a house", [lambda p=rng.choice(pairs): bindings.live_binding(s, *p)
                                                                 for _ in range(n)], lambda found: found is not None)
        explain(engine, bound)
    finally:
        engine.dispose()
        with admin.connect() as connection:
            connection.exec_driver_sql(f'DROP DATABASE "{url.rsplit("/", 1)[1]}" WITH (FORCE)')
        admin.dispose()


if __name__ == "__main__":
    main()

"""What checking an address or a binding adds to the resident's path, at company scale.

    .venv/bin/python benchmarks/address_resolution.py --database URL [--lookups 20000]

URL is a database filled by `benchmarks/roster_import.py --keep` (PostgreSQL; 1,000 x 3,000 houses for
the issue's scale). Times, per call, with the process's caches warm as in a running service:
- finding the estate named in a message (one Aho-Corasick pass over every estate's names);
- resolving (estate, building, unit, room) to a house: an existing one, a missing room, a missing
  building, and a room given without its unit;
- the houses of an owner's phone (binding by phone);
and the first resolution in an estate (its buildings and units are read once). Prints p50 / p99 / max.
"""
from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def timed(label: str, calls, check=None) -> None:
    """Run each call, time it, and print percentiles in microseconds."""
    times = []
    for call in calls:
        started = time.perf_counter()
        result = call()
        times.append((time.perf_counter() - started) * 1e6)
        if check is not None:
            assert check(result), (label, result)
    times.sort()
    print(f"{label:<42} n={len(times):>6}  p50 {statistics.median(times):7.0f} µs  "
          f"p99 {times[int(len(times) * 0.99) - 1]:7.0f} µs  max {times[-1]:7.0f} µs", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", required=True, help="a database filled by roster_import.py --keep")
    parser.add_argument("--lookups", type=int, default=20000)
    args = parser.parse_args()
    from handlers.estates.addresses import Directory
    from handlers.estates.settings import Freshness
    from storage.db import make_engine, make_sessionmaker

    engine = make_engine(args.database)
    sessions = make_sessionmaker(engine)
    directory = Directory(sessions, Freshness(sessions, ttl=2.0))
    estates = [e for e in directory.estates() if e.name.startswith("项目")]  # the generated ones
    with engine.connect() as connection:
        houses = connection.exec_driver_sql("SELECT count(*) FROM houses").scalar()
        phones = [row[0] for row in connection.exec_driver_sql(
            "SELECT owner_phone FROM houses TABLESAMPLE SYSTEM (1) WHERE owner_phone IS NOT NULL LIMIT 5000")]
    print(f"{len(estates):,} estates, {houses:,} houses")
    rng = random.Random(3)
    n = args.lookups
    pick = [rng.choice(estates) for _ in range(n)]
    timed("first resolution in an estate (cold)", [
        lambda e=e: directory.resolve(e.id, "1", "1", "101") for e in estates[:200]])
    timed("estate named in a message", [
        lambda e=e: directory.estates_in(f"你好，我是{e.name}的业主，3栋2单元1201厨房漏水") for e in pick],
        lambda found: len(found) == 1)
    addresses = [(e.id, str(rng.randint(1, 15)), str(rng.randint(1, 2)), f"{rng.randint(1, 25)}{rng.randint(1, 4):02d}")
                 for e in pick]
    # As on the intake path: inside the turn's session and transaction (one query per check).
    with sessions() as s:
        timed("yardstick: one SELECT 1 round trip", [lambda: s.connection().exec_driver_sql("SELECT 1").scalar()] * n)
        timed("resolve an existing house", [lambda a=a: directory.resolve(*a, session=s) for a in addresses],
              lambda r: r.found)
        timed("resolve a room that does not exist", [
            lambda a=a: directory.resolve(a[0], a[1], a[2], "9999", session=s) for a in addresses],
            lambda r: r.status == "no_room")
        timed("resolve a building that does not exist", [
            lambda a=a: directory.resolve(a[0], "99", a[2], a[3], session=s) for a in addresses],
            lambda r: r.status == "no_building")
        timed("resolve a room without its unit", [
            lambda a=a: directory.resolve(a[0], a[1], None, a[3], session=s) for a in addresses],
            lambda r: r.status == "unit_needed")
        timed("houses of an owner's phone (binding)", [lambda p=rng.choice(phones): directory.houses_of_phone(p, s)
                                                       for _ in range(min(n, 5000))], lambda found: len(found) >= 1)
    timed("resolve with a session of its own", [lambda a=a: directory.resolve(*a) for a in addresses[:2000]],
          lambda r: r.found)
    engine.dispose()


if __name__ == "__main__":
    main()

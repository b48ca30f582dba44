"""How long the retention purge takes on a desk with years of history (PostgreSQL).

    .venv/bin/python benchmarks/privacy_purge.py [--server postgresql://postgres@127.0.0.1:5432/test]
                                                 [--residents 50000]

Creates a database of its own on the server (dropped at the end), migrated to head, with `--residents`
residents spread over four years, each with one ticket (three events) and two messages; about half
fell silent more than two years ago (the default retention, 730 days). Then times a dry run, the purge,
and a second purge with nothing left to do (what the daily job costs on most days). Prints rows per second.
"""
from __future__ import annotations

import argparse
import sys
import time
import uuid
from datetime import timedelta
from pathlib import Path
from types import SimpleNamespace

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def fill(sessions, residents: int) -> None:
    """Residents, tickets, events and messages, in batches of 5,000."""
    from sqlalchemy import insert

    from storage.models import InboundMessage, Resident, Ticket, TicketEvent, utcnow
    now = utcnow()
    for first in range(1, residents + 1, 5000):
        ids = range(first, min(first + 5000, residents + 1))
        seen = {n: now - timedelta(days=(n * 37) % 1460) for n in ids}
        with sessions.begin() as session:
            session.execute(insert(Resident), [
                {"id": n, "openid": f"o_bench_{n:08d}", "name": "陈建国", "phone": f"138{n:08d}", "building": "3",
                 "unit": "2", "room": "1201", "last_message_at": seen[n], "created_at": seen[n],
                 "updated_at": seen[n], "address_confirmed": True, "active": True} for n in ids])
            session.execute(insert(Ticket), [
                {"id": n, "code": f"BX-{n:08d}", "kind": "repair", "status": "closed", "category": "water",
                 "building": "3", "unit": "2", "room": "1201", "description": f"厨房漏水 电话138{n:08d}",
                 "resident_words": f"我是陈建国 厨房漏水 电话138{n:08d}", "contact_phone": f"138{n:08d}",
                 "contact_name": "陈建国", "resident_id": n, "created_at": seen[n], "updated_at": seen[n],
                 "closed_at": seen[n], "urgent": False, "breached": False, "for_manager": False, "escalated": False,
                 "repeat_count": 0} for n in ids])
            session.execute(insert(TicketEvent), [
                {"ticket_id": n, "at": seen[n], "actor": actor, "action": action, "detail": detail}
                for n in ids for actor, action, detail in (
                    (f"resident:o_bench_{n:08d}", "created", {"words": [f"电话138{n:08d}"]}),
                    ("staff:1:张师傅", "accepted", None), ("staff:1:张师傅", "done", None))])
            session.execute(insert(InboundMessage), [
                {"dedup_key": f"k{n}-{m}", "openid": f"o_bench_{n:08d}", "msg_type": "text",
                 "content": f"厨房漏水 电话138{n:08d}", "reply": "陈建国您好，已受理", "received_at": seen[n],
                 "intent": "repair"} for n in ids for m in (1, 2)])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--server", default="postgresql://postgres@127.0.0.1:5432/test")
    parser.add_argument("--residents", type=int, default=50000)
    args = parser.parse_args()
    import sqlalchemy

    from config import load_config
    from handlers.privacy.purge import purge
    from storage.db import make_engine, make_sessionmaker
    from storage.migrate import upgrade
    from storage.models import utcnow

    admin_url = args.server.replace("postgresql://", "postgresql+psycopg://", 1)
    name = f"wuye_bench_privacy_{uuid.uuid4().hex[:8]}"
    admin = sqlalchemy.create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.exec_driver_sql(f'CREATE DATABASE "{name}"')
    engine = make_engine(admin_url.rsplit("/", 1)[0] + f"/{name}")
    try:
        upgrade(engine)
        sessions = make_sessionmaker(engine)
        started = time.perf_counter()
        fill(sessions, args.residents)
        print(f"filled {args.residents:,} residents, tickets, {3 * args.residents:,} events, "
              f"{2 * args.residents:,} messages in {time.perf_counter() - started:.1f} s", flush=True)
        # purge() needs only these of a desk: no NLU, no queue
        desk = SimpleNamespace(sessions=sessions, config=load_config({"VAR_DIR": "/tmp"}, environ={}), now=utcnow)
        for label, dry in (("dry run", True), ("purge", False), ("purge again (nothing left)", False)):
            started = time.perf_counter()
            counts = purge(desk, dry_run=dry, actor="benchmark").counts
            seconds = time.perf_counter() - started
            rows = sum(counts.values())
            print(f"{label:<28} {seconds:7.2f} s  {counts}  "
                  f"{rows / seconds if rows else 0:,.0f} rows/s", flush=True)
    finally:
        engine.dispose()
        with admin.connect() as connection:
            connection.exec_driver_sql(f'DROP DATABASE "{name}" WITH (FORCE)')
        admin.dispose()


if __name__ == "__main__":
    main()

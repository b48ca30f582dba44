"""The managers' console at scale: page timings (p50/p95) with 1,000,000 tickets over 12 months.

    .venv/bin/python benchmarks/console_pages.py [--tickets 1000000] [--requests 20] [--keep | --reuse NAME]

Generates the tickets in a fresh PostgreSQL database (WUYE_BENCH_POSTGRES) in SQL, in the order they
were created (as a desk writes them, so a period's rows lie together on disk), with the states a
desk leaves behind (most closed and rated, ~1% open, some breached, reopened, escalated), three events
a ticket, 20 staff and some etiquette stops; rolls the figures up the way the rq job does (timed);
then signs in as a manager and requests every console page --requests times through the Flask
application (templates and all), printing p50 and p95 per page. --keep leaves the database for
--reuse NAME, which skips the generation. Needs Redis (WUYE_BENCH_REDIS, default db 14).
"""
from __future__ import annotations

import argparse
import os
import re
import statistics
import sys
import time
import uuid
from datetime import timedelta
from pathlib import Path

import sqlalchemy

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

POSTGRES = os.environ.get("WUYE_BENCH_POSTGRES", "postgresql://postgres@127.0.0.1:5432/test")
REDIS = os.environ.get("WUYE_BENCH_REDIS", "redis://127.0.0.1:6379/14")

STAFF = """INSERT INTO staff (telegram_user_id, name, role, groups, active, created_at)
SELECT 100000 + g, (ARRAY['张','李','王','赵','刘','陈','杨','黄','周','吴'])[1 + g % 10] || (ARRAY['师傅','主管','经理'])[
  CASE WHEN g = 1 THEN 3 WHEN g <= 3 THEN 2 ELSE 1 END] || g,
  CASE WHEN g = 1 THEN 'manager' WHEN g <= 3 THEN 'supervisor' ELSE 'staff' END, '[]', true, now()
FROM generate_series(1, 20) g"""

# One row per ticket; r1..r6 are independent uniform numbers deciding its kind, state and place.
TICKETS = """INSERT INTO tickets (code, kind, status, urgent, category, building, unit, room, description, resident_words,
  contact_phone, assignee_id, accepted_at, done_at, closed_at, breached, followup_status, rating, reopened_at,
  escalated, repeat_count, for_manager, due_at, created_at, updated_at)
SELECT code, kind, status, urgent, category, building, unit, room, '厨房水管漏水', '厨房水管漏水，麻烦尽快来看看',
  phone, CASE WHEN status = 'new' THEN NULL ELSE 4 + (g % 17) END,
  CASE WHEN status = 'new' THEN NULL ELSE created + interval '12 minutes' END,
  CASE WHEN status IN ('done', 'closed') THEN created + interval '3 hours' END,
  CASE WHEN status = 'closed' THEN created + interval '6 hours' END,
  r3 < 0.08, CASE WHEN status = 'closed' THEN (CASE WHEN r4 < 0.9 THEN 'answered' ELSE 'phone' END)
                  WHEN status = 'done' THEN 'sent' END,
  CASE WHEN status = 'closed' AND r4 < 0.9 THEN (CASE WHEN r5 < 0.6 THEN 5 WHEN r5 < 0.85 THEN 4 WHEN r5 < 0.93 THEN 3
                                                  WHEN r5 < 0.97 THEN 2 ELSE 1 END) END,
  CASE WHEN r6 < 0.03 THEN created + interval '1 day' END, r6 < 0.05, CASE WHEN r6 < 0.04 THEN 1 ELSE 0 END, false,
  created + CASE WHEN urgent THEN interval '30 minutes' ELSE interval '2 hours' END, created, created
FROM (
  SELECT g, created, r3, r4, r5, r6, r1 < 0.07 AS urgent,
    (CASE WHEN r1 < 0.6 THEN 'BX' WHEN r1 < 0.85 THEN 'TS' ELSE 'ZX' END) || '-' || to_char(created, 'YYYYMMDD') || '-'
      || lpad((g % 1000000)::text, 6, '0') AS code,
    CASE WHEN r1 < 0.6 THEN 'repair' WHEN r1 < 0.85 THEN 'complaint' ELSE 'inquiry' END AS kind,
    CASE WHEN created > now() at time zone 'utc' - interval '2 days' AND r2 < 0.45
           THEN (ARRAY['new','accepted','on_site','reopened'])[1 + (g % 4)]
         WHEN r2 < 0.97 THEN 'closed' ELSE 'done' END AS status,
    (ARRAY['water','drain','electricity','lift','door_access','doors_windows','noise','sanitation','parking',
           'public_facility','security','fees'])[1 + (g * 7 % 12)] AS category,
    (1 + (r5 * 30)::int % 30)::text AS building, (1 + (g % 4))::text AS unit,
    ((2 + (r6 * 28)::int) * 100 + 1 + g % 4)::text AS room,
    '13' || lpad((r4 * 1e9)::bigint::text, 9, '0') AS phone
  FROM (SELECT g, (now() at time zone 'utc') - random() * interval '365 days' AS created, random() AS r1,
               random() AS r2, random() AS r3, random() AS r4, random() AS r5, random() AS r6
        FROM generate_series(1, {tickets}) g) AS draws) AS t
ORDER BY t.created"""

EVENTS = """INSERT INTO ticket_events (ticket_id, at, actor, action, detail)
SELECT id, created_at, 'resident:o_bench', 'created', '{"words": ["厨房水管漏水，麻烦尽快来看看"]}' FROM tickets
UNION ALL SELECT id, accepted_at, 'staff:' || assignee_id || ':师傅', 'accepted', NULL FROM tickets WHERE accepted_at IS NOT NULL
UNION ALL SELECT id, done_at, 'staff:' || assignee_id || ':师傅', 'done', NULL FROM tickets WHERE done_at IS NOT NULL"""

STOPS = """INSERT INTO etiquette_violations (staff_id, ticket_id, text, phrase, category, at)
SELECT assignee_id, id, '不知道，等一会', '不知道', 'dismissive', created_at + interval '20 minutes'
FROM tickets WHERE assignee_id IS NOT NULL AND id % 200 = 0"""


def generate(url: str, tickets: int) -> None:
    engine = sqlalchemy.create_engine(url)
    with engine.begin() as connection:
        for label, sql in (("staff", STAFF), ("tickets", TICKETS.replace("{tickets}", str(int(tickets)))), ("events", EVENTS),
                           ("etiquette stops", STOPS)):
            started = time.perf_counter()
            connection.exec_driver_sql(sql.replace("%", "%%"))  # psycopg reads % as a placeholder
            print(f"  {label}: {time.perf_counter() - started:.1f} s", flush=True)
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.exec_driver_sql("VACUUM ANALYZE")
    engine.dispose()


def pages(desk, client) -> dict[str, str]:
    from handlers.console import periods

    today = periods.today(desk)
    year, month = f"from={today - timedelta(days=365)}", f"from={today - timedelta(days=29)}"
    html = client.get("/tickets?status=open").get_data(as_text=True)
    one, code = re.search(r'href="/tickets/(\d+)">([A-Z]{2}-\d{8}-\d+)<', html).groups()
    return {
        "overview /": "/", "overview.json": "/overview.json",
        "tickets (all)": "/tickets", "tickets page 500": "/tickets?page=500",
        "tickets open": "/tickets?status=open", "tickets deadline >95%": "/tickets?sla=gt95",
        "tickets filtered": f"/tickets?kind=repair&building=3&unit=2&breached=1&{month}",
        "tickets phone search": "/tickets?q=1234", "tickets code search": f"/tickets?q={code}",
        "tickets metric (year)": f"/tickets?metric=dissatisfied&{year}",
        "ticket page": f"/tickets/{one}",
        "report sla (30 d)": f"/reports/sla?{month}", "report followup (30 d)": f"/reports/followup?{month}",
        "report staff (30 d)": f"/reports/staff?{month}", "report places (30 d)": f"/reports/places?{month}",
        "report sla (365 d)": f"/reports/sla?{year}", "report places (365 d)": f"/reports/places?{year}",
        "summary week": "/summary?period=week", "summary month": "/summary?period=month",
        "export sla xlsx (30 d)": f"/export/sla_kind.xlsx?{month}", "export staff csv (365 d)": f"/export/staff.csv?{year}",
    }


def measure(client, path: str, requests: int) -> tuple[float, float, int]:
    for _ in range(2):
        client.get(path)
    timings = []
    for _ in range(requests):
        started = time.perf_counter()
        response = client.get(path)
        timings.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, (path, response.status_code)
    timings.sort()
    return statistics.median(timings), timings[max(0, int(round(0.95 * len(timings))) - 1)], len(response.data)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tickets", type=int, default=1_000_000)
    parser.add_argument("--requests", type=int, default=20)
    parser.add_argument("--keep", action="store_true", help="keep the generated database")
    parser.add_argument("--reuse", help="an existing generated database to measure again")
    args = parser.parse_args()

    admin_url = POSTGRES.replace("postgresql://", "postgresql+psycopg://", 1)
    admin = sqlalchemy.create_engine(admin_url, isolation_level="AUTOCOMMIT")
    name = args.reuse or f"wuye_bench_console_{uuid.uuid4().hex[:6]}"
    url = admin_url.rsplit("/", 1)[0] + f"/{name}"
    if not args.reuse:
        with admin.connect() as connection:
            connection.exec_driver_sql(f'CREATE DATABASE "{name}"')
    try:
        run(url, args, generate_data=not args.reuse)
    finally:
        if not (args.keep or args.reuse):
            with admin.connect() as connection:
                connection.exec_driver_sql(f'DROP DATABASE "{name}" WITH (FORCE)')
        else:
            print(f"database kept: --reuse {name}")


def run(url: str, args, generate_data: bool) -> None:
    from storage.migrate import upgrade

    if generate_data:
        engine = sqlalchemy.create_engine(url)
        upgrade(engine)
        engine.dispose()
        print(f"generating {args.tickets:,} tickets over 12 months", flush=True)
        generate(url, args.tickets)
    from app import create_app
    from handlers.console import rollups, signin

    app = create_app({"DATABASE_URL": url, "REDIS_URL": REDIS, "LOG_LEVEL": "warning"})
    desk = app.extensions["wuye"]
    started = time.perf_counter()
    days = rollups.refresh_all(desk)
    print(f"rollups: {days} days in {time.perf_counter() - started:.1f} s (the rq job's first run; later runs"
          f" recompute only the days whose tickets changed)", flush=True)
    client = app.test_client()
    link = signin.issue_link(desk, 100001)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', client.get(link).get_data(as_text=True))
    assert client.post(link, data={"csrf_token": token.group(1)}).status_code == 302
    print(f"\n{'page':<28}{'p50 ms':>9}{'p95 ms':>9}{'bytes':>10}")
    worst = 0.0
    for label, path in pages(desk, client).items():
        p50, p95, size = measure(client, path, args.requests)
        worst = max(worst, p95)
        print(f"{label:<28}{p50:>9.1f}{p95:>9.1f}{size:>10,}", flush=True)
    print(f"\nslowest p95: {worst:.0f} ms ({args.requests} requests a page, after 2 warm-up requests)")


if __name__ == "__main__":
    main()

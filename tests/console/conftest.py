"""Fixtures of the console's tests: managers and staff, tickets written straight to the database,
and a test client signed in the way a manager signs in (a one-time link, CSRF token and all)."""
from __future__ import annotations

import re
from datetime import datetime, timedelta

import pytest

import storage.console_models  # noqa: F401  (the console's tables join the metadata the fixtures truncate)
from handlers.console import signin
from storage.db import session_scope
from storage.models import EtiquetteViolation, Resident, Staff, Ticket, TicketEvent, utcnow

MANAGER, SUPERVISOR, WORKER, FORMER = 555, 777, 1001, 999


@pytest.fixture
def people(desk) -> dict[str, int]:
    """王经理 (manager), 周主管 (supervisor), 张师傅 (staff), 刘经理 (a manager who left): name -> staff id."""
    with session_scope(desk.sessions) as session:
        members = [Staff(telegram_user_id=MANAGER, name="王经理", role="manager", groups=[]),
                   Staff(telegram_user_id=SUPERVISOR, name="周主管", role="supervisor", groups=[]),
                   Staff(telegram_user_id=WORKER, name="张师傅", role="staff", groups=[]),
                   Staff(telegram_user_id=FORMER, name="刘经理", role="manager", groups=[], active=False)]
        session.add_all(members)
        session.flush()
        return {m.name: m.id for m in members}


def csrf_token(html: str) -> str:
    """The CSRF token of the first form on a page."""
    return re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html).group(1)


def sign_in(client, desk, telegram_user_id: int = MANAGER):
    """Sign in through a one-time link as the bot would send it; returns the redirect response."""
    link = signin.issue_link(desk, telegram_user_id)
    page = client.get(link)
    assert page.status_code == 200, page.get_data(as_text=True)
    return client.post(link, data={"csrf_token": csrf_token(page.get_data(as_text=True))})


@pytest.fixture
def manager(client, desk, people):
    """The test client, signed in as 王经理."""
    response = sign_in(client, desk)
    assert response.status_code == 302 and response.headers["Location"] == "/"
    return client


_codes = iter(range(1, 10**6))


def add_ticket(session, created_at: datetime, **values) -> Ticket:
    """A ticket as the desk would leave it, with the given columns."""
    number = next(_codes)
    kind = values.pop("kind", "repair")
    prefix = {"repair": "BX", "complaint": "TS", "inquiry": "ZX"}[kind]
    defaults = dict(code=f"{prefix}-{created_at:%Y%m%d}-{number:04d}", kind=kind, status="new",
                    description="厨房水管漏水", resident_words="厨房水管漏水 电话13812345678",
                    contact_phone="13812345678", created_at=created_at, updated_at=created_at,
                    due_at=created_at + timedelta(hours=2))
    ticket = Ticket(**{**defaults, **values})
    session.add(ticket)
    session.flush()
    return ticket


@pytest.fixture
def mixed_tickets(desk, people):
    """Sixty tickets over the last ten local days with every state a figure counts."""
    now = utcnow()
    kinds, statuses = ("repair", "complaint", "inquiry"), ("new", "accepted", "on_site", "done", "closed", "reopened")
    with session_scope(desk.sessions) as session:
        for i in range(60):
            status = statuses[i % 6]
            done = status in ("done", "closed") or i % 11 == 0
            add_ticket(session, now - timedelta(days=i % 10, minutes=7 * i), kind=kinds[i % 3], status=status,
                       urgent=i % 5 == 0, breached=i % 4 == 0, category=("water", "lift", "noise", None)[i % 4],
                       building=("3", "5", None)[i % 3], unit=("2", None)[i % 2], room=("1201", "801")[i % 2],
                       assignee_id=(people["张师傅"], people["周主管"], None)[i % 3],
                       done_at=now - timedelta(hours=1) if done else None,
                       followup_status=("answered", "phone", "sent", None)[i % 4] if done else None,
                       rating=(5, 4, 2, 1, 3, None)[i % 6] if done else None,
                       reopened_at=now if i % 6 == 5 or i % 9 == 0 else None, escalated=i % 8 == 0,
                       repeat_count=1 if i % 10 == 0 else 0, due_at=now + timedelta(minutes=90 - 6 * i))
        session.add(EtiquetteViolation(staff_id=people["张师傅"], text="不知道", phrase="不知道", category="dismissive",
                                       at=now - timedelta(hours=2)))
    return now


def add_history(session, ticket: Ticket, staff_id: int, now: datetime) -> None:
    """A resident's report, a reply the etiquette filter stopped, the rewrite sent instead."""
    resident = Resident(openid="o_console_1", phone="13900001111")
    session.add(resident)
    session.flush()
    ticket.resident_id = resident.id
    events = [("resident:o_console_1", "created", {"words": ["3栋2单元1201 厨房漏水 电话13812345678"], "urgent": True}),
              (f"staff:{staff_id}:张师傅", "accepted", None),
              (f"staff:{staff_id}:张师傅", "reply_blocked", {"text": "不知道，等一会", "phrases": ["不知道", "等一会"]}),
              (f"staff:{staff_id}:张师傅", "staff_reply", {"text": "您好，我们立即安排处理，请稍候。", "suggested": True}),
              ("system", "deadline_missed", {"step": "arrive", "due": "2026-11-22T10:30"})]
    for n, (actor, action, detail) in enumerate(events):
        session.add(TicketEvent(ticket_id=ticket.id, actor=actor, action=action, detail=detail,
                                at=now + timedelta(minutes=n)))

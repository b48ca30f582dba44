"""The console filters by the viewer's estates (issue 14 item 5): a manager of one estate sees its
tickets only; a manager with no estates listed sees the whole company."""
from __future__ import annotations

import re

from handlers.estates import admin
from storage.db import session_scope
from storage.models import Staff, utcnow

from .conftest import MANAGER, add_ticket, sign_in


def _total(client, **query) -> int:
    page = client.get("/tickets", query_string=query).get_data(as_text=True)
    return int(re.search(r'<b id="total">(\d+)</b>', page).group(1))


def test_a_manager_of_one_estate_sees_its_tickets_only(client, desk, people):
    other_id = admin.add_estate(desk.sessions, "阳光城")
    now = utcnow()
    with session_scope(desk.sessions) as session:
        mine = add_ticket(session, now, estate_id=other_id).id
        theirs = add_ticket(session, now).id  # the default estate
        session.get(Staff, people["王经理"]).estate_ids = [other_id]
    sign_in(client, desk, MANAGER)
    assert _total(client) == 1
    assert client.get(f"/tickets/{mine}").status_code == 200
    assert client.get(f"/tickets/{theirs}").status_code == 404


def test_a_company_manager_sees_every_estate(manager, desk, people):
    other_id = admin.add_estate(desk.sessions, "阳光城")
    now = utcnow()
    with session_scope(desk.sessions) as session:
        add_ticket(session, now, estate_id=other_id)
        add_ticket(session, now)
    assert _total(manager) == 2

"""Incidents: the app on both databases with the fake Telegram and WeChat APIs and registered staff."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from storage.incident_models import Incident, IncidentReport
from storage.models import Ticket, Timer

from ..conftest import WeChatUser
from ..staffing import STAFF_CHAT, ZHANG, drain, push, register_staff, settings

FAST = {"INCIDENT_CARD_SECONDS": 0, "INCIDENT_RESTORE_PER_SECOND": 1000}


@pytest.fixture
def build(make_app, fake_telegram, fake_wechat):
    """An app (desk) with staff; extra settings override."""
    def make(**extra):
        app = make_app(**settings(fake_telegram, fake_wechat, **{**FAST, **extra}))
        register_staff(app.extensions["wuye"])
        return app, app.extensions["wuye"]
    return make


class Residents:
    """Residents of the estate, each a WeChat user with an address and a phone in the first message."""

    def __init__(self, app):
        self.client = app.test_client()

    def user(self, number: int) -> WeChatUser:
        return WeChatUser(self.client, f"o_household_{number:04d}")

    def report(self, number: int, building: str, words: str = "停电了", room: str | None = None) -> str:
        room = room or f"{1000 + number}"
        return self.user(number).say(f"{building}栋1单元{room}{words}，电话138{number:08d}")


def incidents(desk) -> list[Incident]:
    with desk.sessions() as session:
        found = list(session.scalars(select(Incident).order_by(Incident.id)))
        session.expunge_all()
        return found


def tickets(desk) -> list[Ticket]:
    with desk.sessions() as session:
        found = list(session.scalars(select(Ticket).order_by(Ticket.id)))
        session.expunge_all()
        return found


def reports(desk, incident_id: int | None = None) -> list[IncidentReport]:
    with desk.sessions() as session:
        query = select(IncidentReport).order_by(IncidentReport.id)
        if incident_id is not None:
            query = query.where(IncidentReport.incident_id == incident_id)
        found = list(session.scalars(query))
        session.expunge_all()
        return found


def pending_timers(desk, ticket_id: int) -> list[Timer]:
    with desk.sessions() as session:
        found = list(session.scalars(select(Timer).where(Timer.ticket_id == ticket_id, Timer.status == "pending")))
        session.expunge_all()
        return found


def command(app, fake_telegram, text: str, user: int = ZHANG, chat: int = STAFF_CHAT):
    """A staff member types a command in the group (through the webhook, as Telegram delivers it)."""
    return push(app, fake_telegram.message_update(chat, user, text))


__all__ = ["Residents", "build", "command", "drain", "incidents", "pending_timers", "reports", "tickets"]

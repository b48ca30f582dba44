"""Privacy (PIPL): the retention purge and a resident's request to be forgotten, on SQLite and PostgreSQL.

Tickets, events and counts stay; who the resident was goes: openid, name, phone, address, their words'
phones and names, places and photos. Everything is checked in the database after the real commands ran.
"""
from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy
from sqlalchemy import func, select

from handlers.privacy import forget as forgetting, jobs as privacy_jobs
from handlers.privacy.purge import purge
from storage import privacy
from storage.db import session_scope
from storage.models import (Attachment, Conversation, EtiquetteViolation, InboundMessage, OutboxMessage, Resident,
                            Ticket, TicketEvent, Timer, utcnow)

OLD_PHONE, NEW_PHONE = "13812345678", "13900001111"


def _resident(session, openid, phone, seen, words, status="closed", name="陈建国"):
    """A resident with one ticket, its events, a photo, a message, a reply to them and a conversation."""
    resident = Resident(openid=openid, name=name, phone=phone, building="3", unit="2", room="1201",
                        address_confirmed=True, last_message_at=seen, created_at=seen, updated_at=seen)
    session.add(resident)
    session.flush()
    ticket = Ticket(code=f"BX-{seen:%Y%m%d}-{resident.id:04d}", kind="repair", status=status, category="water",
                    building="3", unit="2", room="1201", description=words, resident_words=words,
                    contact_phone=phone, contact_name=name, location={"label": "锦绣花园3栋"}, resident_id=resident.id,
                    rating=5, created_at=seen, updated_at=seen, closed_at=seen if status == "closed" else None,
                    staff_chat_id=-1001000000001, card_message_id=77)
    session.add(ticket)
    session.flush()
    session.add_all([
        TicketEvent(ticket_id=ticket.id, at=seen, actor=f"resident:{openid}", action="created",
                    detail={"words": [words]}),
        Attachment(resident_id=resident.id, ticket_id=ticket.id, kind="image", media_id="m1",
                   url="http://mmbiz.qpic.cn/x.jpg", created_at=seen),
        InboundMessage(dedup_key=f"k-{openid}", openid=openid, msg_type="text", content=words, received_at=seen,
                       reply=f"{name}您好，已受理", ticket_id=ticket.id, intent="repair"),
        OutboxMessage(channel="wechat", kind="text", recipient=openid, payload={"content": f"{name}您好，师傅马上到"},
                      ticket_id=ticket.id, status="pending", created_at=seen),
        Conversation(resident_id=resident.id, state="repair", slots={"phone": phone}, expires_at=seen),
        Timer(ticket_id=ticket.id, kind="followup", fire_at=utcnow() + timedelta(hours=1), status="pending"),
        EtiquetteViolation(ticket_id=ticket.id, text=f"{name}，这不归我们管", phrase="不归我们管",
                           category="shirking", at=seen),
    ])
    return resident.id, ticket.id


@pytest.fixture
def people(desk):
    """陈建国, silent for three years (closed ticket); 周敏, who wrote last week (open ticket)."""
    long_ago, lately = utcnow() - timedelta(days=3 * 365), utcnow() - timedelta(days=7)
    with session_scope(desk.sessions) as session:
        old = _resident(session, "o_old_resident_01", OLD_PHONE, long_ago, f"厨房漏水 我是陈建国 电话{OLD_PHONE}")
        new = _resident(session, "o_new_resident_02", NEW_PHONE, lately, f"下水道堵了 电话{NEW_PHONE}",
                        status="accepted", name="周敏")
    return {"old": old, "new": new}


def _state(desk, resident_id, ticket_id):
    with desk.sessions() as session:
        resident, ticket = session.get(Resident, resident_id), session.get(Ticket, ticket_id)
        events = list(session.scalars(select(TicketEvent).where(TicketEvent.ticket_id == ticket_id)))
        message = session.scalars(select(InboundMessage).where(InboundMessage.ticket_id == ticket_id)).one()
        outbox = session.scalars(select(OutboxMessage).where(OutboxMessage.ticket_id == ticket_id,
                                                              OutboxMessage.kind == "text")).one()
        photo = session.scalars(select(Attachment).where(Attachment.ticket_id == ticket_id)).one()
        conversation = session.get(Conversation, resident_id)
        timer = session.scalars(select(Timer).where(Timer.ticket_id == ticket_id)).one()
        session.expunge_all()
    return resident, ticket, events, message, outbox, photo, conversation, timer


def test_purge_anonymises_what_outlived_the_retention_and_keeps_the_tickets(desk, people):
    assert purge(desk, dry_run=True).counts == {"tickets": 1, "residents": 1, "messages": 1, "opinions": 0}
    assert _state(desk, *people["old"])[0].openid == "o_old_resident_01"      # the dry run changed nothing
    report = purge(desk)
    assert report.counts == {"tickets": 1, "residents": 1, "messages": 1, "opinions": 0}
    resident, ticket, events, message, outbox, photo, conversation, _timer = _state(desk, *people["old"])
    assert resident.openid.startswith(privacy.FORGOTTEN) and resident.anonymised_at is not None
    assert (resident.name, resident.phone, resident.room, resident.active) == (None, None, None, False)
    assert ticket.contact_phone == "138****5678" and ticket.contact_name is None and ticket.location is None
    assert OLD_PHONE not in ticket.resident_words and "陈建国" not in ticket.resident_words
    assert "厨房漏水" in ticket.resident_words                      # the problem itself is still readable
    assert (ticket.kind, ticket.category, ticket.building, ticket.room, ticket.rating, ticket.status) == \
        ("repair", "water", "3", "1201", 5, "closed")              # what reports need stays
    assert OLD_PHONE not in str(events[0].detail) and events[0].actor == f"resident:{resident.openid}"
    assert events[-1].action == "personal_data_anonymised" and events[-1].detail == {"retention_days": 730}
    assert OLD_PHONE not in message.content and "陈建国" not in message.reply and message.openid == resident.openid
    assert outbox.recipient == resident.openid and "陈建国" not in str(outbox.payload)
    assert photo.url is None and photo.media_id is None and conversation is None
    # the resident who wrote last week is untouched
    recent, open_ticket, *_ = _state(desk, *people["new"])
    assert recent.openid == "o_new_resident_02" and recent.phone == NEW_PHONE
    assert open_ticket.contact_phone == NEW_PHONE and open_ticket.anonymised_at is None
    assert purge(desk).counts == {"tickets": 0, "residents": 0, "messages": 0, "opinions": 0}   # nothing twice
    with desk.sessions() as session:
        logged = privacy.events(session)
    assert [e.action for e in logged] == ["purge", "purge"] and "保留" in logged[0].kept


def test_the_company_setting_shortens_the_retention_without_a_restart(desk, people):
    from handlers.estates.settings import SettingsStore
    with session_scope(desk.sessions) as session:
        _resident(session, "o_two_months_03", "13700002222", utcnow() - timedelta(days=60), "楼道灯不亮了")
    assert purge(desk, dry_run=True).counts["residents"] == 1             # 730 days: only 陈建国
    SettingsStore(desk.sessions, desk.config).change(None, "公司", "privacy_retention_days", "30", "test")
    report = purge(desk)
    assert report.scopes[-1].days == 30 and report.counts["residents"] == 2
    assert _state(desk, *people["new"])[0].phone == NEW_PHONE               # wrote last week: kept


def test_the_retention_is_checked(desk):
    from handlers.estates.settings import SettingsError, SettingsStore
    with pytest.raises(SettingsError, match="privacy_retention_days"):
        SettingsStore(desk.sessions, desk.config).change(None, "公司", "privacy_retention_days", "7", "test")


@pytest.mark.parametrize("identifier", ["o_new_resident_02", "139 0000 1111", "+86 13900001111"])
def test_forget_by_openid_or_phone_removes_the_person_at_once(desk, people, identifier):
    report = forgetting.forget(desk, identifier, "客服小李")
    assert (report.residents, report.tickets, report.open_tickets, report.followups_stopped) == (1, 1, 1, 1)
    resident, ticket, events, message, outbox, photo, conversation, timer = _state(desk, *people["new"])
    assert resident.openid.startswith(privacy.FORGOTTEN) and resident.phone is None and resident.name is None
    assert ticket.contact_phone == "139****1111" and NEW_PHONE not in ticket.resident_words
    assert events[-1].action == "personal_data_forgotten" and events[-1].detail == {"by": "客服小李"}
    assert NEW_PHONE not in message.content and "周敏" not in message.reply
    assert outbox.status == "failed" and "forgotten" in outbox.last_error   # never sent after the request
    assert timer.status == "cancelled" and conversation is None and photo.url is None
    with desk.sessions() as session:
        stopped = session.scalars(select(EtiquetteViolation).where(EtiquetteViolation.ticket_id == ticket.id)).one()
        cards = session.scalars(select(OutboxMessage).where(OutboxMessage.ticket_id == ticket.id,
                                                            OutboxMessage.kind == "card")).all()
    assert stopped.text == "周**，这不归我们管"
    assert len(cards) == 1 and cards[0].recipient == "-1001000000001"     # the group's card is redrawn
    assert _state(desk, *people["old"])[0].phone == OLD_PHONE                # nobody else
    with desk.sessions() as session:
        logged = privacy.events(session)[0]
    assert logged.action == "forget" and logged.subject in ("139****1111", "o_ne…02")
    assert NEW_PHONE not in logged.subject and logged.counts["tickets"] == 1


def test_forget_dry_run_and_unknown_people(desk, people):
    report = forgetting.forget(desk, OLD_PHONE, "cli", dry_run=True)
    assert report.tickets == 1 and _state(desk, *people["old"])[0].phone == OLD_PHONE
    assert forgetting.forget(desk, "13700000000", "cli").residents == 0
    with pytest.raises(forgetting.ForgetError):
        forgetting.forget(desk, "张三", "cli")
    with desk.sessions() as session:
        assert session.scalar(select(func.count()).select_from(privacy.PrivacyEvent)) == 1  # the unknown one


def test_the_command_line(app, desk, people):
    from app import cli

    runner = app.test_cli_runner()
    dry = runner.invoke(cli, ["privacy", "purge", "--dry-run"])
    assert dry.exit_code == 0 and "would anonymise: 1 tickets, 1 residents, 1 messages" in dry.output
    assert "保留" in dry.output
    forgot = runner.invoke(cli, ["privacy", "forget", NEW_PHONE, "--by", "客服小李"])
    assert forgot.exit_code == 0 and "forgot 139****1111" in forgot.output and "still open" in forgot.output
    bad = runner.invoke(cli, ["privacy", "forget", "not a phone!"])
    assert bad.exit_code != 0 and "neither" in bad.output
    log = runner.invoke(cli, ["privacy", "log"])
    assert "forget" in log.output and NEW_PHONE not in log.output


def test_the_worker_schedules_the_daily_purge_once(desk):
    first, again = privacy_jobs.ensure_scheduled(desk), privacy_jobs.ensure_scheduled(desk)
    assert first == again and first.startswith("privacy-purge-")
    local = desk.local(privacy_jobs.next_run(desk, desk.now()))
    assert (local.hour, local.minute) == (3, 30)
    scheduled = desk.jobs.queue.scheduled_job_registry.get_job_ids()
    assert scheduled.count(first) == 1


def test_the_daily_job_purges(desk, people):
    assert "'residents': 1" in privacy_jobs.run(desk)
    with desk.sessions() as session:
        assert privacy.events(session)[0].actor == "system:daily"


def test_an_estate_keeps_personal_data_for_its_own_time(desk):
    from handlers.estates import admin
    from handlers.estates.settings import SettingsStore
    short = admin.add_estate(desk.sessions, "翠湖苑", "CH")
    long_ = admin.add_estate(desk.sessions, "锦绣花园", "JX")
    SettingsStore(desk.sessions, desk.config).change(short, "翠湖苑", "privacy_retention_days", "60", "test")
    hundred_days_ago = utcnow() - timedelta(days=100)
    with session_scope(desk.sessions) as session:
        made = {}
        for estate, openid, phone in ((short, "o_short_estate_1", "13900001111"), (long_, "o_long_estate_1", OLD_PHONE)):
            resident_id, ticket_id = _resident(session, openid, phone, hundred_days_ago, f"门禁坏了 电话{phone}")
            session.get(Resident, resident_id).estate_id = estate
            session.get(Ticket, ticket_id).estate_id = estate
            made[estate] = (resident_id, ticket_id)
    with session_scope(desk.sessions) as session:  # the change above made them "updated now"
        session.execute(sqlalchemy.update(Ticket).values(updated_at=hundred_days_ago))
    report = purge(desk)
    assert [(s.days, s.estate_ids) for s in report.scopes] == [(60, (short,)), (730, None)]
    assert _state(desk, *made[short])[0].anonymised_at is not None
    assert _state(desk, *made[long_])[0].phone == OLD_PHONE
